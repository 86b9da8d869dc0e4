"""Building the SQL layers from files: one statement per file, file name = relation name.

``sql/staging/stg_x.sql`` becomes the view ``staging.stg_x``; ``sql/marts/x.sql`` becomes the
table ``marts.x``. Views keep staging always current with the ledger; marts are tables because
they are what report writers read and export. A file may read others of its layer: each is
built after the ones it names.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipeline.config import Settings


def layer_files(settings: Settings, layer: str) -> list[Path]:
    return sorted((settings.sql_dir / layer).glob("*.sql"))


def _without_comments(path: Path) -> str:
    return re.sub(r"--[^\n]*", "", path.read_text())


def in_dependency_order(paths: list[Path], layer: str) -> list[Path]:
    """Files ordered so each comes after the files of its layer that it reads (``layer.name``)."""
    by_name = {path.stem: path for path in paths}
    reads = {path.stem: set(re.findall(rf"\b{layer}\.(\w+)", _without_comments(path)))
             - {path.stem} for path in paths}
    ordered: list[Path] = []
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in trail:
            raise ValueError(f"SQL files read each other in a circle: {' -> '.join(trail)}")
        for needed in sorted(reads[name] & set(by_name)):
            visit(needed, (*trail, name))
        done.add(name)
        ordered.append(by_name[name])

    for name in sorted(by_name):
        visit(name, ())
    return ordered


def build_staging(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    paths = in_dependency_order(layer_files(settings, "staging"), "staging")
    for path in paths:
        conn.execute(f"CREATE OR REPLACE VIEW staging.{path.stem} AS {path.read_text()}")
    return [f"staging.{path.stem}" for path in paths]


def build_marts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Rebuild every mart in one transaction, so readers never see half a rebuild."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    paths = in_dependency_order(layer_files(settings, "marts"), "marts")
    conn.execute("BEGIN TRANSACTION")
    try:
        for path in paths:
            conn.execute(f"CREATE OR REPLACE TABLE marts.{path.stem} AS {path.read_text()}")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return [f"marts.{path.stem}" for path in paths]

"""Building the SQL layers from files: one statement per file, file name = relation name.

``sql/staging/stg_x.sql`` becomes the view ``staging.stg_x``; ``sql/marts/x.sql`` becomes the
table ``marts.x``. Views keep staging always current with the ledger; marts are tables because
they are what report writers read and export. A file may read another of its layer: files are
built in name order, and one whose inputs do not exist yet is retried after the others.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from pipeline.config import Settings


def layer_files(settings: Settings, layer: str) -> list[Path]:
    return sorted((settings.sql_dir / layer).glob("*.sql"))


def _build_in_dependency_order(paths: list[Path], build: Callable[[Path], None]) -> None:
    pending = list(paths)
    while pending:
        deferred: list[Path] = []
        last_error: Exception | None = None
        for path in pending:
            try:
                build(path)
            except duckdb.CatalogException as error:  # reads a relation built later in the list
                deferred.append(path)
                last_error = error
        if len(deferred) == len(pending):
            raise RuntimeError(f"Cannot build {[p.name for p in deferred]}: {last_error}")
        pending = deferred


def build_staging(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    paths = layer_files(settings, "staging")
    _build_in_dependency_order(paths, lambda path: conn.execute(
        f"CREATE OR REPLACE VIEW staging.{path.stem} AS {path.read_text()}"))
    return [f"staging.{path.stem}" for path in paths]


def build_marts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Rebuild every mart in one transaction, so readers never see half a rebuild."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    paths = layer_files(settings, "marts")
    conn.execute("BEGIN TRANSACTION")
    try:
        _build_in_dependency_order(paths, lambda path: conn.execute(
            f"CREATE OR REPLACE TABLE marts.{path.stem} AS {path.read_text()}"))
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return [f"marts.{path.stem}" for path in paths]

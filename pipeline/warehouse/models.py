"""Building the SQL layers from files: one statement per file, file name = relation name.

``sql/staging/stg_x.sql`` becomes the view ``staging.stg_x``; ``sql/marts/x.sql`` becomes the
table ``marts.x``. Views keep staging always current with the ledger; marts are tables because
they are what report writers read and export.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipeline.config import Settings


def layer_files(settings: Settings, layer: str) -> list[Path]:
    return sorted((settings.sql_dir / layer).glob("*.sql"))


def build_staging(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS staging")
    built = []
    for path in layer_files(settings, "staging"):
        conn.execute(f"CREATE OR REPLACE VIEW staging.{path.stem} AS {path.read_text()}")
        built.append(f"staging.{path.stem}")
    return built


def build_marts(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Rebuild every mart in one transaction, so readers never see half a rebuild."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    built = []
    conn.execute("BEGIN TRANSACTION")
    try:
        for path in layer_files(settings, "marts"):
            conn.execute(f"CREATE OR REPLACE TABLE marts.{path.stem} AS {path.read_text()}")
            built.append(f"marts.{path.stem}")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return built

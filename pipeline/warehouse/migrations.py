"""Numbered schema migrations, applied once each and in order.

``sql/migrations/NNN_name.sql`` files; each runs in its own transaction with its record in
``meta.schema_migrations``, so a failed migration leaves the schema as it was. After migrating,
reference tables are refreshed and the staging views rebuilt (both derived, so always safe).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipeline.config import Settings

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def migration_files(sql_dir: Path) -> list[tuple[int, Path]]:
    found = []
    for path in sorted((sql_dir / "migrations").glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise ValueError(f"Migration file name {path.name!r} is not NNN_name.sql")
        found.append((int(match.group(1)), path))
    versions = [v for v, _ in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"Two migrations share a number in {sql_dir / 'migrations'}")
    return found


def applied_versions(conn: duckdb.DuckDBPyConnection) -> set[int]:
    conn.execute("CREATE SCHEMA IF NOT EXISTS meta")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS meta.schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return {row[0] for row in conn.execute("SELECT version FROM meta.schema_migrations").fetchall()}


def migrate(conn: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Apply pending migrations; return the names applied."""
    done = applied_versions(conn)
    applied = []
    for version, path in migration_files(settings.sql_dir):
        if version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(path.read_text())
            conn.execute(
                "INSERT INTO meta.schema_migrations VALUES (?, ?, current_localtimestamp())",
                [version, path.stem],
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(path.stem)
    from pipeline.warehouse.models import build_staging
    from pipeline.warehouse.reference import load_reference

    load_reference(conn, settings)
    # Views are definitions only: rebuilding them each time keeps them equal to sql/staging.
    build_staging(conn, settings)
    return applied

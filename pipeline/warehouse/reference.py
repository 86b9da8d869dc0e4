"""Reference data in the warehouse: each committed CSV becomes a table ``ref.<file stem>``.

Reloaded only when the CSVs change (their combined hash is kept in ``meta.reference_state``),
so opening the warehouse stays cheap.
"""

from __future__ import annotations

import hashlib

import duckdb

from pipeline.config import Settings


def _fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256()
    for path in sorted(settings.reference_dir.glob("*.csv")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_reference(conn: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Load the reference CSVs if they changed since last time; return whether it reloaded."""
    conn.execute("CREATE SCHEMA IF NOT EXISTS ref")
    conn.execute("CREATE TABLE IF NOT EXISTS meta.reference_state (fingerprint VARCHAR)")
    fingerprint = _fingerprint(settings)
    current = conn.execute("SELECT fingerprint FROM meta.reference_state").fetchall()
    if current and current[0][0] == fingerprint:
        return False
    conn.execute("BEGIN TRANSACTION")
    try:
        for path in sorted(settings.reference_dir.glob("*.csv")):
            conn.execute(
                f"CREATE OR REPLACE TABLE ref.{path.stem} AS "
                "SELECT * FROM read_csv(?, header = true, all_varchar = false)",
                [str(path)],
            )
        conn.execute("DELETE FROM meta.reference_state")
        conn.execute("INSERT INTO meta.reference_state VALUES (?)", [fingerprint])
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return True

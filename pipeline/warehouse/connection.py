"""Opening the warehouse file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from pipeline.config import Settings


@contextmanager
def connect(settings: Settings, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated to the latest schema when opened for writing."""
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    try:
        if not read_only:
            from pipeline.warehouse.migrations import migrate

            migrate(conn, settings)
        yield conn
    finally:
        conn.close()

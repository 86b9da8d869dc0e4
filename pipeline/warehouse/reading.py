"""Reading the warehouse without changing it: what the commands that only read use.

A read opens the file read-only, so it never migrates, rebuilds or checkpoints anything, and
works on a full disk. Writers (ingest, national loads, rebuilds) migrate the schema and rebuild
the marts after they load; a read that finds the schema behind the code, or the marts older
than the latest submission or built from other SQL (a warehouse written by an older version, or
a load whose marts rebuild failed), works on a private copy brought up to date in a temporary
folder, so the figures are current and the warehouse file is still untouched.
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.locking import writer_lock
from pipeline.warehouse.connection import connect
from pipeline.warehouse.migrations import migration_files
from pipeline.warehouse.models import build_marts, marts_are_current


@contextmanager
def reading(settings: Settings, *, marts: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for reading only; with ``marts``, the marts are current in what it reads.

    Raises :class:`pipeline.warehouse.connection.WarehouseMissing` when there is no warehouse
    (never creates one) and ``WarehouseDamaged`` when the file is cut short.
    """
    with connect(settings, read_only=True) as conn:
        current = schema_is_current(conn, settings) and (
            not marts or marts_are_current(conn, settings)
        )
        if current:
            yield conn
            return
    with tempfile.TemporaryDirectory(prefix="cmast-read-") as folder:
        copy = Path(folder) / settings.warehouse_path.name
        # Copied under the writer lock: a copy taken while a writer checkpoints could be torn.
        with writer_lock(settings):
            shutil.copyfile(settings.warehouse_path, copy)
        private = dataclasses.replace(settings, warehouse_path=copy)
        with connect(private, create=True) as conn:  # migrates the copy
            if marts and not marts_are_current(conn, private):
                build_marts(conn, private)
            yield conn


def schema_is_current(conn: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Every migration of ``sql/migrations`` is applied (read without creating anything)."""
    known = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' "
        "AND table_name = 'schema_migrations'"
    ).fetchall()[0][0]
    if not known:
        return False
    applied = {v for (v,) in conn.execute("SELECT version FROM meta.schema_migrations").fetchall()}
    return {version for version, _ in migration_files(settings.sql_dir)} <= applied

"""Opening the warehouse file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import duckdb

from pipeline.config import Settings
from pipeline.locking import WriterBusy, writer_lock


class WarehouseLocked(duckdb.IOException):
    """Another process kept the warehouse file open for longer than we were willing to wait."""


@contextmanager
def connect(settings: Settings, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated to the latest schema when opened for writing.

    While another process has the file open for writing DuckDB refuses every other process, even
    read-only; the CLI can run beside ``cmast serve``, so wait up to ``CMAST_LOCK_WAIT_SECONDS``
    for it to close before raising :class:`WarehouseLocked`.
    """
    held = _held.get(str(settings.warehouse_path))
    if held is not None and not read_only:
        cursor = held.cursor()  # its own transactions, on the connection already open
        try:
            yield cursor
        finally:
            cursor.close()
        return
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    conn = _open(settings, read_only)
    try:
        if not read_only:
            _migrate_once(conn, settings)
        yield conn
    finally:
        conn.close()


#: Connections kept open by :func:`held_open`, by warehouse file.
_held: dict[str, duckdb.DuckDBPyConnection] = {}


@contextmanager
def held_open(settings: Settings) -> Iterator[None]:
    """Keep the warehouse open for writing across many operations (one ingest run).

    Opening the file and checkpointing it on close cost ~60 ms each time; a run of hundreds of
    files pays that once instead. Within the block, :func:`connect` hands out cursors of the one
    connection. The process is the warehouse's single writer for the block's duration, so it
    holds the writer lock (``pipeline.locking``) throughout, taken before the connection as
    every writer takes them: otherwise it could hold the file while waiting for a lock whose
    holder waits for the file.
    """
    key = str(settings.warehouse_path)
    if key in _held:
        yield
        return
    with ExitStack() as holding:
        try:
            holding.enter_context(writer_lock(settings))
            conn = holding.enter_context(connect(settings))
        except (WriterBusy, WarehouseLocked):
            # Another process is writing: go on without holding; each operation then waits (and
            # its task retries) on its own, so one busy moment never fails the whole run.
            holding.close()
            conn = None
        if conn is None:
            yield
            return
        _held[key] = conn
        try:
            yield
        finally:
            del _held[key]


#: Warehouse file -> fingerprint of the SQL and reference files it was last migrated with in
#: this process. Migrating rebuilds every staging view (~70 ms); once per process is enough
#: unless the files change or the warehouse is replaced.
_migrated: dict[str, tuple] = {}


def _fingerprint(settings: Settings) -> tuple:
    files = [*settings.sql_dir.rglob("*.sql"), *settings.reference_dir.glob("*.csv")]
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in files))


def _migrate_once(conn: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    from pipeline.warehouse.migrations import migrate

    key = str(settings.warehouse_path)
    stamp = (_fingerprint(settings), settings.warehouse_path.stat().st_ino)
    if _migrated.get(key) == stamp:
        return
    migrate(conn, settings)
    _migrated[key] = stamp


def _open(settings: Settings, read_only: bool) -> duckdb.DuckDBPyConnection:
    wait = settings.lock_wait_seconds
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(settings.warehouse_path), read_only=read_only)
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLocked(
                    f"The warehouse {settings.warehouse_path} is locked by another process "
                    f"(DuckDB allows one at a time) and stayed locked for {wait:g} s; allow "
                    f"longer with CMAST_LOCK_WAIT_SECONDS. DuckDB said: {error}") from error
            # Back off so a long wait costs little, but notice a release within a second.
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)

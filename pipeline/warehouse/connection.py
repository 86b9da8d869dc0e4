"""Opening the warehouse file."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import duckdb

from pipeline.config import Settings
from pipeline.errors import CmastError
from pipeline.locking import WriterBusy, writer_lock


class WarehouseLocked(CmastError, duckdb.IOException):
    """Another process kept the warehouse file open for longer than we were willing to wait."""


class WarehouseMissing(CmastError, FileNotFoundError):
    """There is no warehouse file: where files were already received, it was lost and must be
    rebuilt (``cmast rebuild``), never silently replaced by an empty one."""


class WarehouseDamaged(CmastError, RuntimeError):
    """The warehouse file is not a DuckDB file, is shorter than its blocks in use need, or
    DuckDB found a bad block: nothing may be read from or written to it; ``cmast rebuild``
    makes a sound one."""


#: What DuckDB says when a block of the file is missing or corrupt.
_DAMAGE_WORDS = ("checksum", "could not read enough bytes", "corrupt", "not a valid duckdb")


def rebuild_hint(settings: Settings) -> str:
    return (
        f"Rebuild it from the archive with `cmast rebuild` (or restore "
        f"{settings.warehouse_path.name} from a backup)."
    )


def received_before(settings: Settings) -> list[str]:
    """What shows that files were received into this data root before: a non-empty archive or
    quarantine, a published snapshot. A warehouse missing beside any of these was lost."""
    from pipeline.warehouse.places import snapshot_path

    found = []
    for folder in (settings.archive, settings.quarantine):
        if folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            found.append(f"{folder.name}/")
    if snapshot_path(settings).exists():
        found.append("outputs/snapshot/")
    return found


def is_damage(error: BaseException) -> bool:
    return any(word in str(error).lower() for word in _DAMAGE_WORDS)


@contextmanager
def connect(
    settings: Settings, *, read_only: bool = False, create: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated to the latest schema when opened for writing.

    Read-only connections never migrate or write, and need the file to exist. A writer creates
    the file only in a data root that has received nothing yet (or with ``create``, which
    ``cmast rebuild`` passes): a warehouse missing beside an archive, a quarantine or a snapshot
    was lost, and an empty one in its place would publish a snapshot of nothing over the last
    good one. Every open checks the file starts as a DuckDB file and is long enough for the
    blocks in use (:class:`WarehouseDamaged` otherwise).

    While another process has the file open for writing DuckDB refuses every other process, even
    read-only; the CLI can run beside ``cmast serve``, so wait up to ``CMAST_LOCK_WAIT_SECONDS``
    for it to close before raising :class:`WarehouseLocked`.
    """
    held = _held.get(str(settings.warehouse_path))
    if held is not None:
        cursor = held.cursor()  # its own transactions, on the connection already open
        try:
            yield cursor
        finally:
            cursor.close()
        return
    if not settings.warehouse_path.exists():
        evidence = received_before(settings)
        if read_only or (evidence and not create):
            raise WarehouseMissing(
                f"There is no warehouse at {settings.warehouse_path}"
                + (
                    f", although files were received before ({', '.join(evidence)} hold them). "
                    + rebuild_hint(settings)
                    if evidence
                    else ": nothing has been received yet (`cmast ingest` creates it)."
                )
            )
        settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
        forget_migrated(settings)  # a new file may reuse the inode of one migrated before
    else:
        check_start(settings)
    conn = _open(settings, read_only)
    try:
        check_whole(conn, settings)
        if not read_only:
            _migrate_once(conn, settings)
        yield conn
    except duckdb.Error as error:
        if is_damage(error):
            raise WarehouseDamaged(
                f"The warehouse {settings.warehouse_path} is damaged: {error}. "
                + rebuild_hint(settings)
            ) from error
        raise
    finally:
        conn.close()


def check_start(settings: Settings) -> None:
    """Before opening: the file starts as a DuckDB file does (its magic bytes ``DUCK``)."""
    path = settings.warehouse_path
    with path.open("rb") as handle:
        head = handle.read(_HEADER_BYTES)
    if len(head) < _HEADER_BYTES or head[8:12] != b"DUCK":
        raise WarehouseDamaged(
            f"The warehouse {path} is damaged: it is {path.stat().st_size:,} bytes and does not "
            "start as a DuckDB file does. " + rebuild_hint(settings)
        )


def check_whole(conn: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """The cheap integrity check made at every open: the file is long enough for the blocks in
    use. A file cut short (a failed copy, a full disk, a truncated restore) can still open and
    list some tables, while the blocks it lost fail only when first read, in the middle of a
    load. (Free blocks at the end of the file are cut off by DuckDB itself, so the total count
    may exceed the file; the blocks in use never can.) Skipped while a ``.wal`` is waiting to be
    checkpointed, as blocks it replays are in memory only."""
    path = settings.warehouse_path
    if path.with_name(path.name + ".wal").exists():
        return
    found = conn.execute(
        "SELECT block_size, used_blocks FROM pragma_database_size() "
        "WHERE database_name = current_database()"
    ).fetchall()
    if not found or not found[0][1]:
        return  # a new, empty file: nothing to lose yet
    block_size, used = found[0]
    needed = _HEADER_BYTES + block_size * used
    size = path.stat().st_size
    if size < needed:
        raise WarehouseDamaged(
            f"The warehouse {path} is damaged: it is {size:,} bytes where the {used:,} blocks "
            f"in use need {needed:,}, so part of it is lost. " + rebuild_hint(settings)
        )


#: The main header and the two database headers, 4 KiB each.
_HEADER_BYTES = 3 * 4096


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


def forget_migrated(settings: Settings) -> None:
    """The warehouse file is new or was replaced: migrate it at its next opening for writing."""
    _migrated.pop(str(settings.warehouse_path), None)


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
            if is_damage(error):
                raise WarehouseDamaged(
                    f"The warehouse {settings.warehouse_path} is damaged: {error}. "
                    + rebuild_hint(settings)
                ) from error
            if "lock" not in str(error).lower():
                raise
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WarehouseLocked(
                    f"The warehouse {settings.warehouse_path} is locked by another process "
                    f"(DuckDB allows one at a time) and stayed locked for {wait:g} s; allow "
                    f"longer with CMAST_LOCK_WAIT_SECONDS. DuckDB said: {error}"
                ) from error
            # Back off so a long wait costs little, but notice a release within a second.
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)

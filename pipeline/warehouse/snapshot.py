"""The read-only copy of the warehouse that report writers query, and reading it.

DuckDB lets one process hold the live warehouse, so report writers never open it: they read a
snapshot, published after every ingest run that changed the ledger and after every marts
rebuild, into ``<data root>/outputs/snapshot/``:

- ``cmast.duckdb``: the whole warehouse (ledger, raw, ref, staging views, marts) as of the last
  publication, for the DuckDB CLI, Python or ``cmast query``;
- ``parquet/<schema>.<name>.parquet``: every ``staging`` and ``marts`` relation,
  ``ledger.submissions`` and the figure catalogue ``meta.figures``, one file each, for tools
  that read Parquet (Excel's Power Query, pandas, R, Power BI);
- ``manifest.json``: when it was published and the rows in each Parquet file.

A snapshot is never replaced by one holding fewer submissions (:class:`SnapshotRefused`): the
ledger only grows, so fewer means the warehouse was lost or replaced, and the snapshot is then
the report writers' only copy of what was there (and ``cmast rebuild`` needs its ledger).

Each file appears whole or not at all (written under a temporary name in the same folder, then
renamed over the old one), so a reader holding the old snapshot open keeps reading the old one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.config import Settings
from pipeline.errors import CmastError, UsageError
from pipeline.locking import writer_lock
from pipeline.warehouse.connection import connect
from pipeline.warehouse.places import SNAPSHOT_FILE, parquet_dir, snapshot_dir, snapshot_path

#: The schemas exported as Parquet, with the ledger, for report writers.
EXPORTED_SCHEMAS = ("staging", "marts")
#: Statements a report writer may run against the snapshot: reads only.
READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


@dataclass
class Published:
    """What one publication wrote: the database copy, and rows per exported relation."""

    path: Path
    submissions: int
    relations: dict[str, int]


def exported_relations(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """``schema.name`` of every staging and marts table or view, the ledger and the figure
    catalogue, sorted."""
    found = conn.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND list_contains($schemas, schema_name) "
        "UNION SELECT schema_name || '.' || view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND list_contains($schemas, schema_name) "
        "AND NOT internal "
        # The figure catalogue (each headline id's section, label, unit and kind), once built.
        "UNION SELECT 'meta.figures' FROM duckdb_tables() WHERE database_name = "
        "current_database() AND schema_name = 'meta' AND table_name = 'figures'",
        {"schemas": list(EXPORTED_SCHEMAS)},
    ).fetchall()
    return sorted({name for (name,) in found} | {"ledger.submissions"})


def publish_snapshot(settings: Settings, advance: Callable[[], None] | None = None) -> Published:
    """Copy the warehouse and export its reporting relations, under the writer lock.

    The copy is of the file itself after a checkpoint (every committed change written into it),
    made while this process holds the only connection, so nothing can change it meanwhile.
    ``advance`` is called once per relation exported, for a progress bar.
    """
    folder = snapshot_dir(settings)
    parquet = parquet_dir(settings)
    parquet.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings), connect(settings) as conn:
        conn.execute("CHECKPOINT")
        submissions = conn.execute("SELECT count(*) FROM ledger.submissions").fetchall()[0][0]
        published = published_submissions(settings)
        if published is not None and published > submissions:
            raise SnapshotRefused(
                f"Not publishing the snapshot: the warehouse holds {submissions:,} submissions "
                f"and the snapshot already published holds {published:,}. The warehouse has "
                "lost part of its ledger (deleted, replaced or restored from an old copy); the "
                "snapshot is kept as it is. Rebuild the warehouse with `cmast rebuild`."
            )
        partial = folder / f".{SNAPSHOT_FILE}.partial"
        shutil.copyfile(settings.warehouse_path, partial)
        _check_copy(partial, submissions)
        os.replace(partial, folder / SNAPSHOT_FILE)
        relations = {}
        for name in exported_relations(conn):
            relations[name] = _export(conn, name, parquet / f"{name}.parquet")
            if advance:
                advance()
    for stale in parquet.glob("*.parquet"):
        if stale.stem not in relations:
            stale.unlink()  # a relation dropped since the last publication
    manifest = {
        "published_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "submissions": submissions,
        "parquet": {f"{name}.parquet": rows for name, rows in relations.items()},
    }
    _write_atomically(folder / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return Published(path=folder / SNAPSHOT_FILE, submissions=submissions, relations=relations)


class SnapshotRefused(CmastError, RuntimeError):
    """Publishing would replace a snapshot holding more submissions than the warehouse."""


def published_submissions(settings: Settings) -> int | None:
    """How many submissions the published snapshot holds (``None``: nothing published)."""
    path = snapshot_path(settings)
    if not path.exists():
        return None
    try:
        copy = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None  # an unreadable snapshot protects nothing: a sound one may replace it
    try:
        return copy.execute("SELECT count(*) FROM ledger.submissions").fetchall()[0][0]
    except duckdb.Error:
        return None
    finally:
        copy.close()


def relation_count(settings: Settings) -> int:
    """How many relations a publication exports (the length of its progress bar)."""
    with connect(settings, read_only=True) as conn:
        return len(exported_relations(conn))


def _check_copy(path: Path, submissions: int) -> None:
    """Open the copy before it replaces the last good one: a bad copy must never be published."""
    copy = duckdb.connect(str(path), read_only=True)
    try:
        copied = copy.execute("SELECT count(*) FROM ledger.submissions").fetchall()[0][0]
    finally:
        copy.close()
    if copied != submissions:
        raise RuntimeError(f"The snapshot copy has {copied} submissions, not {submissions}")


def _export(conn: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    schema, relation = name.split(".", 1)
    partial = path.with_name(f".{path.name}.partial")
    conn.table(f'"{schema}"."{relation}"').write_parquet(str(partial))
    rows = conn.execute("SELECT count(*) FROM read_parquet(?)", [str(partial)]).fetchall()[0][0]
    os.replace(partial, path)
    return rows


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)


class QueryRefused(UsageError, ValueError):
    """The SQL given is not a single read of the snapshot."""

    label = "Refused"


class QueryFailed(CmastError, ValueError):
    """DuckDB could not run the query (a typing mistake, an unknown table): its message."""

    label = "Error"


class NoSnapshot(CmastError, FileNotFoundError):
    """Nothing has been published yet."""

    label = "Error"


def read_snapshot(settings: Settings, sql: str) -> pd.DataFrame:
    """Run one read-only statement against the snapshot and return its result.

    Only a single SELECT (or EXPLAIN) is accepted; the file is opened read-only, and with access
    to other files switched off, so neither a write nor ``read_csv``/``COPY TO`` of another file
    gets through. Never touches the live warehouse, so it works while a load is running.
    """
    path = snapshot_path(settings)
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise QueryRefused(f"DuckDB cannot parse this SQL: {error}") from error
    if len(statements) != 1:
        raise QueryRefused(
            f"Give exactly one statement, not {len(statements)}: run them one at a time."
        )
    if statements[0].type not in READ_STATEMENTS:
        kind = statements[0].type.name
        raise QueryRefused(
            f"This is a {kind} statement. The snapshot is read-only: cmast query "
            "runs SELECT queries only (copy the result with --csv or --json)."
        )
    if not path.exists():
        raise NoSnapshot(
            f"No snapshot at {path} yet: it is published after the first ingest "
            "that loads a file, or by `cmast snapshot`."
        )
    spill = tempfile.mkdtemp(prefix="cmast-query-")
    # Bounded, so a careless join cannot take the machine: memory (spilling to a folder of its
    # own, never inside the snapshot folder the report writers read) and time.
    conn = duckdb.connect(
        str(path),
        read_only=True,
        config={
            "enable_external_access": False,
            "memory_limit": f"{settings.query_memory_mb}MB",
            "temp_directory": spill,
        },
    )
    timer = threading.Timer(settings.query_seconds, conn.interrupt)
    timer.start()
    try:
        return conn.execute(sql).df()
    except duckdb.InterruptException as error:
        raise QueryFailed(
            f"The query was stopped after {settings.query_seconds:g} s, the time limit "
            "(CMAST_QUERY_SECONDS). Narrow it (a WHERE on period or org_code, a LIMIT), or "
            "allow longer."
        ) from error
    except duckdb.OutOfMemoryException as error:
        raise QueryFailed(
            f"The query needs more than the {settings.query_memory_mb:,} MB it may use "
            f"(CMAST_QUERY_MEMORY_MB) and the room to spill: {error}"
        ) from error
    except duckdb.Error as error:
        # Backstop for a write the statement check let through: DuckDB refuses it on a
        # read-only file, and the person should hear why in our words, not only DuckDB's.
        if "read-only" in str(error).lower() or "read only" in str(error).lower():
            raise QueryRefused(f"The snapshot is read-only: {error}") from error
        raise QueryFailed(str(error)) from error
    finally:
        timer.cancel()
        conn.close()
        shutil.rmtree(spill, ignore_errors=True)

"""``cmast rebuild``: the warehouse rebuilt from what outlives it.

Two things outlive the warehouse file: the archive, where every file taken is kept under its
content hash (trusts' returns in ``archive/<ORG>/``, NHS England's publications in
``archive/NHSE/``), and the ledger, copied into the snapshot at every publication. A rebuild
takes the ledger as it was (every submission's id, status, history and messages), checks each
loaded or superseded submission's archived file against its recorded hash, reads its rows again
exactly as a load does, and appends them under the submission's own id. Quarantined and
duplicate submissions had no rows; their ledger rows are kept as they were.

The new file is built beside the warehouse and takes its place only when whole; a file it
replaces is kept beside it, never deleted. The ledger is taken from whichever of the damaged
warehouse (if it can still be read) and the snapshot holds more submissions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.config import Settings
from pipeline.errors import CmastError
from pipeline.locking import writer_lock
from pipeline.warehouse.connection import connect, forget_migrated
from pipeline.warehouse.ledger import LOADED, SUPERSEDED
from pipeline.warehouse.models import build_marts
from pipeline.warehouse.snapshot import snapshot_path


class RebuildRefused(CmastError, RuntimeError):
    """A rebuild was not started: the warehouse is sound, or there is no ledger to keep."""

    label = "Not rebuilt"


@dataclass
class Rebuilt:
    submissions: int
    reloaded: int
    problems: list[str] = field(default_factory=list)
    set_aside: Path | None = None


def rebuild_warehouse(settings: Settings, *, force: bool = False) -> Rebuilt:
    """Rebuild the warehouse file from the archive and the ledger (see the module's docstring)."""
    with writer_lock(settings):
        if not force and _is_sound(settings):
            raise RebuildRefused(
                f"The warehouse {settings.warehouse_path} opens and passes its checks: nothing "
                "to recover. Give --force to rebuild it anyway."
            )
        history = _best_ledger(settings)
        if history is None:
            raise RebuildRefused(
                f"No ledger to rebuild from: neither {settings.warehouse_path} nor the snapshot "
                f"{snapshot_path(settings)} can be read. Restore either from a backup; the "
                "files themselves are safe in archive/ and quarantine/."
            )
        building = settings.warehouse_path.with_name(settings.warehouse_path.name + ".rebuilding")
        building.unlink(missing_ok=True)
        private = dataclasses.replace(settings, warehouse_path=building)
        with connect(private, create=True) as conn:
            _restore_ledger(conn, history)
            reloaded, problems = _reload_rows(conn, settings, history)
            build_marts(conn, private)
            conn.execute("CHECKPOINT")
        set_aside = None
        if settings.warehouse_path.exists():
            stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
            set_aside = settings.warehouse_path.with_name(
                f"{settings.warehouse_path.name}.replaced-{stamp}"
            )
            os.replace(settings.warehouse_path, set_aside)
        settings.warehouse_path.with_name(settings.warehouse_path.name + ".wal").unlink(
            missing_ok=True
        )
        os.replace(building, settings.warehouse_path)
        forget_migrated(settings)
    return Rebuilt(
        submissions=len(history), reloaded=reloaded, problems=problems, set_aside=set_aside
    )


def _is_sound(settings: Settings) -> bool:
    if not settings.warehouse_path.exists():
        return False
    try:
        with connect(settings, read_only=True) as conn:
            conn.execute("SELECT count(*) FROM ledger.submissions").fetchall()
            for schema, table in conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
            ).fetchall():
                # Every block read once: a lost or corrupt one fails its checksum here.
                conn.execute(f'SELECT count(hash(COLUMNS(*))) FROM "{schema}"."{table}"').fetchall()
    except (duckdb.Error, OSError, RuntimeError):
        return False
    return True


def _read_ledger(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        return conn.execute("SELECT * FROM ledger.submissions ORDER BY submission_id").df()
    except duckdb.Error:
        return None
    finally:
        conn.close()


def _best_ledger(settings: Settings) -> pd.DataFrame | None:
    found = [
        frame
        for frame in (_read_ledger(settings.warehouse_path), _read_ledger(snapshot_path(settings)))
        if frame is not None
    ]
    return max(found, key=len) if found else None


def _restore_ledger(conn: duckdb.DuckDBPyConnection, history: pd.DataFrame) -> None:
    conn.register("history", history)
    try:
        columns = ", ".join(f'"{c}"' for c in history.columns)
        conn.execute(f"INSERT INTO ledger.submissions ({columns}) SELECT {columns} FROM history")
    finally:
        conn.unregister("history")
    following = int(history["submission_id"].max()) + 1 if len(history) else 1
    # The next submission continues the numbering: ids are cited in feedback and alerts.
    conn.execute("DROP SEQUENCE ledger.submission_id_seq")
    conn.execute(f"CREATE SEQUENCE ledger.submission_id_seq START {following}")


def _reload_rows(
    conn: duckdb.DuckDBPyConnection, settings: Settings, history: pd.DataFrame
) -> tuple[int, list[str]]:
    from pipeline.ingest import sha256_of

    reloaded, problems = 0, []
    for record in history[history["status"].isin([LOADED, SUPERSEDED])].to_dict("records"):
        name = f"submission {record['submission_id']} ({record['org_code']}/{record['file_name']})"
        path = settings.absolute(record["path"])
        if not path.exists():
            problems.append(f"{name}: its archived file {record['path']} is missing")
            continue
        if sha256_of(path) != record["sha256"]:
            problems.append(f"{name}: {record['path']} no longer has the content recorded")
            continue
        try:
            tables = _rows_of(path, record, settings)
        except ValueError as error:
            problems.append(f"{name}: {error}")
            continue
        for table, rows in tables.items():
            _append(conn, table, rows, int(record["submission_id"]))
        reloaded += 1
    return reloaded, problems


def _rows_of(path: Path, record: dict, settings: Settings) -> dict[str, pd.DataFrame]:
    """The raw rows a load of this file appended, read again from the file."""
    from pipeline.national import PublicationError, parse_publication
    from pipeline.national.load import DATASETS, PUBLISHER
    from pipeline.reference_data import trust_sites
    from pipeline.validation.validate import Context, check_file

    if record["org_code"] == PUBLISHER:
        try:
            parsed = parse_publication(path)
        except PublicationError as error:
            raise ValueError(f"no longer read as a publication: {error}") from error
        dataset = DATASETS[parsed.kind]
        return {f"raw.nhse_{dataset}_{name}": frame for name, frame in parsed.tables().items()}
    # Checked as on the day it was processed, so a return for what was then last month is not
    # now refused as being for a month too far in the past or future.
    context = Context(
        org_code=record["org_code"],
        sites=trust_sites(settings),
        today=pd.Timestamp(record["processed_at"]).date(),
    )
    checked = check_file(path, context)
    if not checked.valid:
        first = checked.problems[0].as_line() if checked.problems else "no rows"
        raise ValueError(f"no longer passes the checks ({first})")
    spec, _, _ = checked.accepted()
    return {spec.raw_table: checked.raw_rows()}


def _append(
    conn: duckdb.DuckDBPyConnection, table: str, rows: pd.DataFrame, submission_id: int
) -> None:
    conn.register("incoming_rows", rows)
    try:
        columns = ", ".join(f'"{c}"' for c in rows.columns if c != "submission_id")
        conn.execute(
            f"INSERT INTO {table} (submission_id, {columns}) "
            f"SELECT $id, {columns} FROM incoming_rows",
            {"id": submission_id},
        )
    finally:
        conn.unregister("incoming_rows")

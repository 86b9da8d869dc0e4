"""The submissions ledger: reading it and writing to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields

import duckdb
import pandas as pd

LOADED, REJECTED, DUPLICATE, SUPERSEDED = "loaded", "rejected", "duplicate", "superseded"


@dataclass
class Submission:
    """One file received, as recorded in ``ledger.submissions``."""

    sha256: str
    org_code: str
    file_name: str
    received_at: dt.datetime
    processed_at: dt.datetime
    status: str
    path: str
    return_type: str | None = None
    period: str | None = None
    template_version: str | None = None
    row_count: int = 0
    error_count: int = 0
    feedback_path: str | None = None
    duplicate_of: int | None = None
    superseded_by: int | None = None
    message: str | None = None
    submission_id: int | None = None


_COLUMNS = [f.name for f in fields(Submission)]


def insert(conn: duckdb.DuckDBPyConnection, submission: Submission) -> int:
    submission.submission_id = conn.execute(
        "SELECT nextval('ledger.submission_id_seq')"
    ).fetchall()[0][0]
    values = asdict(submission)
    conn.execute(
        f"INSERT INTO ledger.submissions ({', '.join(_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in _COLUMNS)})",
        [values[c] for c in _COLUMNS],
    )
    return submission.submission_id


def record(conn: duckdb.DuckDBPyConnection, submission: Submission) -> int:
    """Record a submission that loads no rows (rejected or duplicate), in its own transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        submission_id = insert(conn, submission)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise
    return submission_id


def load(
    conn: duckdb.DuckDBPyConnection,
    submission: Submission,
    raw_table: str,
    rows: pd.DataFrame,
    before_commit: Callable[[], None] | None = None,
) -> int:
    """Record a valid submission and append its rows, superseding the current one, atomically.

    Either all of it happens (ledger row, rows, the earlier submission marked superseded) or,
    on any error, none of it. ``before_commit`` exists so tests can inject a failure at the last
    moment.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        previous = current(conn, submission.org_code, submission.return_type, submission.period)
        submission_id = insert(conn, submission)
        conn.register("incoming_rows", rows)
        try:
            columns = ", ".join(f'"{c}"' for c in rows.columns)
            conn.execute(
                f"INSERT INTO {raw_table} (submission_id, {columns}) "
                f"SELECT $id, {columns} FROM incoming_rows",
                {"id": submission_id},
            )
        finally:
            conn.unregister("incoming_rows")
        if previous is not None:
            conn.execute(
                "UPDATE ledger.submissions SET status = ?, superseded_by = ? "
                "WHERE submission_id = ?",
                [SUPERSEDED, submission_id, previous["submission_id"]],
            )
        if before_commit is not None:
            before_commit()
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return submission_id


def withdraw(conn: duckdb.DuckDBPyConnection, submission_id: int, message: str) -> None:
    """Make a loaded submission no longer current (recorded as rejected, with ``message``), and
    the one it superseded, if any, current again; in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(
            "UPDATE ledger.submissions SET status = ?, message = ? "
            "WHERE submission_id = ? AND status = ?",
            [REJECTED, message, submission_id, LOADED],
        )
        conn.execute(
            "UPDATE ledger.submissions SET status = ?, superseded_by = NULL "
            "WHERE superseded_by = ? AND status = ?",
            [LOADED, submission_id, SUPERSEDED],
        )
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def current(
    conn: duckdb.DuckDBPyConnection, org_code: str, return_type: str | None, period: str | None
) -> dict | None:
    """The loaded submission for an org, return and period, if any."""
    found = _rows(
        conn,
        "WHERE org_code = ? AND return_type = ? AND period = ? AND status = ?",
        [org_code, return_type, period, LOADED],
    )
    return found[0] if found else None


def by_sha(conn: duckdb.DuckDBPyConnection, sha256: str, org_code: str) -> list[dict]:
    """Earlier submissions of the same content through the same inbox, newest first."""
    return _rows(
        conn, "WHERE sha256 = ? AND org_code = ? ORDER BY submission_id DESC", [sha256, org_code]
    )


def by_name_and_time(
    conn: duckdb.DuckDBPyConnection, org_code: str, file_name: str, received_at: dt.datetime
) -> list[dict]:
    """Earlier submissions through the same inbox under this name with this modification time."""
    return _rows(
        conn,
        "WHERE org_code = ? AND file_name = ? AND received_at = ? ORDER BY submission_id DESC",
        [org_code, file_name, received_at],
    )


def _rows(conn: duckdb.DuckDBPyConnection, where: str, params: list) -> list[dict]:
    result = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM ledger.submissions {where}", params)
    return [dict(zip(_COLUMNS, row, strict=True)) for row in result.fetchall()]


def empty_ledger() -> pd.DataFrame:
    """The ledger of a data root that has received nothing (no warehouse yet)."""
    return pd.DataFrame(columns=_COLUMNS)


def submissions(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The whole ledger, oldest first."""
    return conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM ledger.submissions ORDER BY submission_id"
    ).df()

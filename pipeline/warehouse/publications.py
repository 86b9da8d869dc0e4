"""Loading a parsed NHS England publication: every table of it in one transaction.

NHS England revises earlier months, so each (dataset, month) can have several versions. All are
kept in ``raw.nhse_*``; the ledger marks one ``loaded`` (current) and the others ``superseded``.
The current version is the one with the latest revision date the files state, or, where files
state none (the A&E CSV), the one loaded last.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd

from pipeline.warehouse import ledger
from pipeline.warehouse.ledger import SUPERSEDED, Submission


def _revision(record: Mapping) -> str:
    # The ledger keeps the file's own dates in ``template_version`` as "kind@YYYY-MM-DD".
    _, _, stated = (record.get("template_version") or "").partition("@")
    return stated


def load_publication(
    conn: duckdb.DuckDBPyConnection, submission: Submission, tables: Mapping[str, pd.DataFrame]
) -> str:
    """Record the file and append its tables; return its status (loaded, or superseded when a
    later revision of the same month is already current)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        previous = ledger.current(
            conn, submission.org_code, submission.return_type, submission.period
        )
        if previous is not None and _revision(previous) > _revision(vars(submission)):
            submission.status = SUPERSEDED
        submission_id = ledger.insert(conn, submission)
        for name, frame in tables.items():
            rows = frame.copy()
            rows.insert(0, "submission_id", submission_id)
            conn.register("incoming_rows", rows)
            try:
                columns = ", ".join(f'"{c}"' for c in rows.columns)
                conn.execute(
                    f"INSERT INTO raw.{name} ({columns}) SELECT {columns} FROM incoming_rows"
                )
            finally:
                conn.unregister("incoming_rows")
        if submission.status == SUPERSEDED:
            assert previous is not None, "only a newer current submission supersedes a file"
            conn.execute(
                "UPDATE ledger.submissions SET superseded_by = ? WHERE submission_id = ?",
                [previous["submission_id"], submission_id],
            )
        elif previous is not None:
            conn.execute(
                "UPDATE ledger.submissions SET status = ?, superseded_by = ? "
                "WHERE submission_id = ?",
                [SUPERSEDED, submission_id, previous["submission_id"]],
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return submission.status

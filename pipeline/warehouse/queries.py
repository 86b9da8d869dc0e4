"""The reads the headline figures and the briefing make of the warehouse."""

from __future__ import annotations

import duckdb
import pandas as pd


def headline_values(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``marts.headline_values``: every figure for every month and scope (empty before a build)."""
    if not _exists(conn, "marts", "headline_values"):
        return pd.DataFrame(
            columns=[
                "id",
                "period",
                "scope",
                "value",
                "unit",
                "numerator",
                "denominator",
                "source",
                "return_type",
                "trusts_submitted",
                "trusts_expected",
                "missing_trusts",
            ]
        )
    return conn.execute("SELECT * FROM marts.headline_values").df()


def plans_and_targets(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The current plans file's rows: metric, scope, period, kind (plan/target), value,
    deadline, parameter."""
    if not _exists(conn, "staging", "stg_plans_targets"):
        return pd.DataFrame(
            columns=["metric", "scope", "period", "kind", "value", "deadline", "parameter"]
        )
    return conn.execute(
        "SELECT metric, scope, period, kind, value, deadline, parameter, submission_id "
        "FROM staging.stg_plans_targets"
    ).df()


def mart(conn: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """A whole mart table (empty, without columns, before the marts are built)."""
    if not _exists(conn, "marts", name):
        return pd.DataFrame()
    return conn.execute(f"SELECT * FROM marts.{name}").df()


def current_submissions(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Loaded submissions, for provenance: what each figure rests on."""
    return conn.execute(
        "SELECT submission_id, org_code, return_type, period, sha256, received_at, file_name, "
        "template_version FROM ledger.submissions WHERE status = 'loaded'"
    ).df()


def organisation_names(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return conn.execute(
        "SELECT org_code, name, short_name, cmast_member FROM ref.organisations "
        "UNION ALL SELECT icb_code, icb_name, NULL, false FROM ref.icbs "
        "UNION ALL SELECT region_code, region_name, NULL, false FROM ref.regions"
    ).df()


def cdc_names(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Community diagnostic centres' names by code (none before the reference is loaded)."""
    if not _exists(conn, "ref", "cdc_sites"):
        return {}
    return dict(conn.execute("SELECT cdc_code, cdc_name FROM ref.cdc_sites").fetchall())


def _exists(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        conn.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ? "
            "UNION ALL SELECT count(*) FROM duckdb_views() WHERE schema_name = ? AND view_name = ?",
            [schema, name, schema, name],
        )
        .df()
        .iloc[:, 0]
        .sum()
    )


def weekly_values(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every weekly snapshot of the waiting-list figures (``marts.rtt_weekly_figures``): id,
    scope, snapshot_date, value, and the cohort's target (threshold_weeks, target_date), so a
    cohort series never spans two targets."""
    columns = ["id", "scope", "snapshot_date", "value", "threshold_weeks", "target_date"]
    if not _exists(conn, "marts", "rtt_weekly_figures"):
        return pd.DataFrame(columns=columns)
    return conn.execute(
        f"SELECT {', '.join(columns)} FROM marts.rtt_weekly_figures WHERE value IS NOT NULL "
        "ORDER BY id, scope, snapshot_date"
    ).df()

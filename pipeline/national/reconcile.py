"""Each CMAST trust's return against NHS England's publication of the same trust and month.

``marts.reconciliation`` sets the two side by side, measure by measure (see its SQL). This
module turns what it finds into what people see: one alert per trust, month, measure and
breakdown beyond its tolerance (recorded once, however often the check runs), and, for each
headline figure, the outcome for the measures it rests on (``Headline.reconciliation``).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from pipeline.alerts import RECONCILIATION_DIFFERS, Alert

#: Headline figures -> the reconciled measures their value rests on (by id prefix). A figure
#: not listed rests on nothing NHS England publishes per trust in the same way.
FIGURE_MEASURES: dict[str, tuple[str, ...]] = {
    "uec.four_hour_pct": ("ae.attendances", "ae.within_4h"),
    "uec.attendances": ("ae.attendances",),
    "uec.type1_over_12h": ("ae.over_12h",),
    "diagnostics.waiting.": ("dm01.waiting", "dm01.waiting_6w_plus"),
    "diagnostics.activity.total": ("dm01.activity",),
    "rtt.waiting_list.total": ("rtt.waiting_list",),
    "rtt.within_18w_pct": ("rtt.waiting_list",),
    "rtt.waits_over.": ("rtt.over_52w", "rtt.over_65w", "rtt.over_78w", "rtt.over_104w"),
}
COLUMNS = [
    "org_code",
    "period",
    "dataset",
    "measure",
    "breakdown",
    "as_of",
    "return_value",
    "published_value",
    "difference",
    "relative_difference_pct",
    "tolerance_pct",
    "status",
    "not_compared_because",
]


def read(conn: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``marts.reconciliation`` (empty, with its columns, before the marts are built)."""
    found = conn.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' "
        "AND table_name = 'reconciliation'"
    ).fetchall()[0][0]
    if not found:
        return pd.DataFrame(columns=COLUMNS)
    return conn.execute("SELECT * FROM marts.reconciliation").df()


def differences(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows beyond their tolerance, in trust, month, measure order."""
    return rows[rows["status"] == "differs"].sort_values(
        ["period", "org_code", "measure", "breakdown"], ignore_index=True
    )


def alerts(rows: pd.DataFrame) -> list[Alert]:
    """One alert per difference beyond tolerance, naming the trust, month, measure and both
    values. Its key includes the measure, so recording it again adds nothing."""
    found = []
    for r in differences(rows).itertuples(index=False):
        relative = (
            ""
            if pd.isna(r.relative_difference_pct)
            else f" ({r.relative_difference_pct:+.1f}%, tolerance {r.tolerance_pct:g}%)"
        )
        found.append(
            Alert(
                kind=RECONCILIATION_DIFFERS,
                org_code=r.org_code,
                return_type=r.dataset,
                period=r.period,
                measure=f"{r.measure}.{r.breakdown}",
                message=f"{r.measure} ({r.breakdown}): the trust's return gives "
                f"{int(r.return_value):,}, NHS England's publication {int(r.published_value):,}, "
                f"a difference of {int(r.difference):+,}{relative}",
            )
        )
    return found


def measures_of(figure_id: str) -> tuple[str, ...]:
    for prefix, measures in FIGURE_MEASURES.items():
        if figure_id == prefix or (prefix.endswith(".") and figure_id.startswith(prefix)):
            return measures
    return ()


def outcome(
    rows: pd.DataFrame, figure_id: str, period: str, trust: str | None = None
) -> dict | None:
    """The reconciliation of one figure's month: None when the figure rests on no reconciled
    measure or no publication covers the month; otherwise ``status`` (differs, within_tolerance,
    agrees or not_compared), the trusts compared and those whose figures differ."""
    measures = measures_of(figure_id)
    if not measures or rows.empty:
        return None
    mine = rows[(rows["period"] == period) & rows["measure"].isin(measures)]
    if trust is not None:
        mine = mine[mine["org_code"] == trust]
    if mine.empty:
        return None
    compared = mine[mine["status"] != "not_compared"]
    if compared.empty:
        return {
            "status": "not_compared",
            "reason": mine["not_compared_because"].iloc[0],
            "trusts_compared": [],
            "differing_trusts": [],
        }
    differing = sorted(compared.loc[compared["status"] == "differs", "org_code"].unique())
    status = (
        "differs"
        if differing
        else "within_tolerance"
        if (compared["status"] == "within_tolerance").any()
        else "agrees"
    )
    return {
        "status": status,
        "trusts_compared": sorted(compared["org_code"].unique()),
        "differing_trusts": differing,
        "differences": [
            {
                "trust": r.org_code,
                "measure": r.measure,
                "breakdown": r.breakdown,
                "return_value": int(r.return_value),
                "published_value": int(r.published_value),
            }
            for r in compared[compared["status"] == "differs"].itertuples(index=False)
        ],
    }


def check(settings) -> list[Alert]:
    """The alerts for every difference beyond tolerance now in the warehouse (to record: each
    is recorded once, see :func:`pipeline.alerts.record`)."""
    from pipeline.warehouse import connect

    with connect(settings) as conn:
        return alerts(read(conn))

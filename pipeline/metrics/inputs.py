"""What the headline figures read from the warehouse, and the lookups made over it: the
scopes, the long table of values and each figure's series, and what each figure rests on.

Beneath both :mod:`pipeline.metrics.headlines` (which assembles the records) and the section
modules (which complete them), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.metrics.catalogue import figure
from pipeline.national import reconcile
from pipeline.warehouse import queries

SYSTEM = "QYG"
#: Marts the sections read whole, beside marts.headline_values.
SECTION_MARTS = ("rtt_cohort_cleared", "uec_long_stay_daily")
REGION = "Y62"
ENGLAND = "ENG"


@dataclass
class Inputs:
    """Everything the headlines of any month need, read once from the warehouse."""

    values: pd.DataFrame
    plans: pd.DataFrame
    submissions: pd.DataFrame
    names: dict[str, str]
    #: marts.reconciliation: each trust's return against NHS England's figure for it
    reconciliation: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the waiting-list figures at every weekly snapshot (queries.weekly_values)
    weekly: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the CMAST member trusts' org codes, from reference data
    members: list[str] = field(default_factory=list)
    #: marts a section reads beside the long table (the cohorts behind each cleared figure, the
    #: long-stay beds of every day), by mart name
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: a day the analyst names for the long-stay shares instead of the month's last Sunday
    long_stay_day: str | None = None
    #: provenance lists already worked out (figures share them: a return, month and scope)
    provenance_found: dict[tuple, list[dict]] = field(default_factory=dict, repr=False)


def load_inputs(conn) -> Inputs:
    names = queries.organisation_names(conn)
    # Briefings say "Cheshire and Merseyside", not "NHS Cheshire and Merseyside Integrated
    # Care Board"; trusts go by their short names (LUHFT, MWL ...).
    label = (
        names["short_name"]
        .fillna(names["name"])
        .str.replace(r"^NHS ", "", regex=True)
        .str.replace(r" Integrated Care Board$", "", regex=True)
    )
    lookup = dict(zip(names["org_code"], label, strict=False))
    lookup[ENGLAND] = "England"
    # Community diagnostic centres are named in sentences like trusts.
    lookup.update(queries.cdc_names(conn))
    return Inputs(
        values=queries.headline_values(conn),
        plans=queries.plans_and_targets(conn),
        submissions=queries.current_submissions(conn),
        names=lookup,
        weekly=queries.weekly_values(conn),
        members=sorted(names.loc[names["cmast_member"].fillna(False).astype(bool), "org_code"]),
        tables={name: queries.mart(conn, name) for name in SECTION_MARTS},
        reconciliation=reconcile.read(conn),
    )


def periods(inputs: Inputs) -> list[str]:
    return sorted(inputs.values["period"].unique())


def series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series:
    """A figure's series, oldest first, up to and including the month ``up_to``: one point per
    weekly snapshot (labelled by its date) for a weekly figure that has them, from the latest
    unbroken run of weekly snapshots, else one per month (labelled YYYY-MM)."""
    weekly = _weekly_series(inputs, id_, scope, up_to)
    if weekly is not None:
        return weekly
    return monthly_series(inputs, id_, scope, up_to)


def _weekly_series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series | None:
    if figure(id_).kind != "weekly" or inputs.weekly.empty:
        return None
    weekly = inputs.weekly
    month_end = pd.Period(up_to, freq="M").end_time.normalize()
    rows = weekly[
        (weekly["id"] == id_)
        & (weekly["scope"] == scope)
        & (pd.to_datetime(weekly["snapshot_date"]) <= month_end)
    ]
    if rows.empty:
        return None
    rows = rows.sort_values("snapshot_date")
    if id_.startswith("rtt.cohort."):
        # A cohort belongs to its target: a new target (each April) is a new cohort, not a
        # fall of the old one, so the series starts at the latest target's first snapshot.
        latest = rows.iloc[-1]
        rows = rows[
            (rows["threshold_weeks"] == latest["threshold_weeks"])
            & (rows["target_date"] == latest["target_date"])
        ]
    rows = rows[rows["value"].notna()]
    # An SPC chart reads its points as equally spaced: a snapshot more than a week before the
    # next (a baseline taken months before the weekly returns began) would be drawn a week from
    # its neighbour and move the mean and limits. The series is the latest unbroken run of
    # weekly snapshots.
    taken = pd.to_datetime(rows["snapshot_date"]).reset_index(drop=True)
    gaps = taken.diff().dt.days.gt(7)
    first = int(gaps[gaps].index[-1]) if gaps.any() else 0
    dates = taken.iloc[first:].dt.strftime("%Y-%m-%d")
    return pd.Series(rows["value"].iloc[first:].to_numpy(), index=dates.to_numpy(), name=id_)


def monthly_series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series:
    """A figure's values by month, oldest first, up to and including ``up_to``."""
    values = inputs.values
    rows = values[
        (values["id"] == id_) & (values["scope"] == scope) & (values["period"] <= up_to)
    ].sort_values("period")
    return rows.set_index("period")["value"].dropna()


def provenance(inputs: Inputs, row) -> list[dict]:
    as_of = row.as_of if isinstance(row.as_of, str) else None
    key = (
        row.return_type,
        row.period,
        as_of,
        row.source == "nhse",
        None if row.scope == SYSTEM else row.scope,
    )
    if key not in inputs.provenance_found:
        inputs.provenance_found[key] = _provenance_of(inputs, row)
    return [dict(entry) for entry in inputs.provenance_found[key]]


def _provenance_of(inputs: Inputs, row) -> list[dict]:
    subs = inputs.submissions
    matches = subs["return_type"].fillna("").str.startswith(row.return_type)
    at = {row.period} | ({row.as_of} if isinstance(row.as_of, str) else set())
    matches &= subs["period"].isin(at)
    if row.source == "nhse":
        matches &= subs["org_code"] == "NHSE"
    elif row.scope != SYSTEM:
        matches &= subs["org_code"] == row.scope
    used = subs[matches].sort_values(["org_code", "submission_id"])
    return [
        {
            "org": r.org_code,
            "submission_id": int(r.submission_id),
            "sha256": r.sha256,
            "received_at": r.received_at.isoformat(),
            "file_name": r.file_name,
            "return_type": r.return_type,
            "period": r.period,
        }
        for r in used.itertuples(index=False)
    ]

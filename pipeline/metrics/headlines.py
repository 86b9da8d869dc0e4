"""Assembling headline records for a month: value, comparators, coverage, provenance, sentence.

Values come from ``marts.headline_values`` (built in SQL); this module only looks things up
around them, so a figure in a sentence is always the figure in the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipeline.metrics.catalogue import FIGURES, SECTIONS, figure
from pipeline.metrics.record import Headline
from pipeline.metrics.sections import complete
from pipeline.metrics.sentences import write_sentences
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
    label = (names["short_name"].fillna(names["name"])
             .str.replace(r"^NHS ", "", regex=True)
             .str.replace(r" Integrated Care Board$", "", regex=True))
    lookup = dict(zip(names["org_code"], label, strict=False))
    lookup[ENGLAND] = "England"
    # Community diagnostic centres are named in sentences like trusts.
    lookup.update(queries.cdc_names(conn))
    return Inputs(values=queries.headline_values(conn), plans=queries.plans_and_targets(conn),
                  submissions=queries.current_submissions(conn), names=lookup,
                  weekly=queries.weekly_values(conn),
                  members=sorted(names.loc[names["cmast_member"].fillna(False).astype(bool),
                                           "org_code"]),
                  tables={name: queries.mart(conn, name) for name in SECTION_MARTS},
                  reconciliation=reconcile.read(conn))


def periods(inputs: Inputs) -> list[str]:
    return sorted(inputs.values["period"].unique())


def build_headlines(inputs: Inputs, period: str, scope: str | None = None) -> list[Headline]:
    """The records for ``period``: the system's (with its region and England for benchmarks)
    by default, or one scope's."""
    values = inputs.values
    rows = values[values["period"] == period]
    if scope is None:
        wanted = (rows["scope"] == SYSTEM) | (rows["id"].str.startswith("benchmark.")
                                              & rows["scope"].isin([REGION, ENGLAND]))
    else:
        wanted = rows["scope"] == scope
    records = [_record(inputs, row) for row in rows[wanted].itertuples(index=False)]
    records.sort(key=reading_order)
    # Sections add what the long table cannot carry (a reference month's value, the trusts a
    # figure names); importing them also registers their sentences.
    complete(records, inputs)
    write_sentences(records, inputs)
    for record in records:
        _attach_spc(inputs, record)
    return records


#: The figure each section opens with (the catalogue's ``lead``).
LEADS = tuple(f.id for f in FIGURES.values() if f.lead)


def reading_order(record: Headline) -> tuple:
    """Sections in METRICS.md order; in each, its lead figure, then the catalogue's order (the
    order METRICS.md lists them), national benchmarks last; the system before other scopes."""
    order = list(FIGURES)
    return (list(SECTIONS).index(record.section) if record.section in SECTIONS else 99,
            record.id not in LEADS, record.id.startswith("benchmark."),
            order.index(record.id) if record.id in FIGURES else len(order), record.id,
            record.scope != SYSTEM, record.scope)


def series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series:
    """A figure's series, oldest first, up to and including the month ``up_to``: one point per
    weekly snapshot (labelled by its date) for a weekly figure that has them, else one per
    month (labelled YYYY-MM)."""
    weekly = _weekly_series(inputs, id_, scope, up_to)
    if weekly is not None:
        return weekly
    return monthly_series(inputs, id_, scope, up_to)


def _weekly_series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series | None:
    if figure(id_).kind != "weekly" or inputs.weekly.empty:
        return None
    weekly = inputs.weekly
    month_end = pd.Period(up_to, freq="M").end_time.normalize()
    rows = weekly[(weekly["id"] == id_) & (weekly["scope"] == scope)
                  & (pd.to_datetime(weekly["snapshot_date"]) <= month_end)]
    if rows.empty:
        return None
    rows = rows.sort_values("snapshot_date")
    if id_.startswith("rtt.cohort."):
        # A cohort belongs to its target: a new target (each April) is a new cohort, not a
        # fall of the old one, so the series starts at the latest target's first snapshot.
        latest = rows.iloc[-1]
        rows = rows[(rows["threshold_weeks"] == latest["threshold_weeks"])
                    & (rows["target_date"] == latest["target_date"])]
    dates = pd.to_datetime(rows["snapshot_date"]).dt.strftime("%Y-%m-%d")
    return pd.Series(rows["value"].to_numpy(), index=dates.to_numpy(), name=id_).dropna()


def monthly_series(inputs: Inputs, id_: str, scope: str, up_to: str) -> pd.Series:
    """A figure's values by month, oldest first, up to and including ``up_to``."""
    values = inputs.values
    rows = values[(values["id"] == id_) & (values["scope"] == scope)
                  & (values["period"] <= up_to)].sort_values("period")
    return rows.set_index("period")["value"].dropna()


def _attach_spc(inputs: Inputs, record: Headline) -> None:
    """Making Data Count icons for a series of 12 points or more (none for shorter ones), and
    only for the kinds of series SPC is valid for: never a year-to-date cumulative (it restarts
    every April), a plan, a constant or a rank."""
    from pipeline.spc import MIN_POINTS, analyse

    if not figure(record.id).spc:
        return
    history = series(inputs, record.id, record.scope, record.period)
    if len(history) < MIN_POINTS or history.nunique() < 2:
        return
    target = (record.comparators.get("target") or {}).get("value")
    result = analyse(history.astype(float), improvement=figure(record.id).improvement,
                     target=target if isinstance(target, (int, float)) else None,
                     unit=record.unit)
    record.variation, record.assurance = result.variation, result.assurance


def _record(inputs: Inputs, row) -> Headline:
    entry = figure(row.id)
    record = Headline(
        id=row.id, period=row.period, scope=row.scope, value=_number(row.value), unit=row.unit,
        source=row.source, section=entry.section, numerator=_int(row.numerator),
        denominator=_int(row.denominator), basis=entry.basis,
    )
    record.comparators = _comparators(inputs, row)
    record.provenance = _provenance(inputs, row)
    if row.source == "trust_returns":
        record.reconciliation = reconcile.outcome(
            inputs.reconciliation, row.id, row.period, None if row.scope == SYSTEM else row.scope)
    if not pd.isna(row.trusts_expected) and row.scope == SYSTEM:
        missing = [m for m in (row.missing_trusts or "").split(",") if m]
        record.coverage = {"trusts_submitted": int(row.trusts_submitted),
                           "trusts_expected": int(row.trusts_expected), "missing": missing}
    if entry.patient_count:
        counted = [v for v in (record.numerator, record.denominator) if v is not None]
        if record.unit == "count" and record.value is not None:
            counted = [int(record.value)]
        record.patients = min(counted) if counted else None
    return record


def _comparators(inputs: Inputs, row) -> dict:
    values = inputs.values
    same = values[(values["id"] == row.id) & (values["scope"] == row.scope)]
    comparators: dict = {}
    previous = str(pd.Period(row.period, freq="M") - 1)
    before = same[same["period"] == previous]
    if not before.empty:
        comparators["previous_period"] = {"period": previous,
                                          "value": _number(before["value"].iloc[0])}
    comparators.update(_plans(inputs, row))
    # The region and England are NHS England's figures: only a published figure is set
    # beside them (never the trusts' own returns, which are another basis).
    if row.id == "benchmark.uec.four_hour_pct":
        national = values[(values["id"] == "benchmark.uec.four_hour_pct")
                          & (values["period"] == row.period)].set_index("scope")["value"]
        for key, code in (("region", REGION), ("england", ENGLAND)):
            if code in national.index and code != row.scope:
                comparators[key] = {"scope": code, "value": _number(national[code]),
                                    "source": "nhse"}
    return comparators


def _plans(inputs: Inputs, row) -> dict:
    plans = inputs.plans
    if plans.empty:
        return {}
    mine = plans[(plans["metric"] == row.id) & (plans["scope"] == row.scope)]
    found: dict = {}
    plan = mine[(mine["kind"] == "plan") & (mine["period"].astype(str).str[:7] == row.period)]
    if not plan.empty:
        found["plan"] = {"value": _number(plan["value"].iloc[0]), "period": row.period}
    targets = mine[mine["kind"] == "target"].copy()
    if not targets.empty:
        # The active target: the first whose deadline is at or after this month.
        targets["deadline"] = pd.to_datetime(targets["deadline"])
        month_end = pd.Period(row.period, freq="M").end_time.normalize()
        active = targets[targets["deadline"] >= month_end].sort_values("deadline")
        chosen = active.iloc[0] if not active.empty else targets.sort_values("deadline").iloc[-1]
        found["target"] = {"value": _number(chosen["value"]),
                           "deadline": chosen["deadline"].date().isoformat(),
                           "parameter": None if pd.isna(chosen["parameter"])
                           else chosen["parameter"]}
    return found


def _provenance(inputs: Inputs, row) -> list[dict]:
    as_of = row.as_of if isinstance(row.as_of, str) else None
    key = (row.return_type, row.period, as_of, row.source == "nhse",
           None if row.scope == SYSTEM else row.scope)
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
    return [{"org": r.org_code, "submission_id": int(r.submission_id), "sha256": r.sha256,
             "received_at": r.received_at.isoformat(), "file_name": r.file_name,
             "return_type": r.return_type, "period": r.period}
            for r in used.itertuples(index=False)]


def _number(value) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)

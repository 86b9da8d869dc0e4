"""Elective care (the waiting list): what the waiting-list figures carry beside their values.

The long table holds one number per figure; the cohort figures also need the target they are
counted against (threshold N weeks and target date, from the plans file, chosen as
``sql/marts/rtt_cohort_weekly.sql`` chooses it), the snapshot each value was taken at, the weeks
left and whether the clearance rate is enough. :func:`describe` puts these in ``detail`` before
the sentences (:mod:`pipeline.metrics.sections.elective_sentences`) are written, so a report
writer reads the same facts the sentences state.
"""

from __future__ import annotations

import pandas as pd

from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import SYSTEM, Lookup, completes, provenance_over

TOTAL = "rtt.waiting_list.total"
OVER = {f"rtt.waits_over.{n}w": n for n in (104, 78, 65, 52)}
WITHIN_18W = "rtt.within_18w_pct"
REMAINING = "rtt.cohort.remaining"
ADMITTED = "rtt.cohort.remaining.admitted"
NON_ADMITTED = "rtt.cohort.remaining.non_admitted"
PRIOR = "rtt.cohort.remaining_prior"
RATE = "rtt.cohort.clearance_rate_6w"
REQUIRED = "rtt.cohort.required_rate"
WEEKS_TO_CLEAR = "rtt.cohort.weeks_to_clear"
CLEARED = "rtt.cohort.cleared_since"
AT_START = "rtt.cohort.at_start"
COHORT_IDS = [
    REMAINING,
    ADMITTED,
    NON_ADMITTED,
    PRIOR,
    RATE,
    REQUIRED,
    WEEKS_TO_CLEAR,
    CLEARED,
    AT_START,
]
WAITING_IDS = [TOTAL, *OVER, WITHIN_18W]
RATE_WEEKS = 6  # the clearance rate is the average fall over the latest six weekly snapshots


# Looking things up -----------------------------------------------------------------------------


def cohort_target(inputs, period: str) -> dict | None:
    """The cohort target active in ``period``: of the system's ``rtt.cohort.remaining`` target
    rows, the first deadline on or after the month's end; of two with one deadline, the lower
    threshold. The same rule as the SQL, so the sentence names the target the value counts."""
    plans = inputs.plans
    if plans.empty:
        return None
    rows = plans[
        (plans["metric"] == REMAINING) & (plans["kind"] == "target") & (plans["scope"] == SYSTEM)
    ]
    rows = rows.assign(
        deadline=pd.to_datetime(rows["deadline"]),
        threshold=pd.to_numeric(rows["parameter"], errors="coerce"),
    )
    month_end = pd.Period(period, freq="M").end_time.normalize()
    rows = rows[(rows["deadline"] >= month_end) & rows["threshold"].notna()]
    if rows.empty:
        return None
    row = rows.sort_values(["deadline", "threshold"], kind="stable").iloc[0]
    return {
        "threshold_weeks": int(row["threshold"]),
        "target_date": row["deadline"].date().isoformat(),
        "value": float(row["value"]),
    }


def _row(inputs, id_: str, scope: str, period: str):
    values = inputs.values
    rows = values[(values["id"] == id_) & (values["scope"] == scope) & (values["period"] == period)]
    return None if rows.empty else rows.iloc[0]


def _as_of(inputs, id_: str, scope: str, period: str) -> str | None:
    row = _row(inputs, id_, scope, period)
    return row["as_of"] if row is not None and isinstance(row["as_of"], str) else None


def _days_before(day: str, days: int) -> str:
    return (pd.Timestamp(day) - pd.Timedelta(days=days)).date().isoformat()


def _add_provenance(record: Headline, inputs, snapshots: list[str]) -> None:
    """A figure compared across snapshots rests on the submissions of each of them."""
    seen = {p["submission_id"] for p in record.provenance}
    for entry in provenance_over(inputs, record, "rtt", snapshots):
        if entry["submission_id"] not in seen:
            record.provenance.append(entry)
            seen.add(entry["submission_id"])


# Completing the records ----------------------------------------------------------------------


@completes(*WAITING_IDS)
def waiting_snapshots(record: Headline, inputs, found: Lookup) -> None:
    """The snapshot the figure was taken at, and that of the previous month it is compared
    with."""
    record.detail["as_of"] = _as_of(inputs, record.id, record.scope, record.period)
    previous = record.comparators.get("previous_period")
    if previous:
        previous["as_of"] = _as_of(inputs, record.id, record.scope, previous["period"])


@completes(*COHORT_IDS)
def describe(record: Headline, inputs, found: Lookup) -> None:
    """The target, the snapshot(s) and the weeks left behind a cohort figure."""
    target = cohort_target(inputs, record.period) or {}
    as_of = _as_of(inputs, record.id, record.scope, record.period)
    record.detail["as_of"] = as_of
    record.detail.update({k: v for k, v in target.items() if k != "value"})
    now = _as_of(inputs, REMAINING, record.scope, record.period)
    required = _row(inputs, REQUIRED, record.scope, record.period)
    if required is not None and not pd.isna(required["denominator"]):
        record.detail["weeks_left"] = int(required["denominator"])
    if record.id == REMAINING and target:
        # The comparator names the target the cohort was counted against (the generic lookup
        # may pick either of two targets that share a deadline).
        value = target["value"]
        record.comparators["target"] = {
            "value": int(value) if value.is_integer() else value,
            "deadline": target["target_date"],
            "parameter": str(target["threshold_weeks"]),
        }
    if record.id == REMAINING:
        prior = _row(inputs, PRIOR, record.scope, record.period)
        if prior is not None and not pd.isna(prior["value"]) and isinstance(prior["as_of"], str):
            # "This time last month" is four weekly snapshots earlier (METRICS.md), so the
            # record's previous value is that snapshot too: the sentence, the pack and the
            # workbook's Previous column quote one number.
            record.comparators["previous_period"] = {
                "period": prior["as_of"][:7],
                "value": int(prior["value"]),
                "as_of": prior["as_of"],
                "basis": "four weekly snapshots earlier",
            }
    if record.id in (RATE, WEEKS_TO_CLEAR) and now:
        record.detail["compared_with"] = _days_before(now, 7 * RATE_WEEKS)
        _add_provenance(record, inputs, [now, record.detail["compared_with"]])
    if record.id == WEEKS_TO_CLEAR and "weeks_left" in record.detail:
        record.detail["on_track"] = (
            record.value is not None and record.value <= record.detail["weeks_left"]
        )
    if record.id in (CLEARED, AT_START):
        start = _row(inputs, AT_START, record.scope, record.period)
        if start is not None:
            record.detail["start"] = start["as_of"]
            record.detail["cohort_at_start"] = int(start["value"])
            _add_provenance(record, inputs, [start["as_of"], *([now] if now else [])])

"""Diagnostics (DM01): the sentences of the diagnostic figures, the reference month the long
waits are compared with, and the trusts the system figures name.

The reference month is a row of the plans file, so the ICB team chooses it with the year's
other comparators: metric ``diagnostics.waiting.reference_month``, scope ``QYG``, month = the
reference month, value 0 (not used). It applies from that month on, until a later row; with no
row, the long waits have no reference comparator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pipeline.metrics import words
from pipeline.metrics.catalogue import MODALITIES
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import (
    SYSTEM,
    Lookup,
    against,
    completes,
    drop_previous_across_years,
    financial_year,
    named,
    provenance_over,
    trust_rows,
    value_of,
    who,
    year_to_date,
)
from pipeline.metrics.sentences import _coverage, _default, register

if TYPE_CHECKING:
    from pipeline.metrics.inputs import Inputs

REFERENCE_MONTH = "diagnostics.waiting.reference_month"
ACTIVITY = "diagnostics.activity.total"
VS_PLAN = "diagnostics.activity.vs_plan_ytd_pct"
VS_PLAN_IDS = [VS_PLAN, *(f"{VS_PLAN}.{key}" for key in MODALITIES)]
WAITING = "diagnostics.waiting.total"
WITHIN_6W = "diagnostics.waiting.within_6w_pct"
OVER = {f"diagnostics.waiting.over_{n}w": n for n in (6, 13, 26, 40)}
OVER_6W = "diagnostics.waiting.over_6w"
LARGEST = "diagnostics.waiting.largest_over_6w"
COLONOSCOPY = "diagnostics.colonoscopy.trusts_over_15pct_13w"
COLONOSCOPY_PCT = "diagnostics.colonoscopy.over_13w_pct"


def reference_month(inputs: Inputs, period: str) -> str | None:
    """The reference month in force for ``period``: the latest chosen on or before it."""
    plans = inputs.plans
    if plans.empty:
        return None
    rows = plans[(plans["metric"] == REFERENCE_MONTH) & (plans["scope"] == SYSTEM)]
    months = sorted(m for m in rows["period"].astype(str).str[:7] if m <= period)
    return months[-1] if months else None


# Completing the records ----------------------------------------------------------------------


@completes(*OVER)
def compare_with_reference(record: Headline, inputs: Inputs, found: Lookup) -> None:
    reference = reference_month(inputs, record.period)
    if reference and reference != record.period:
        before = value_of(inputs, record.id, record.scope, reference)
        if before is not None:
            record.comparators["reference"] = {"period": reference, "value": before}


@completes(LARGEST)
def name_largest(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """The trust the figure is: of those with the system's largest count, the lowest code (as
    the mart breaks ties); its share of its own waiting list, and its change since the
    reference month."""
    trusts = trust_rows(inputs, OVER_6W, record.period)
    top = trusts[trusts["value"] == record.value]
    if top.empty:
        return
    row = top.iloc[0]
    waiting = int(row["denominator"])
    detail = {
        "trust": row["scope"],
        "over_6w": int(row["value"]),
        "waiting": waiting,
        "pct": 100 * int(row["value"]) / waiting if waiting else None,
    }
    reference = reference_month(inputs, record.period)
    if reference and reference != record.period:
        before = value_of(inputs, OVER_6W, row["scope"], reference)
        if before is not None:
            detail["reference"] = {"period": reference, "value": before}
            detail["change"] = int(row["value"]) - before
    record.detail = detail


@completes(COLONOSCOPY)
def name_colonoscopy_trusts(record: Headline, inputs: Inputs, found: Lookup) -> None:
    if record.scope != SYSTEM:
        return
    flagged = trust_rows(inputs, COLONOSCOPY, record.period)
    shares = trust_rows(inputs, COLONOSCOPY_PCT, record.period).set_index("scope")
    record.detail = {
        "trusts": [
            {
                "trust": code,
                "pct": float(shares.at[code, "value"]),
                "over_13w": int(shares.at[code, "numerator"]),
                "waiting": int(shares.at[code, "denominator"]),
            }
            for code in flagged.loc[flagged["value"] == 1, "scope"]
        ]
    }


@completes(*VS_PLAN_IDS)
def year_to_date_inputs(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """A year-to-date figure rests on every month of the year so far and on the plans file."""
    drop_previous_across_years(record)
    record.provenance = provenance_over(
        inputs, record, "dm01", year_to_date(record.period)
    ) + provenance_over(inputs, record, "plans", [financial_year(record.period)], scope=SYSTEM)


# Sentences -----------------------------------------------------------------------------------


def _at(record: Headline, names: dict[str, str]) -> str:
    return "" if record.scope == SYSTEM else f" at {names.get(record.scope, record.scope)}"


def _compared(record: Headline, key: str, end_of: bool = False) -> str:
    comparator = record.comparators.get(key)
    if not comparator or comparator.get("value") is None:
        return ""
    earlier = Headline(**{**record.__dict__, "value": comparator["value"]})
    when = ("at the end of " if end_of else "in ") + words.month_name(comparator["period"])
    return f", compared with {_shown(earlier)} {when}"


def _shown(record: Headline) -> str:
    return words.percent(record.value) if record.unit == "percent" else words.count(record.value)


@register(ACTIVITY)
def activity(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    text = (
        f"{who(record, names)} delivered {words.count(record.value)} diagnostic tests in "
        f"{words.month_name(record.period)}{_compared(record, 'previous_period')}."
    )
    return text + _coverage(record, names)


def _span(months: list[str]) -> str:
    """ "April 2024", "April to October 2023", "April 2023 to March 2024"."""
    first, last = words.month_name(months[0]), words.month_name(months[-1])
    if first == last:
        return first
    return f"{first.split()[0] if first[-4:] == last[-4:] else first} to {last}"


def _vs_plan(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Diagnostic activity is 1.3% above plan for the year to date (April to October 2023):
    721,326 tests against 711,972 planned." and, per test, "CT activity is 0.5% above ..." """
    span = _span(year_to_date(record.period))
    key = record.id.removeprefix(VS_PLAN).lstrip(".")
    subject = f"{MODALITIES[key] if key else 'Diagnostic'} activity{_at(record, names)} is"
    if record.value is None or record.numerator is None or not record.denominator:
        return ""  # planned none: nothing to compare with
    done = record.numerator + record.denominator
    text = (
        f"{subject} {against(record.value, words.percent(abs(record.value)))} plan for the "
        f"year to date ({span}): {words.count(done)} tests against "
        f"{words.count(record.denominator)} planned."
    )
    return text + _coverage(record, names)


for _id in VS_PLAN_IDS:
    register(_id)(_vs_plan)


@register(WAITING)
def waiting(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    text = (
        f"At the end of {words.month_name(record.period)}, {words.count(record.value)} "
        f"patients were waiting for a diagnostic test{_at(record, names)}"
        f"{_compared(record, 'previous_period', end_of=True)}."
    )
    return text + _coverage(record, names)


@register(WITHIN_6W)
def within_6w(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    text = (
        f"{words.percent(record.value)} of patients waiting for a diagnostic test"
        f"{_at(record, names)} had waited under 6 weeks ({words.count(record.numerator)} of "
        f"{words.count(record.denominator)}){_compared(record, 'previous_period')}."
    )
    target = record.comparators.get("target")
    if target and target.get("value") is not None:
        by = words.month_name(pd.Timestamp(target["deadline"]).strftime("%Y-%m"))
        text += f" The target is {target['value']:g}% by {by}."
    return text + _coverage(record, names)


def _over(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "12,580 patients had waited 6 weeks or more (16.7% of those waiting), compared with
    14,020 in April 2023." (the reference month; the previous month if none is set)"""
    share = ""
    if record.denominator and record.numerator is not None:
        share = f" ({words.percent(100 * record.numerator / record.denominator)} of those waiting)"
    compared = (
        _compared(record, "reference")
        if "reference" in record.comparators
        else _compared(record, "previous_period")
    )
    text = (
        f"{words.count(record.value)} patients{_at(record, names)} had waited "
        f"{OVER[record.id]} weeks or more{share}{compared}."
    )
    return text + _coverage(record, names)


for _id in OVER:
    register(_id)(_over)


@register(LARGEST)
def largest(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "LUHFT (REM) has the most patients waiting 6 weeks or more: 4,321, 18.2% of its 23,700
    waiting; 512 fewer than in April 2023." """
    detail = record.detail
    if not detail:
        return _default(record, found, names)
    text = (
        f"{named([detail['trust']], names)} has the most patients waiting 6 weeks or more: "
        f"{words.count(record.value)}"
    )
    if detail.get("pct") is not None:
        text += f", {words.percent(detail['pct'])} of its {words.count(detail['waiting'])} waiting"
    if "change" in detail:
        change, month = detail["change"], words.month_name(detail["reference"]["period"])
        text += (
            f"; the same as in {month}"
            if change == 0
            else f"; {words.count(abs(change))} {'more' if change > 0 else 'fewer'} than in {month}"
        )
    return text + "." + _coverage(record, names)


@register(COLONOSCOPY_PCT)
def colonoscopy_share(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    if record.value is None:
        return ""  # no colonoscopy waiters: nothing to say
    text = (
        f"{words.percent(record.value)} of colonoscopy patients{_at(record, names)} had "
        f"waited 13 weeks or more ({words.count(record.numerator)} of "
        f"{words.count(record.denominator)}){_compared(record, 'previous_period')}."
    )
    return text + _coverage(record, names)


@register(COLONOSCOPY)
def colonoscopy(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "2 of 12 trusts have more than 15% of their colonoscopy patients waiting 13 weeks or
    more: LUHFT (REM) 18.2% and COCH (RJR) 16.0%." """
    if record.scope != SYSTEM or record.coverage is None or record.value is None:
        return _default(record, found, names)
    n, of = int(record.value), record.coverage["trusts_submitted"]
    text = (
        f"{words.count(n)} of {words.count(of)} trusts {'has' if n == 1 else 'have'} more "
        f"than 15% of {'its' if n == 1 else 'their'} colonoscopy patients waiting 13 weeks "
        "or more"
    )
    trusts = record.detail.get("trusts", [])
    if trusts:
        listed = [f"{named([t['trust']], names)} {words.percent(t['pct'])}" for t in trusts]
        text += ": " + (
            listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
        )
    return text + "." + _coverage(record, names)

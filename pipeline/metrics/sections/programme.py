"""Programme figures (METRICS.md, "Programme figures"): what they carry beside their values and
the sentences the briefing quotes them in.

Most come from the programme return (procurement savings, CDC activity, OPEL, Alternative
Choice, teledermatology); the long-stay shares at a named day come from the UEC return, and the
cohort cleared for every target from the waiting-list returns. Comparators follow the briefing:
savings against month 6 of the financial year (or the previous month before month 7), CDC
activity against the year's plan, teledermatology against the level expected by a date, the
long-stay shares against the operational plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from pipeline.metrics import words
from pipeline.metrics.catalogue import CLEARED_PREFIX, CLEARED_THRESHOLDS
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import (
    SYSTEM,
    Lookup,
    completes,
    drop_previous_across_years,
    financial_year,
    financial_year_start,
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

PIPELINE = "procurement.savings.pipeline"
FYE = "procurement.savings.delivered_fye"
IYE = "procurement.savings.delivered_iye"
PROCUREMENT = (PIPELINE, FYE, IYE)
CDC = "diagnostics.cdc.activity"
CDC_VS_PLAN = "diagnostics.cdc.activity_vs_plan_pct"
OPEL = "uec.opel.level"
OPEL_3_PLUS = "uec.opel.trusts_at_3_plus"
TEXTS = "elective.alternative_choice.texts_sent"
WILLING = "elective.alternative_choice.willing_to_travel"
TELEDERMATOLOGY = "outpatients.teledermatology.implementation_pct"
FROM_PROGRAMME_RETURN = (
    *PROCUREMENT,
    CDC,
    CDC_VS_PLAN,
    OPEL,
    OPEL_3_PLUS,
    TEXTS,
    WILLING,
    TELEDERMATOLOGY,
)
LONG_STAY_AT = {"uec.long_stay.over_14d_pct_at": 14, "uec.long_stay.over_21d_pct_at": 21}
CLEARED = {f"{CLEARED_PREFIX}{n}w": n for n in CLEARED_THRESHOLDS}
OVER_104W = "rtt.waits_over.104w"
#: Savings are compared with month 6 of the financial year (September), as the briefing does,
#: once the year is past it; before that with the previous month.
REFERENCE_MONTH = 6


# Looking things up -----------------------------------------------------------------------------


def _as_of(inputs: Inputs, record: Headline) -> str | None:
    values = inputs.values
    rows = values[
        (values["id"] == record.id)
        & (values["scope"] == record.scope)
        & (values["period"] == record.period)
    ]
    as_of = rows["as_of"].iloc[0] if not rows.empty else None
    return as_of if isinstance(as_of, str) else None


def _fy_month(period: str) -> int:
    return (int(period[5:7]) - 4) % 12 + 1


def _day(iso: str | None) -> str:
    """ "29 October 2023"."""
    return "" if not iso else words.day_name(iso)


def _year(period: str) -> str:
    """ "2023/24"."""
    start = financial_year_start(period)
    return f"{start}/{(start + 1) % 100:02d}"


def _plan_rows(inputs: Inputs, metric: str, scope: str) -> pd.DataFrame:
    plans = inputs.plans
    if plans.empty:
        return plans
    return plans[
        (plans["metric"] == metric) & (plans["kind"] == "plan") & (plans["scope"] == scope)
    ].assign(month=lambda f: f["period"].astype(str).str[:7])


# Completing the records ----------------------------------------------------------------------


@completes(*FROM_PROGRAMME_RETURN)
def programme_provenance(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """A trust's or a centre's figure may have come in the ICB's file: it rests on the month's
    programme returns of the ICB and of the scope itself (for a centre, of whoever sent it)."""
    record.detail["as_of"] = _as_of(inputs, record)
    if record.scope == SYSTEM:
        return
    every = provenance_over(inputs, record, "programme", [record.period], scope=SYSTEM)
    record.provenance = [
        p
        for p in every
        if p["org"] in (SYSTEM, record.scope) or record.id.startswith("diagnostics.cdc.")
    ]


@completes(FYE, IYE, CDC, CDC_VS_PLAN)
def not_across_years(record: Headline, inputs: Inputs, found: Lookup) -> None:
    drop_previous_across_years(record)  # year-to-date figures restart in April


@completes(*PROCUREMENT)
def against_month_6(record: Headline, inputs: Inputs, found: Lookup) -> None:
    if _fy_month(record.period) <= REFERENCE_MONTH:
        return
    month_6 = f"{financial_year_start(record.period)}-09"
    value = value_of(inputs, record.id, record.scope, month_6)
    if value is None:
        return
    record.comparators["month_6"] = {"period": month_6, "value": value}
    seen = {p["submission_id"] for p in record.provenance}
    record.provenance += [
        p
        for p in provenance_over(inputs, record, "programme", [month_6])
        if p["submission_id"] not in seen
    ]


@completes(CDC, CDC_VS_PLAN)
def cdc_plan(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """The year's CDC activity plan and the plan to date, from the plans file's monthly rows
    (the generic lookup would give the month's plan alone, which a year-to-date figure is not
    compared with)."""
    record.comparators.pop("plan", None)
    rows = _plan_rows(inputs, CDC, record.scope)
    months = year_to_date(record.period)
    rows = (
        rows[rows["month"].map(financial_year) == financial_year(record.period)]
        if not rows.empty
        else rows
    )
    if rows.empty:
        return
    year_plan = float(rows["value"].sum())
    ytd_plan = float(rows.loc[rows["month"].isin(months), "value"].sum())
    record.detail["financial_year"] = financial_year(record.period)
    record.comparators["plan"] = {
        "value": year_plan,
        "period": financial_year(record.period),
        "basis": "the year's CDC activity plan",
    }
    record.comparators["plan_ytd"] = {"value": ytd_plan, "period": record.period}
    if record.id == CDC_VS_PLAN:
        activity = found.get((CDC, record.scope))
        record.detail["tests_ytd"] = activity.value if activity else None


@completes(OPEL_3_PLUS)
def opel_trusts(record: Headline, inputs: Inputs, found: Lookup) -> None:
    if record.scope == SYSTEM:
        rows = trust_rows(inputs, record.id, record.period)
        record.detail["trusts"] = list(rows.loc[rows["value"] == 1, "scope"])


@completes(*LONG_STAY_AT)
def long_stay_at(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """The day the shares are taken at (the analyst's, when one is named in the month), and the
    operational plan value of the share from the plans file."""
    day = inputs.long_stay_day
    record.detail["day_named_by"] = "the last Sunday of the month"
    if day and day[:7] == record.period:
        _at_day(record, inputs, day)
    record.detail["as_of"] = record.detail.get("as_of") or _as_of(inputs, record)
    measure = record.id.removesuffix("_at")
    plan = _plan_rows(inputs, measure, record.scope)
    plan = plan[plan["month"] == record.period] if not plan.empty else plan
    record.comparators.pop("plan", None)
    if not plan.empty:
        record.comparators["plan"] = {
            "value": float(plan["value"].iloc[0]),
            "period": record.period,
            "metric": measure,
            "source": "plans file",
        }


def _at_day(record: Headline, inputs: Inputs, day: str) -> None:
    daily = inputs.tables.get("uec_long_stay_daily", pd.DataFrame())
    if daily.empty:
        return
    row = daily[
        (daily["scope"] == record.scope)
        & (pd.to_datetime(daily["date"]).dt.strftime("%Y-%m-%d") == day)
    ]
    record.detail.update({"as_of": day, "day_named_by": "the analyst"})
    if row.empty:
        record.value = record.numerator = record.denominator = None
        return
    beds = int(row["beds_occupied"].iloc[0])
    held = int(row[f"beds_{LONG_STAY_AT[record.id]}plus"].iloc[0])
    record.numerator, record.denominator = held, beds
    record.value = 100.0 * held / beds if beds else None
    if record.coverage is not None:
        missing = row["missing_trusts"].iloc[0]
        record.coverage = {
            "trusts_submitted": int(row["trusts_submitted"].iloc[0]),
            "trusts_expected": int(row["trusts_expected"].iloc[0]),
            "missing": [m for m in (missing or "").split(",") if m]
            if isinstance(missing, str)
            else [],
        }


@completes(*CLEARED)
def cleared(record: Headline, inputs: Inputs, found: Lookup) -> None:
    """The target, the two snapshots and the cohort at each; for 104 weeks, whether anyone is
    still waiting over 104 weeks at the month's snapshot."""
    table = inputs.tables.get("rtt_cohort_cleared", pd.DataFrame())
    if table.empty:
        return
    rows = table[
        (table["period"] == record.period)
        & (table["scope"] == record.scope)
        & (table["threshold_weeks"] == CLEARED[record.id])
    ]
    if rows.empty:
        return
    row = rows.iloc[0]
    start, end = (
        pd.Timestamp(row["start_date"]).date().isoformat(),
        pd.Timestamp(row["end_date"]).date().isoformat(),
    )
    record.detail.update(
        {
            "as_of": end,  # the later snapshot, as every waiting-list figure says where it is taken
            "threshold_weeks": CLEARED[record.id],
            "target_date": pd.Timestamp(row["target_date"]).date().isoformat(),
            "start": start,
            "end": end,
            "cohort_at_start": int(row["at_start"]),
            "cohort_at_end": int(row["at_end"]),
        }
    )
    seen = {p["submission_id"] for p in record.provenance}
    record.provenance += [
        p
        for p in provenance_over(inputs, record, "rtt", [start, end])
        if p["submission_id"] not in seen
    ]
    if CLEARED[record.id] == 104:
        over = found.get((OVER_104W, record.scope))
        if over is not None and over.value is not None:
            record.detail["none_over_104w"] = over.value == 0
            record.detail["none_over_104w_as_of"] = _as_of(inputs, over)


# Sentences -----------------------------------------------------------------------------------


def _change(record: Headline) -> str:
    """ ", an increase of £942k from month 6": against month 6 once past it, else the previous
    month; "" when there is nothing to compare with."""
    base = record.comparators.get("month_6")
    since = f"month {REFERENCE_MONTH}"
    if base is None:
        base = record.comparators.get("previous_period")
        since = words.month_name(base["period"]) if base else ""
    if base is None or base["value"] is None or record.value is None:
        return ""
    change = record.value - base["value"]
    if change == 0:
        return f", unchanged from {since}"
    kind = "an increase" if change > 0 else "a decrease"
    return f", {kind} of {words.money_thousands(abs(change))} from {since}"


@register(PIPELINE)
def pipeline_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The current pipeline shows £5.8m of savings, an increase of £942k from month 6." """
    whose = "The current" if record.scope == SYSTEM else f"{who(record, names)}'s current"
    return (
        f"{whose} procurement pipeline shows {words.money_thousands(record.value)} of "
        f"savings{_change(record)}."
    )


@register(FYE)
def delivered_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Actual savings delivered to date £981k FYE / £665k IYE, an increase of £143k from
    month 6." (the change is the full-year effect's)."""
    iye = found.get((IYE, record.scope))
    whose = "" if record.scope == SYSTEM else f" by {who(record, names)}"
    text = (
        f"Actual procurement savings delivered{whose} to date "
        f"{words.money_thousands(record.value)} FYE"
    )
    if iye is not None and iye.value is not None:
        text += f" / {words.money_thousands(iye.value)} IYE"
    return text + _change(record) + "."


@register(IYE)
def in_year_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    whose = "" if record.scope == SYSTEM else f" by {who(record, names)}"
    return (
        f"Procurement savings delivered{whose} to date have an in-year effect of "
        f"{words.money_thousands(record.value)}{_change(record)}."
    )


@register(CDC)
def cdc_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Community diagnostic centres have delivered 190,123 tests in 2023/24 to October 2023,
    against the year's plan of 330,000 tests." """
    subject = (
        "Community diagnostic centres have"
        if record.scope == SYSTEM
        else f"{names.get(record.scope, record.scope)} has"
    )
    text = (
        f"{subject} delivered {words.count(record.value)} tests in {_year(record.period)} "
        f"to {words.month_name(record.period)}"
    )
    plan = record.comparators.get("plan")
    if plan and plan.get("value") is not None:
        text += f", against the year's plan of {words.count(plan['value'])} tests"
    return text + "."


@register(CDC_VS_PLAN)
def cdc_vs_plan_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "CDC activity for the year to date is 3.2% above plan: 190,123 tests against 184,200
    planned." """
    where = "" if record.scope == SYSTEM else f" at {names.get(record.scope, record.scope)}"
    shown = words.percent(abs(record.value)) if record.value is not None else "-"
    side = "below" if record.value is not None and record.value < 0 else "above"
    text = f"CDC activity{where} for the year to date is {shown} {side} plan"
    tests, plan = record.detail.get("tests_ytd"), record.comparators.get("plan_ytd")
    if tests is not None and plan:
        text += (
            f": {words.count(tests)} tests against {words.count(plan['value'])} planned "
            f"to {words.month_name(record.period)}"
        )
    return text + "."


@register(OPEL)
def opel_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The system was escalated overall at OPEL 3 on 31 October 2023, as at the end of
    September 2023." """
    level = words.count(record.value)
    day = _day(record.detail.get("as_of"))
    if record.scope == SYSTEM:
        text = f"The system was escalated overall at OPEL {level} on {day}"
    else:
        text = f"{names.get(record.scope, record.scope)} reported OPEL {level} on {day}"
    previous = record.comparators.get("previous_period")
    if previous and previous["value"] is not None:
        month = words.month_name(previous["period"])
        text += (
            f", as at the end of {month}"
            if previous["value"] == record.value
            else f", from OPEL {words.count(previous['value'])} at the end of {month}"
        )
    return text + "."


@register(OPEL_3_PLUS)
def opel_trusts_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The majority of CMAST trusts were at OPEL 3 or 4 on most days of October 2023: 8 of the
    12 reporting (...)." """
    if record.scope != SYSTEM or record.coverage is None or record.value is None:
        return _default(record, found, names)
    n, of = int(record.value), record.coverage["trusts_submitted"]
    month = words.month_name(record.period)
    lead = (
        "The majority of CMAST trusts were"
        if 2 * n > of
        else "No CMAST trust was"
        if n == 0
        else "A minority of CMAST trusts were"
    )
    text = f"{lead} at OPEL 3 or 4 on most days of {month}: {words.count(n)} of the {of} reporting"
    codes = record.detail.get("trusts", [])
    text += f" ({named(codes, names)})." if codes else "."
    return text + _coverage(record, names)


@register(TEXTS)
def texts_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The Alternative Choice programme has sent text messages to 30,112 patients (to 29
    October 2023)." """
    where = "" if record.scope == SYSTEM else f" at {who(record, names)}"
    return (
        f"The Alternative Choice programme has sent text messages to "
        f"{words.count(record.value)} patients{where} (to {_day(record.detail.get('as_of'))})."
    )


@register(WILLING)
def willing_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Currently 437 patients are willing to travel for treatment (29 October 2023)." """
    where = "" if record.scope == SYSTEM else f" of {who(record, names)}"
    return (
        f"Currently {words.count(record.value)} patients{where} are willing to travel for "
        f"treatment ({_day(record.detail.get('as_of'))}), so alternative providers are "
        "being sought for them."
    )


@register(TELEDERMATOLOGY)
def teledermatology_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Teledermatology implementation is 64.0% in October 2023, and is expected to be 80% by
    31 March 2024." """
    where = "" if record.scope == SYSTEM else f" at {who(record, names)}"
    text = (
        f"Teledermatology implementation{where} is {words.percent(record.value)} in "
        f"{words.month_name(record.period)}"
    )
    target = record.comparators.get("target")
    if target and target.get("value") is not None:
        text += f", and is expected to be {target['value']:g}% by {_day(target['deadline'])}"
    return text + "."


def _long_stay_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The percentage of beds occupied by patients with a length of stay over 21 days was
    24.9% at 29/10/2023, against the 2023/24 operational plan of 16.7%." """
    days = LONG_STAY_AT[record.id]
    where = "" if record.scope == SYSTEM else f" at {who(record, names)}"
    as_of = record.detail.get("as_of")
    day = f"{pd.Timestamp(as_of):%d/%m/%Y}" if as_of else "-"
    if record.value is None:
        return f"No long-stay figure{where} for {day}: no UEC return has beds for that day."
    text = (
        f"The percentage of beds{where} occupied by patients with a length of stay over "
        f"{days} days was {words.percent(record.value)} at {day}"
    )
    plan = record.comparators.get("plan")
    if plan:
        text += (
            f", against the {_year(record.period)} operational plan of "
            f"{words.percent(plan['value'])}"
        )
    return text + "." + _coverage(record, names)


for _id in LONG_STAY_AT:
    register(_id)(_long_stay_sentence)


def _cleared_sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Between 6 November 2022 and 26 March 2023 CMAST trusts reduced the 78-week wait (the
    cohort to wait 78 weeks by 31 March 2023) for nearly 40,000 people (39,870): from 41,002 to
    1,132." """
    detail = record.detail
    if "start" not in detail or record.value is None:
        return _default(record, found, names)
    n = detail["threshold_weeks"]
    cleared_count = int(record.value)
    exact = words.count(cleared_count)
    # "nearly 40,000 people (39,870)": the briefing's phrase only where it is true, the exact
    # count beside it.
    about = words.approximately(cleared_count) if cleared_count > 0 else exact
    people = f"{exact} people" if about == exact else f"{about} people ({exact})"
    text = f"Between {_day(detail['start'])} and {_day(detail['end'])} {who(record, names)} "
    cohort = f"the {n}-week wait (the cohort to wait {n} weeks by {_day(detail['target_date'])})"
    if cleared_count >= 0:
        verb = "eliminated" if detail["cohort_at_end"] == 0 and cleared_count > 0 else "reduced"
        text += f"{verb} {cohort} for {people}"
    else:
        text += f"saw {cohort} grow by {words.count(-cleared_count)} (cleared: {exact})"
    text += (
        f": from {words.count(detail['cohort_at_start'])} to "
        f"{words.count(detail['cohort_at_end'])}."
    )
    if detail.get("none_over_104w"):
        text += (
            f" No patient is waiting over 104 weeks at {_day(detail.get('none_over_104w_as_of'))}."
        )
    return text + _coverage(record, names)


for _id in CLEARED:
    register(_id)(_cleared_sentence)

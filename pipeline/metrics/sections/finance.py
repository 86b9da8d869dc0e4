"""Finance: plans and variances beside the positions, the trusts the counts name, and the
sentences (METRICS.md), with surpluses and deficits in words.

Every finance figure is for the financial year so far (April = month 1), or for the whole
year: in April none of them can be compared with March, which closed the year before. The
plan a position is compared with comes from the finance returns themselves (their year-to-date
and full-year plan columns), not from the plans file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.metrics import words
from pipeline.metrics.catalogue import FIGURES
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import (
    SYSTEM,
    Lookup,
    completes,
    drop_previous_across_years,
    financial_year_start,
    named,
    position,
    trust_rows,
    who,
)
from pipeline.metrics.sentences import _coverage, _default, register

if TYPE_CHECKING:
    from pipeline.metrics.inputs import Inputs

PROVIDERS = "finance.providers.ytd_surplus_deficit"
PROVIDERS_PLAN = "finance.providers.ytd_plan"
IN_DEFICIT = "finance.providers.in_deficit"
SYSTEM_YTD = "finance.system.ytd_surplus_deficit"
SYSTEM_PLAN = "finance.system.ytd_plan"
ICB_YTD = "finance.icb.ytd_surplus_deficit"
FORECAST = "finance.forecast_outturn"
FY_PLAN = "finance.system.fy_plan"
CAPITAL = "finance.capital.spend_pct_of_plan"
CASH_PROVIDERS = "finance.cash_support.providers"
CASH_AMOUNT = "finance.cash_support.amount"
CIP = "finance.cip.delivery_pct"
CIP_RECURRENT = "finance.cip.recurrent_pct"
FINANCE_IDS = [id_ for id_ in FIGURES if id_.startswith("finance.")]
#: Each position and the figure holding the plan it is compared with.
PLANS = {PROVIDERS: PROVIDERS_PLAN, SYSTEM_YTD: SYSTEM_PLAN, FORECAST: FY_PLAN}


# Completing the records ----------------------------------------------------------------------


@completes(*FINANCE_IDS)
def not_across_years(record: Headline, inputs: Inputs, found: Lookup) -> None:
    drop_previous_across_years(record)


@completes(*PLANS)
def plan_and_variance(record: Headline, inputs: Inputs, found: Lookup) -> None:
    plan = found.get((PLANS[record.id], record.scope))
    if plan is None or plan.value is None or record.value is None:
        return
    record.comparators["plan"] = {
        "value": plan.value,
        "period": record.period,
        "source": "finance returns",
    }
    record.comparators["variance"] = {"value": record.value - plan.value}


@completes(IN_DEFICIT, CASH_PROVIDERS)
def name_trusts(record: Headline, inputs: Inputs, found: Lookup) -> None:
    if record.scope == SYSTEM:
        rows = trust_rows(inputs, record.id, record.period)
        record.detail = {"trusts": list(rows.loc[rows["value"] == 1, "scope"])}


# Sentences -----------------------------------------------------------------------------------


def _planned(plan: Headline | None) -> str:
    """ "a planned deficit of £8.0m", "a planned surplus of £1.2m", "a breakeven plan"."""
    if plan is None or plan.value is None:
        return ""
    if plan.value == 0:
        return " against a breakeven plan"
    return f" against a planned {position(plan.value)}"


def _month(record: Headline) -> str:
    """ "month 7 (October 2023)": where in the financial year the figure is."""
    number = (int(record.period[5:7]) - 4) % 12 + 1
    return f"month {number} ({words.month_name(record.period)})"


@register(PROVIDERS)
def providers(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "The overall provider position is a deficit of £12.3m against a planned deficit of
    £8.0m. 7 CMAST trusts are reporting deficits." """
    plan = _planned(found.get((PROVIDERS_PLAN, record.scope)))
    if record.scope != SYSTEM:
        return (
            f"{names.get(record.scope, record.scope)}'s position at {_month(record)} is a "
            f"{position(record.value)}{plan}."
        )
    text = f"The overall provider position at {_month(record)} is a {position(record.value)}{plan}."
    deficits = found.get((IN_DEFICIT, record.scope))
    if deficits is not None and deficits.value is not None:
        n = int(deficits.value)
        text += (
            " No CMAST trust is reporting a deficit."
            if n == 0
            else " 1 CMAST trust is reporting a deficit."
            if n == 1
            else f" {words.count(n)} CMAST trusts are reporting deficits."
        )
    return text + _coverage(record, names)


def _trusts(record: Headline, names: dict[str, str], one: str, more: str) -> str:
    """ "3 of 12 CMAST trusts report a deficit ...: A, B and C." for the system (``one`` and
    ``more``: the rest of the sentence after one trust or several); "" for a trust."""
    if record.scope != SYSTEM or record.coverage is None or record.value is None:
        return ""
    n, of = int(record.value), record.coverage["trusts_submitted"]
    text = f"{words.count(n)} of {words.count(of)} CMAST trusts {one if n == 1 else more}"
    codes = record.detail.get("trusts", [])
    return text + (f": {named(codes, names)}." if codes else ".") + _coverage(record, names)


@register(IN_DEFICIT)
def in_deficit(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    return _trusts(
        record,
        names,
        "reports a deficit for the year to date",
        "report a deficit for the year to date",
    ) or _default(record, found, names)


@register(CASH_PROVIDERS)
def cash_providers(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    return _trusts(
        record,
        names,
        "has requested revenue cash support this financial year",
        "have requested revenue cash support this financial year",
    ) or _default(record, found, names)


@register(SYSTEM_YTD)
def system_position(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "With the ICB's own surplus of £1.2m, the system position at month 7 (October 2023) is a
    deficit of £11.1m against a planned deficit of £7.0m." """
    icb = found.get((ICB_YTD, record.scope))
    text = (
        f"With the ICB's own {position(icb.value)}, the" if icb and icb.value is not None else "The"
    )
    text += (
        f" system position at {_month(record)} is a {position(record.value)}"
        f"{_planned(found.get((SYSTEM_PLAN, record.scope)))}."
    )
    return text + _coverage(record, names)


@register(FORECAST)
def forecast(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    year = financial_year_start(record.period)
    text = (
        f"The system forecasts a {position(record.value)} for {year}/{(year + 1) % 100:02d}"
        f"{_planned(found.get((FY_PLAN, record.scope)))}."
    )
    return text + _coverage(record, names)


@register(CAPITAL)
def capital(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    verb = "have" if record.scope == SYSTEM else "has"
    text = (
        f"{who(record, names)} {verb} spent {words.percent(record.value)} of the full-year "
        f"capital (CDEL) plan by {_month(record)}."
    )
    return text + _coverage(record, names)


@register(CASH_AMOUNT)
def cash_amount(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    text = (
        f"{words.money_thousands(record.value)} of revenue cash support has been advanced to "
        f"{who(record, names)} this financial year, to {_month(record)}."
    )
    return text + _coverage(record, names)


@register(CIP)
def cip(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "CMAST trusts have delivered 86.0% of their cost improvement plan for the year to date;
    61.2% of the savings delivered are recurrent." """
    verb, their = ("have", "their") if record.scope == SYSTEM else ("has", "its")
    text = (
        f"{who(record, names)} {verb} delivered {words.percent(record.value)} of {their} "
        f"cost improvement plan for the year to date"
    )
    recurrent = found.get((CIP_RECURRENT, record.scope))
    if recurrent is not None and recurrent.value is not None:
        text += f"; {words.percent(recurrent.value)} of the savings delivered are recurrent"
    return text + "." + _coverage(record, names)


def _quoted_elsewhere(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    # Plans and the ICB's own position are quoted in the sentence of the figure they belong
    # to; a sentence of their own would repeat it.
    return ""


for _id in (PROVIDERS_PLAN, SYSTEM_PLAN, FY_PLAN, ICB_YTD, CIP_RECURRENT):
    register(_id)(_quoted_elsewhere)

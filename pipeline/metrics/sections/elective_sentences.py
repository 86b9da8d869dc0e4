"""Elective care sentences (METRICS.md): the cohort sentence, and short ones for the other
waiting-list figures. Each number is a record's own formatted value; a figure quoted in the
cohort sentence (its split, last month's cohort, the clearance rate) has no sentence of its
own, unless published outputs would suppress it there (1 to 7 patients), when it is left out
of the cohort sentence instead.
"""

from __future__ import annotations

from typing import TypeGuard

import pandas as pd

from pipeline.metrics import words
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import SYSTEM, Lookup
from pipeline.metrics.sections.elective import (
    ADMITTED,
    AT_START,
    CLEARED,
    NON_ADMITTED,
    OVER,
    PRIOR,
    RATE,
    RATE_WEEKS,
    REMAINING,
    REQUIRED,
    TOTAL,
    WEEKS_TO_CLEAR,
    WITHIN_18W,
)
from pipeline.metrics.sentences import _coverage, formatted, register
from pipeline.metrics.suppression import is_small

_day = words.day_name


def _by(target_date: str) -> str:
    """ "the end of March 2024" for a month's last day, else "15 March 2024"."""
    day = pd.Timestamp(target_date)
    return f"the end of {day:%B %Y}" if day.is_month_end else _day(target_date)


def _at(record: Headline, names: dict[str, str]) -> str:
    return "" if record.scope == SYSTEM else f" at {names.get(record.scope, record.scope)}"


def _cohort(record: Headline) -> str:
    weeks = record.detail.get("threshold_weeks")
    return f"{weeks}-week wait cohort" if weeks else "long-wait cohort"


def _quotable(record: Headline | None) -> TypeGuard[Headline]:
    """Whether the cohort sentence may quote this figure: present, and not suppressed."""
    return record is not None and record.value is not None and not is_small(record.value)


def _quoted_in_cohort_sentence(record: Headline, found: Lookup) -> bool:
    return (REMAINING, record.scope) in found and _quotable(record)


@register(REMAINING)
def remaining(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "We now have 31,123 patients to clear by the end of March 2024 to achieve our 65 week
    wait target: 15,541 of these are waiting for inpatient care and 15,582 for an outpatient
    appointment. This time last month we had 38,658 to clear. Our 6 week average clearance
    rate is 1,935.5 per week." """
    d, ours = record.detail, record.scope == SYSTEM
    subject = "We now have" if ours else f"{names.get(record.scope, record.scope)} now has"
    text = f"{subject} {formatted(record)} patients to clear"
    if "target_date" in d:
        text += (
            f" by {_by(d['target_date'])} to achieve {'our' if ours else 'the'} "
            f"{d['threshold_weeks']} week wait target"
        )
    admitted, non_admitted = (found.get((i, record.scope)) for i in (ADMITTED, NON_ADMITTED))
    if _quotable(admitted) and _quotable(non_admitted):
        text += (
            f": {formatted(admitted)} of these are waiting for inpatient care and "
            f"{formatted(non_admitted)} for an outpatient appointment"
        )
    text += "."
    prior, rate = found.get((PRIOR, record.scope)), found.get((RATE, record.scope))
    if _quotable(prior):
        text += f" This time last month {'we' if ours else 'it'} had {formatted(prior)} to clear."
    if rate is not None and rate.value is not None:
        text += (
            f" {'Our' if ours else 'Its'} {RATE_WEEKS} week average clearance rate is "
            f"{formatted(rate)} per week."
        )
    return text + _coverage(record, names) + _fewer_compared(record, prior, rate)


def _fewer_compared(record: Headline, *others: Headline | None) -> str:
    """A note when a comparison counts fewer trusts than the figure: each sums only the
    trusts that submitted both weeks compared."""
    if record.coverage is None:
        return ""
    counts = [o.coverage["trusts_submitted"] for o in others if o and o.coverage]
    fewer = [c for c in counts if c < record.coverage["trusts_submitted"]]
    if not fewer:
        return ""
    return (
        f" Comparisons with earlier weeks count only the {min(fewer)} trusts that submitted "
        "both weeks."
    )


def _part(kind: str):
    def sentence(record: Headline, found: Lookup, names: dict[str, str]) -> str:
        if _quoted_in_cohort_sentence(record, found):
            return ""
        return (
            f"{formatted(record)} patients in the {_cohort(record)}{_at(record, names)} "
            f"are waiting for {kind}." + _coverage(record, names)
        )

    return sentence


register(ADMITTED)(_part("inpatient care"))
register(NON_ADMITTED)(_part("an outpatient appointment"))


@register(PRIOR)
def prior(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    if _quoted_in_cohort_sentence(record, found):
        return ""  # "This time last month we had ... to clear."
    return (
        f"There were {formatted(record)} patients in the {_cohort(record)}"
        f"{_at(record, names)} at {_day(record.detail['as_of'])}." + _coverage(record, names)
    )


@register(RATE)
def clearance_rate(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    if (REMAINING, record.scope) in found:
        return ""  # "Our 6 week average clearance rate is ... per week."
    return (
        f"The {_cohort(record)}{_at(record, names)} has fallen by an average of "
        f"{formatted(record)} per week over the last {RATE_WEEKS} weeks." + _coverage(record, names)
    )


@register(REQUIRED)
def required_rate(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "To clear the 65-week wait cohort by 31 March 2024, 1,414.7 patients a week need to be
    treated: 31,123 over the 22 whole weeks left." """
    d = record.detail
    when = _day(d["target_date"]) if "target_date" in d else "the target date"
    if record.value is None:
        return (
            f"Less than a week is left to {when}, with {words.count(record.numerator)} "
            f"patients in the {_cohort(record)}{_at(record, names)} still to clear."
            + _coverage(record, names)
        )
    return (
        f"To clear the {_cohort(record)}{_at(record, names)} by {when}, "
        f"{formatted(record)} patients a week need to be treated: "
        f"{words.count(record.numerator)} over the {words.count(record.denominator)} whole "
        "weeks left." + _coverage(record, names)
    )


@register(WEEKS_TO_CLEAR)
def weeks_to_clear(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "At the 6 week average clearance rate the cohort would be cleared in 16.1 weeks, with
    22 weeks left: on track." """
    d = record.detail
    whose = "our" if record.scope == SYSTEM else f"{names.get(record.scope, record.scope)}'s"
    left = f", with {words.count(d['weeks_left'])} weeks left" if "weeks_left" in d else ""
    verdict = ": on track" if d.get("on_track") else ": not on track"
    if record.value is None:
        within = (
            f"in the {words.count(d['weeks_left'])} weeks left"
            if "weeks_left" in d
            else "by the target date"
        )
        return (
            f"At {whose} {RATE_WEEKS} week average clearance rate the {_cohort(record)} is "
            f"not falling, so it would not be cleared {within}{verdict}." + _coverage(record, names)
        )
    return (
        f"At {whose} {RATE_WEEKS} week average clearance rate the {_cohort(record)} would "
        f"be cleared in {formatted(record)} weeks{left}{verdict}." + _coverage(record, names)
    )


@register(CLEARED)
def cleared_since(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "Since 7 May 2023 we have reduced the 65-week wait cohort by nearly 64,000 people
    (63,597), from 94,720 to 31,123." An approximate phrase only where it is true."""
    d = record.detail
    since = f"Since {_day(d['start'])}" if "start" in d else "Since the start of the year"
    span = ""
    if "cohort_at_start" in d:
        at_start = d["cohort_at_start"]
        span = f", from {words.count(at_start)} to {words.count(at_start - record.value)}"
    who = "we have" if record.scope == SYSTEM else f"{names.get(record.scope, record.scope)} has"
    exact = formatted(record)
    if record.value is None:
        return ""
    if record.value > 0:
        rounded = words.approximately(int(record.value))
        amount = f"{exact} people" if rounded == exact else f"{rounded} people ({exact})"
        text = f"{since} {who} reduced the {_cohort(record)} by {amount}{span}."
    elif record.value == 0:
        text = f"{since} the {_cohort(record)}{_at(record, names)} is unchanged ({exact} cleared)."
    else:
        text = (
            f"{since} the {_cohort(record)}{_at(record, names)} has grown by "
            f"{words.count(-record.value)} ({exact} cleared){span}."
        )
    return text + _coverage(record, names)


@register(AT_START)
def at_start(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    if (CLEARED, record.scope) in found and _quotable(record):
        return ""  # quoted as "from ..." in the cleared-since sentence
    return (
        f"There were {formatted(record)} patients in the {_cohort(record)}"
        f"{_at(record, names)} at {_day(record.detail['as_of'])}." + _coverage(record, names)
    )


def _compared(record: Headline) -> str:
    """ ", compared with 550,049 at 24 September 2023" (the previous month's figure)."""
    previous = record.comparators.get("previous_period")
    if not previous or previous.get("value") is None:
        return ""
    earlier = formatted(Headline(**{**record.__dict__, "value": previous["value"]}))
    when = (
        _day(previous["as_of"])
        if previous.get("as_of")
        else f"the end of {words.month_name(previous['period'])}"
    )
    return f", compared with {earlier} at {when}"


def _snapshot(record: Headline) -> str:
    as_of = record.detail.get("as_of")
    return _day(as_of) if as_of else f"the end of {words.month_name(record.period)}"


@register(TOTAL)
def waiting_list(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    whose = "the" if record.scope == SYSTEM else f"{names.get(record.scope, record.scope)}'s"
    return (
        f"There were {formatted(record)} patients on {whose} waiting list at "
        f"{_snapshot(record)}{_compared(record)}." + _coverage(record, names)
    )


def _waits_over(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    return (
        f"{formatted(record)} patients{_at(record, names)} had waited more than "
        f"{OVER[record.id]} weeks at {_snapshot(record)}{_compared(record)}."
        + _coverage(record, names)
    )


for _id in OVER:
    register(_id)(_waits_over)


@register(WITHIN_18W)
def within_18w(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    text = (
        f"{formatted(record)} of patients on the waiting list{_at(record, names)} had waited "
        f"under 18 weeks at {_snapshot(record)} ({words.count(record.numerator)} of "
        f"{words.count(record.denominator)}){_compared(record)}"
    )
    target = record.comparators.get("target")
    if target and target.get("value") is not None:
        text += f", against the {target['value']:g}% standard"
    return text + "." + _coverage(record, names)

"""The sentence each figure is quoted in (METRICS.md), written from the records themselves.

Every number in a sentence is read from a record of the same month, formatted by
:mod:`pipeline.metrics.words`, so the sentence and the figures beside it cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from pipeline.metrics import words
from pipeline.metrics.catalogue import figure
from pipeline.metrics.formats import display
from pipeline.metrics.inputs import SYSTEM
from pipeline.metrics.record import Headline

Lookup = dict[tuple[str, str], Headline]


def formatted(record: Headline) -> str:
    if record.unit == "percent":
        return words.percent(record.value)
    if record.unit == "gbp_thousands":
        return words.money_thousands(record.value)
    if record.unit == "rank":
        return f"{words.count(record.value)} of {words.count(record.denominator)}"
    # One rule per unit (pipeline.metrics.formats): patients a week are people, so whole.
    return display(record.value, record.unit)


def _coverage(record: Headline, names: dict[str, str]) -> str:
    cover = record.coverage
    if not cover or not cover["missing"]:
        return ""
    missing = ", ".join(f"{names.get(code, code)} ({code})" for code in cover["missing"])
    verb = "has" if len(cover["missing"]) == 1 else "have"
    return (
        f" Figures are for {cover['trusts_submitted']} of {cover['trusts_expected']} "
        f"trusts: {missing} {verb} not submitted for {words.month_name(record.period)}."
    )


def _basis(record: Headline, names: dict[str, str]) -> str:
    """What a sentence's figure rests on, named in the sentence: the system's figure from the
    trusts' returns is the CMAST trusts', not Cheshire and Merseyside's (NHS England counts more
    providers there); a published figure says it is NHS England's."""
    where = names.get(record.scope, record.scope)
    if record.source == "nhse":
        # Most published figures' labels already say so ("..., national publication (%)").
        named = "national publication" in figure(record.id).label
        return where if named else f"NHS England's publication, {where}"
    if record.scope == SYSTEM:
        return "the CMAST trusts' returns"
    return where


def _default(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    entry = figure(record.id)
    text = (
        f"{entry.label}, {_basis(record, names)}: {formatted(record)} in "
        f"{words.month_name(record.period)}."
    )
    previous = record.comparators.get("previous_period")
    if previous and previous["value"] is not None:
        prior = Headline(**{**record.__dict__, "value": previous["value"]})
        text += f" {words.month_name(previous['period'])}: {formatted(prior)}."
    return text


def _four_hour(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """The UEC lead, on one basis throughout (METRICS.md): NHS England's published figure for
    the ICB when that month's publication is loaded, with its previous month and its region
    from the same publication, then the trusts' own returns labelled beside it; the trusts'
    returns otherwise, labelled, and then no regional comparison (the region's figure is
    NHS England's, a different basis)."""
    month = words.month_name(record.period).split()[0]
    if record.value is None:  # a trust with no A&E department (RBQ, REN, RET)
        return (
            f"{names.get(record.scope, record.scope)} reported no A&E attendances in "
            f"{words.month_name(record.period)}."
        )
    published = found.get(("benchmark.uec.four_hour_pct", record.scope))
    lead = published if published is not None and published.value is not None else record
    own = _returns_basis(record, names)
    record.detail["sentence_basis"] = lead.source
    if lead is not record:
        record.detail["sentence_figure"] = lead.id  # for the checks: whose previous it quotes
    text = f"{month} performance was {words.percent(lead.value)}"
    previous = lead.comparators.get("previous_period")
    if previous and previous["value"] is not None:
        prior_month = words.month_name(previous["period"]).split()[0]
        text += f" compared to {prior_month} {words.percent(previous['value'])}"
    where = names.get(record.scope, record.scope)
    text += (
        f" (NHS England's published figure for {where} ICB)" if lead is published else f" ({own})"
    )
    target = record.comparators.get("target")
    if target:
        deadline = pd.Timestamp(target["deadline"])
        when = "a year-end target" if deadline.month == 3 else f"a target for {deadline:%B %Y}"
        text += f", against {when} of {target['value']:g}%"
    text += "."
    region = lead.comparators.get("region") if lead is published else None
    if region and region["value"] is not None:
        better = "better" if lead.value > region["value"] else "worse"
        name = names.get(region["scope"], region["scope"])
        text += f" Performing {better} than the {name} ({words.percent(region['value'])})."
    if lead is published:
        text += f" {own[0].upper()}{own[1:]} give {words.percent(record.value)}."
    else:
        text += (
            " No NHS England publication for the month is loaded, so there is no "
            "regional comparison."
        )
    return text + _coverage(record, names)


def _returns_basis(record: Headline, names: dict[str, str]) -> str:
    if record.coverage:
        return f"the {record.coverage['trusts_submitted']} CMAST trusts' own returns"
    if record.scope in names and record.scope != "QYG":
        return f"{names[record.scope]}'s own return"
    return "the CMAST trusts' own returns"


SENTENCES: dict[str, Callable[[Headline, Lookup, dict[str, str]], str]] = {
    "uec.four_hour_pct": _four_hour,
}


def register(id_: str):
    """Decorator for a section module to add the sentence of one of its figures."""

    def add(function):
        SENTENCES[id_] = function
        return function

    return add


def write_sentences(records: list[Headline], inputs) -> None:
    found = {(r.id, r.scope): r for r in records}
    for record in records:
        writer = SENTENCES.get(record.id, _default)
        text = writer(record, found, inputs.names)
        if writer is _default:
            text += _coverage(record, inputs.names)
        record.text = text

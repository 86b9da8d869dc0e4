"""Theatres: the utilisation sentence (METRICS.md), quoting uncapped and capped utilisation
together, with the target the plans file sets and the measure it names."""

from __future__ import annotations

from pipeline.metrics import words
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import SYSTEM, Lookup
from pipeline.metrics.sentences import _coverage, _default, register

CAPPED = "theatres.utilisation.capped_pct"
UNCAPPED = "theatres.utilisation.uncapped_pct"


def _target(*records: Headline | None) -> tuple[dict, str] | None:
    """The target either measure carries (from the plans file), with the measure it applies to:
    the target row's parameter, or else the measure whose figure it is filed under."""
    for record in records:
        if record is None:
            continue
        target = record.comparators.get("target")
        if target and target.get("value") is not None:
            measure = target.get("parameter") or ("capped" if record.id == CAPPED else "uncapped")
            return target, measure
    return None


@register(UNCAPPED)
def utilisation(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    """ "We reported 82.1% uncapped and 78.4% capped utilisation in October 2023, against the
    85% capped target." """
    capped = found.get((CAPPED, record.scope))
    subject = "We" if record.scope == SYSTEM else names.get(record.scope, record.scope)
    text = f"{subject} reported {words.percent(record.value)} uncapped"
    if capped is not None:
        text += f" and {words.percent(capped.value)} capped"
    text += f" utilisation in {words.month_name(record.period)}"
    chosen = _target(capped, record)
    if chosen:
        target, measure = chosen
        text += f", against the {target['value']:g}% {measure} target"
    return text + "." + _coverage(record, names)


@register(CAPPED)
def capped_utilisation(record: Headline, found: Lookup, names: dict[str, str]) -> str:
    # Quoted in the uncapped figure's sentence; a sentence of its own would say it twice.
    if (UNCAPPED, record.scope) in found:
        return ""
    return _default(record, found, names) + _coverage(record, names)

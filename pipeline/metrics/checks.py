"""Consistency checks run before any briefing is written: a board must never read a
contradiction. Each check returns the problems it finds; any problem stops the briefing."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pipeline.errors import CmastError
from pipeline.metrics import words
from pipeline.metrics.catalogue import PARTS, figure
from pipeline.metrics.inputs import SYSTEM, Inputs
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.base import quoted_forms
from pipeline.metrics.sentences import formatted

#: Money in £ thousands has decimals: sums may differ in the last binary digit.
TOLERANCE = 1e-6


class ConsistencyError(CmastError):
    label = "Briefing not written"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "The briefing was not written, because these figures disagree:\n"
            + "\n".join(f"- {p}" for p in problems)
        )


def percentages_agree_with_counts(records: list[Headline]) -> list[str]:
    problems = []
    for r in records:
        if r.unit == "percent" and r.numerator is not None and r.denominator:
            recomputed = 100 * r.numerator / r.denominator
            if r.value is None or abs(recomputed - r.value) > 1e-6:
                problems.append(
                    f"{r.id} ({r.scope}) is {r.value}% but its counts give "
                    f"{r.numerator:,} / {r.denominator:,} = {recomputed:.4f}%"
                )
    return problems


def parts_add_to_whole(records: list[Headline], inputs: Inputs) -> list[str]:
    problems = []
    by_key = {(r.id, r.scope): r for r in records}
    for whole_id, part_ids in PARTS:
        whole = by_key.get((whole_id, SYSTEM))
        parts = [part for p in part_ids if (part := by_key.get((p, SYSTEM))) is not None]
        if whole is None or whole.value is None or len(parts) < len(part_ids):
            continue
        added = sum(p.value or 0 for p in parts)
        if abs(whole.value - added) > TOLERANCE:
            problems.append(f"{whole_id} is {whole.value:,} but its parts add to {added:,}")
    values = inputs.values
    for r in records:
        if (
            r.scope != SYSTEM
            or r.source != "trust_returns"
            # The catalogue says which figures add up across trusts: not the finance system
            # figures (the ICB's own return is added to the providers') nor the programme
            # figures the ICB returns for the system (a trust's own rows add detail).
            or not figure(r.id).adds_up
        ):
            continue
        trusts = values[
            (values["id"] == r.id) & (values["period"] == r.period) & (values["scope"] != SYSTEM)
        ]
        if trusts.empty or r.value is None:
            continue
        total = trusts["value"].sum()
        if abs(total - r.value) > TOLERANCE:
            problems.append(
                f"{r.id}: the system figure {r.value:,} is not the sum of the "
                f"trusts' figures ({total:,})"
            )
    return problems


def sentences_quote_their_figures(records: list[Headline]) -> list[str]:
    # A negative figure may be quoted with its sign in words ("a deficit of £12.3m",
    # "2.0% below plan"), as briefings write it.
    return [
        f"{r.id} ({r.scope}): the sentence does not quote the figure {formatted(r)}: {r.text!r}"
        for r in records
        if r.text and r.value is not None and not any(form in r.text for form in quoted_forms(r))
    ]


def inputs_are_current(records: list[Headline], inputs: Inputs) -> list[str]:
    current = set(inputs.submissions["submission_id"])
    problems = []
    for r in records:
        stale = [p["submission_id"] for p in r.provenance if p["submission_id"] not in current]
        if stale:
            problems.append(f"{r.id} ({r.scope}) rests on submissions no longer current: {stale}")
        if r.source == "trust_returns" and not r.provenance and r.value is not None:
            problems.append(f"{r.id} ({r.scope}) has a value but no submission behind it")
    return problems


BASES = {"trust_returns": "the trusts' returns", "nhse": "NHS England's publication"}


def comparisons_on_one_basis(records: list[Headline]) -> list[str]:
    """A figure is compared (better or worse than the region, England, last month) only with
    figures on its own basis: never a trust-return figure with a published one."""
    problems = []
    for r in records:
        for name, comparator in r.comparators.items():
            source = comparator.get("source") if isinstance(comparator, dict) else None
            # A comparator's "source" may name a return (a finance plan from the finance
            # returns): only the two bases can disagree.
            if source in BASES and source != r.source:
                problems.append(
                    f"{r.id} ({r.scope}), from {BASES.get(r.source, r.source)}, is compared "
                    f"with its {name} figure from {BASES.get(source, source)}: a comparison "
                    "needs both figures on one basis"
                )
    return problems


def one_value_per_measure(records: list[Headline]) -> list[str]:
    """One measure, scope and month has one value, or two clearly labelled ones: a record
    twice, or a measure and its counterpart on the other basis under one label or one basis,
    would put two numbers for one thing in front of a board."""
    problems = []
    seen = Counter((r.id, r.scope, r.period) for r in records)
    problems += [
        f"{id_} ({scope}, {period}) has {n} values"
        for (id_, scope, period), n in sorted(seen.items())
        if n > 1
    ]
    by_key = {(r.id, r.scope, r.period): r for r in records}
    for r in records:
        other_id = figure(r.id).counterpart
        other = by_key.get((other_id, r.scope, r.period)) if other_id else None
        if other_id is None or other is None:
            continue
        if figure(other_id).label == figure(r.id).label:
            problems.append(
                f"{r.id} and {other_id} ({r.scope}) are one measure on two bases "
                f"under one label, {figure(r.id).label!r}"
            )
        if other.source == r.source:
            problems.append(
                f"{r.id} and {other_id} ({r.scope}) are one measure with two values "
                f"on one basis ({BASES.get(r.source, r.source)})"
            )
    return problems


def previous_values_agree(records: list[Headline]) -> list[str]:
    """ "This time last month" and "compared to September" quote the record's own previous
    value, the one the tables and the workbook show beside it."""
    problems = []
    by_key: dict[tuple[str | None, str, str], Headline] = {
        (r.id, r.scope, r.period): r for r in records
    }
    for r in records:
        # A sentence that leads with another record's figure (the UEC lead quotes NHS
        # England's published figure for the ICB when the month is published, labelled as
        # such) quotes that record's previous value: its own basis throughout.
        lead = by_key.get((r.detail.get("sentence_figure"), r.scope, r.period), r)
        previous = lead.comparators.get("previous_period")
        if not r.text or not previous or previous.get("value") is None:
            continue
        month = words.month_name(previous["period"]).split()[0]
        if "this time last month" not in r.text.lower() and f"compared to {month}" not in r.text:
            continue
        quoted = formatted(replace(lead, value=previous["value"]))
        if quoted not in r.text:
            problems.append(
                f"{r.id} ({r.scope}): the sentence's previous value is not the "
                f"record's ({quoted}, {previous.get('as_of') or previous['period']}):"
                f" {r.text!r}"
            )
    return problems


def check(records: list[Headline], inputs: Inputs) -> None:
    """Raise :class:`ConsistencyError` listing every disagreement found."""
    problems = (
        percentages_agree_with_counts(records)
        + parts_add_to_whole(records, inputs)
        + sentences_quote_their_figures(records)
        + inputs_are_current(records, inputs)
        + comparisons_on_one_basis(records)
        + one_value_per_measure(records)
        + previous_values_agree(records)
    )
    if problems:
        raise ConsistencyError(problems)

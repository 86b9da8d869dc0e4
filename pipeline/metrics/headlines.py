"""Assembling headline records for a month: value, comparators, coverage, provenance, sentence.

Values come from ``marts.headline_values`` (built in SQL); this module only looks things up
around them, so a figure in a sentence is always the figure in the record.
"""

from __future__ import annotations

import pandas as pd

from pipeline.metrics.catalogue import FIGURES, LEADS, SECTIONS, figure
from pipeline.metrics.inputs import (
    ENGLAND,
    REGION,
    SYSTEM,
    Inputs,
    load_inputs,
    monthly_series,
    periods,
    provenance,
    series,
)
from pipeline.metrics.record import Headline
from pipeline.metrics.sections import complete
from pipeline.metrics.sentences import write_sentences
from pipeline.metrics.suppression import published_value
from pipeline.national import reconcile


def build_headlines(inputs: Inputs, period: str, scope: str | None = None) -> list[Headline]:
    """The records for ``period``: the system's (with its region and England for benchmarks)
    by default, or one scope's."""
    values = inputs.values
    rows = values[values["period"] == period]
    if scope is None:
        wanted = (rows["scope"] == SYSTEM) | (
            rows["id"].str.startswith("benchmark.") & rows["scope"].isin([REGION, ENGLAND])
        )
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


def as_json(record: Headline) -> dict:
    """A record as ``cmast headlines --json`` gives it: every field, with the figure's ``label``
    from the catalogue after its id and, after its exact value, ``shown``: the value as the
    board pack prints it, the one to quote."""
    out: dict = {}
    for key, value in record.to_dict().items():
        out[key] = value
        if key == "id":
            out["label"] = figure(record.id).label
        elif key == "value":
            out["shown"] = published_value(record)
    return out


def reading_order(record: Headline) -> tuple:
    """Sections in METRICS.md order; in each, its lead figure, then the catalogue's order (the
    order METRICS.md lists them), national benchmarks last; the system before other scopes."""
    order = list(FIGURES)
    return (
        list(SECTIONS).index(record.section) if record.section in SECTIONS else 99,
        record.id not in LEADS,
        record.id.startswith("benchmark."),
        order.index(record.id) if record.id in FIGURES else len(order),
        record.id,
        record.scope != SYSTEM,
        record.scope,
    )


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
    result = analyse(
        history.astype(float),
        improvement=figure(record.id).improvement,
        target=target if isinstance(target, (int, float)) else None,
        unit=record.unit,
    )
    record.variation, record.assurance = result.variation, result.assurance


def _record(inputs: Inputs, row) -> Headline:
    entry = figure(row.id)
    record = Headline(
        id=row.id,
        period=row.period,
        scope=row.scope,
        value=_number(row.value),
        unit=row.unit,
        source=row.source,
        section=entry.section,
        numerator=_int(row.numerator),
        denominator=_int(row.denominator),
        basis=entry.basis,
    )
    record.comparators = _comparators(inputs, row)
    record.provenance = provenance(inputs, row)
    if row.source == "trust_returns":
        record.reconciliation = reconcile.outcome(
            inputs.reconciliation, row.id, row.period, None if row.scope == SYSTEM else row.scope
        )
    if not pd.isna(row.trusts_expected) and row.scope == SYSTEM:
        missing = [m for m in (row.missing_trusts or "").split(",") if m]
        record.coverage = {
            "trusts_submitted": int(row.trusts_submitted),
            "trusts_expected": int(row.trusts_expected),
            "missing": missing,
        }
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
        comparators["previous_period"] = {
            "period": previous,
            "value": _number(before["value"].iloc[0]),
        }
    comparators.update(_plans(inputs, row))
    # The region and England are NHS England's figures: only a published figure is set
    # beside them (never the trusts' own returns, which are another basis).
    if figure(row.id).regional:
        national = values[(values["id"] == row.id) & (values["period"] == row.period)].set_index(
            "scope"
        )["value"]
        for key, code in (("region", REGION), ("england", ENGLAND)):
            if code in national.index and code != row.scope:
                comparators[key] = {
                    "scope": code,
                    "value": _number(national[code]),
                    "source": "nhse",
                }
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
        found["target"] = {
            "value": _number(chosen["value"]),
            "deadline": chosen["deadline"].date().isoformat(),
            "parameter": None if pd.isna(chosen["parameter"]) else chosen["parameter"],
        }
    return found


def _number(value) -> float | int | None:
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


__all__ = [
    "ENGLAND",
    "LEADS",
    "REGION",
    "SYSTEM",
    "Inputs",
    "as_json",
    "build_headlines",
    "load_inputs",
    "monthly_series",
    "periods",
    "reading_order",
    "series",
]

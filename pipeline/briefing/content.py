"""What a month's briefing says, assembled once and written three ways (Markdown, HTML, Excel).

Sections follow METRICS.md. Each holds its system records (with sentences), a table by trust of
its figures, and a trend chart per headline figure. Published outputs apply disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.briefing.charts import Chart, draw
from pipeline.config import Settings
from pipeline.metrics.catalogue import SECTIONS, figure
from pipeline.metrics.headlines import SYSTEM, Inputs
from pipeline.metrics.headlines import series as headline_series
from pipeline.metrics.record import Headline
from pipeline.metrics.sentences import formatted
from pipeline.metrics.suppression import SUPPRESSED, is_small
from pipeline.workers import run_all


@dataclass
class Section:
    key: str
    title: str
    records: list[Headline]
    by_trust: pd.DataFrame  # rows: trusts then the system; columns: figure labels
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Briefing:
    period: str
    records: list[Headline]
    sections: list[Section]
    #: The month's trust returns against NHS England's publication of them: a summary line and
    #: one line per figure beyond its tolerance (empty when no publication covers the month).
    reconciliation: list[str] = field(default_factory=list)


def assemble(inputs: Inputs, period: str, records: list[Headline], chart_folder: Path,
             settings: Settings) -> Briefing:
    sections, drawing = [], []
    for key, title in SECTIONS.items():
        mine = [r for r in records if r.section == key]
        if not mine:
            continue
        section = Section(key, title, mine, trust_table(inputs, period, key))
        for record in mine:
            if record.scope != SYSTEM or record.value is None:
                continue
            series = headline_series(inputs, record.id, record.scope, record.period)
            if len(series) < 2:
                continue
            target = (record.comparators.get("target") or {}).get("value")
            drawing.append((section, (series, record.id,
                                      f"{figure(record.id).label}, {_scope_name(inputs)}",
                                      chart_folder,
                                      target if isinstance(target, (int, float)) else None)))
        sections.append(section)
    # Drawing is most of a briefing's time, and each chart stands alone: shared out.
    charts = run_all(settings, draw, [call for _, call in drawing])
    for (section, _), chart in zip(drawing, charts, strict=True):
        section.charts.append(chart)
    return Briefing(period, records, sections, reconciliation_lines(inputs, period))


#: How the briefing names the reconciled measures and their breakdowns.
MEASURE_WORDS = {"ae.attendances": "A&E attendances", "ae.within_4h": "A&E within 4 hours",
                 "dm01.waiting": "DM01 waiting list", "dm01.waiting_6w_plus": "DM01 waiting 6+ "
                 "weeks", "dm01.activity": "DM01 tests done", "rtt.waiting_list": "RTT waiting "
                 "list", "rtt.over_52w": "RTT over 52 weeks", "rtt.over_65w": "RTT over 65 weeks",
                 "rtt.over_78w": "RTT over 78 weeks", "rtt.over_104w": "RTT over 104 weeks"}


def reconciliation_lines(inputs: Inputs, period: str) -> list[str]:
    """What the comparison of the month's returns with NHS England's publication found."""
    from pipeline.metrics import words
    from pipeline.national.reconcile import differences

    rows = inputs.reconciliation
    if rows.empty:
        return []
    rows = rows[rows["period"] == period]
    compared = rows[rows["status"] != "not_compared"]
    if compared.empty:
        return []
    beyond = differences(compared)
    within = int((compared["status"] == "within_tolerance").sum())
    lines = [f"{len(compared):,} figures of {compared['org_code'].nunique()} trusts compared "
             f"with NHS England's publication for {words.month_name(period)}: "
             f"{int((compared['status'] == 'agrees').sum()):,} agree, {within:,} within "
             f"tolerance, {len(beyond):,} beyond it. 12-hour waits are not compared (from "
             "arrival in the returns, from the decision to admit in the publication)."]
    for r in beyond.itertuples(index=False):
        name = inputs.names.get(r.org_code, r.org_code)
        relative = ("" if pd.isna(r.relative_difference_pct)
                    else f", {r.relative_difference_pct:+.1f}% against a tolerance of "
                    f"{r.tolerance_pct:g}%")
        part = {"type1": "type 1", "type2": "type 2", "type3": "type 3",
                "booked": "booked appointments"}.get(r.breakdown, r.breakdown)
        lines.append(f"{name} ({r.org_code}), {MEASURE_WORDS.get(r.measure, r.measure)}, "
                     f"{part}: the trust's return gives {int(r.return_value):,}, NHS "
                     f"England published {int(r.published_value):,} ({int(r.difference):+,}"
                     f"{relative}).")
    return lines


def _scope_name(inputs: Inputs) -> str:
    return inputs.names.get(SYSTEM, SYSTEM)


def trust_table(inputs: Inputs, period: str, section: str) -> pd.DataFrame:
    """The section's figures by trust for the month, as published (small numbers as ``*``)."""
    values = inputs.values
    rows = values[(values["period"] == period) & (values["source"] == "trust_returns")]
    rows = rows[rows["id"].map(lambda i: figure(i).section == section)]
    if rows.empty:
        return pd.DataFrame()
    rows = rows.assign(shown=[_published(r) for r in rows.itertuples(index=False)])
    table = rows.pivot_table(index="scope", columns="id", values="shown", aggfunc="first")
    table.columns = [figure(c).label for c in table.columns]
    order = sorted(i for i in table.index if i != SYSTEM) + ([SYSTEM] if SYSTEM in table.index
                                                            else [])
    table = table.loc[order]
    table.index = [f"{inputs.names.get(code, code)} ({code})" for code in table.index]
    table.index.name = "Trust"
    return table


def _published(row) -> object:
    entry = figure(row.id)
    if entry.patient_count and (is_small(row.numerator) or is_small(row.denominator)
                                or (row.unit == "count" and is_small(row.value))):
        return SUPPRESSED
    return row.value


def shown(record: Headline) -> str:
    return SUPPRESSED if is_small(record.patients) else formatted(record)

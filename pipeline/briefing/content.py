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
    return Briefing(period, records, sections)


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

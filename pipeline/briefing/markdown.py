"""The briefing as Markdown: sentences to paste, tables by trust, charts beside the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.briefing.content import Briefing, shown
from pipeline.metrics import words
from pipeline.metrics.catalogue import figure
from pipeline.metrics.suppression import published_text
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS


def _cell(value: object) -> str:
    if isinstance(value, float) and not pd.isna(value):
        return f"{value:,.1f}" if not value.is_integer() else f"{value:,.0f}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def table(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return []
    header = [frame.index.name or "", *frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, row in frame.iterrows():
        lines.append("| " + " | ".join([str(label), *(_cell(v) for v in row)]) + " |")
    return lines


def write_markdown(briefing: Briefing, path: Path) -> Path:
    lines = [f"# CMAST performance briefing: {words.month_name(briefing.period)}", "",
             "Figures from the trusts' returns and NHS England's publications. Figures resting "
             "on 1 to 7 patients are shown as `*`.", ""]
    for section in briefing.sections:
        lines += [f"## {section.title}", ""]
        lines += [f"- {published_text(r)}" for r in section.records if r.text]
        lines += ["", "| Figure | Scope | Value | SPC variation | Assurance |",
                  "|---|---|---|---|---|"]
        for r in section.records:
            lines.append(f"| {figure(r.id).label} (`{r.id}`) | {r.scope} | {shown(r)} | "
                         f"{VARIATION_LABELS.get(r.variation, '')} | "
                         f"{ASSURANCE_LABELS.get(r.assurance, '')} |")
        if not section.by_trust.empty:
            lines += ["", f"### {section.title} by trust", "", *table(section.by_trust)]
        for chart in section.charts:
            lines += ["", f"![{figure(chart.id).label}](charts/{chart.png.name})"]
        lines.append("")
    if briefing.reconciliation:
        summary, *differing = briefing.reconciliation
        lines += ["## Returns against NHS England's publication", "", summary, ""]
        lines += [f"- {line}" for line in differing]
        lines.append("")
    path.write_text("\n".join(lines) + "\n")
    return path

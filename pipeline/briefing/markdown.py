"""The board pack as Markdown, for pasting: the cover facts, the summary, each section's
sentences and board figures, the appendix tables; charts beside the file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.briefing.content import Briefing
from pipeline.metrics import words
from pipeline.metrics.catalogue import LEADS
from pipeline.metrics.suppression import SMALLEST_SHOWN, SUPPRESSED, published_text


def table(frame: pd.DataFrame) -> list[str]:
    if frame is None or frame.empty:
        return []
    header = [frame.index.name or "", *frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, row in frame.iterrows():
        cells = ["" if not isinstance(v, str) and pd.isna(v) else str(v) for v in row]
        lines.append("| " + " | ".join([str(label), *cells]) + " |")
    return lines


def write_markdown(briefing: Briefing, path: Path) -> Path:
    c = briefing.cover
    lines = [
        f"# {c.title}: {c.month}",
        "",
        f"- Data cut-off: returns received up to {c.cut_off}",
        f"- Published: {c.published}",
        f"- Author: {c.author}",
        f"- Contact: {c.contact}",
        f"- Report reference: {c.reference}",
        "",
        f"Figures rest on the CMAST trusts' own returns unless they say they are NHS "
        f"England's publication. Figures resting on 1 to {SMALLEST_SHOWN - 1} patients, "
        f"and any cell that would give one away, are shown as `{SUPPRESSED}`.",
        "",
        "## Coverage",
        "",
        *table(c.coverage),
        "",
        "## Summary of board figures",
        "",
        "| Figure | Value | Rests on | Compared with | Target | Variation | Assurance |",
        "|---|---|---|---|---|---|---|",
    ]
    for panel in briefing.panels:
        lines.append(
            f"| [{panel.label}](#{panel.anchor}) | {panel.value} | {panel.basis} | "
            f"{panel.comparison} | {panel.target} | {panel.variation} | "
            f"{panel.assurance} |"
        )
    lines.append("")
    for section in briefing.sections:
        lines += [f"## {section.title}", ""]
        lines += [
            f"- {published_text(r)}"
            for r in section.records
            if r.id in LEADS and r.scope == "QYG" and r.text
        ]
        lines.append("")
        for panel in section.panels:
            lines += [
                f'### <a id="{panel.anchor}"></a>{panel.label}: {panel.value}',
                "",
                f"{words.month_name(panel.record.period)}, {panel.basis}. Compared with "
                f"{panel.comparison}."
                f" {panel.target}. Variation: {panel.variation}. Assurance: "
                f"{panel.assurance}."
                + (f" Other basis: {panel.counterpart}." if panel.counterpart else ""),
                "",
            ]
            if panel.narrative and panel.record.id not in LEADS:
                lines += [panel.narrative, ""]
            lines += [f"Data quality: {panel.quality.summary()}", ""]
            if panel.chart is not None:
                lines += [f"![{panel.label}](charts/{panel.chart.png.name})", ""]
    if briefing.reconciliation:
        summary, *differing = briefing.reconciliation
        lines += ["## Returns against NHS England's publication", "", summary, ""]
        lines += [f"- {line}" for line in differing]
        lines.append("")
    lines += ["## Appendix: detail figures", ""]
    for section in briefing.sections:
        board = {p.record.id for p in section.panels}
        detail = [
            published_text(r)
            for r in section.records
            if r.text and r.id not in board and r.id not in LEADS
        ]
        if detail:
            lines += [f"### {section.title}", "", *[f"- {t}" for t in detail], ""]
        if section.table is not None:
            lines += [f"#### {section.title} by trust", "", *table(section.table.text()), ""]
    path.write_text("\n".join(lines) + "\n")
    return path

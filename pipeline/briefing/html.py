"""The briefing as one self-contained HTML page: styles, charts and icons are inline, so the
file can be emailed or opened offline, and nothing is fetched from anywhere."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from pipeline.briefing.content import Briefing, shown
from pipeline.metrics import words
from pipeline.metrics.catalogue import figure
from pipeline.metrics.suppression import published_text
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS, save_icon

STYLE = """
body { font-family: Arial, Helvetica, sans-serif; color: #212b32; margin: 0 auto;
       max-width: 1100px; padding: 24px; line-height: 1.45; }
h1 { color: #005eb8; border-bottom: 4px solid #005eb8; padding-bottom: 8px; }
h2 { color: #005eb8; margin-top: 40px; }
table { border-collapse: collapse; margin: 12px 0 20px; font-size: 14px; }
th, td { border: 1px solid #d8dde0; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #005eb8; color: #fff; }
tr.system td { font-weight: bold; background: #f0f4f5; }
.sentences li { margin-bottom: 6px; }
.chart { margin: 8px 0 24px; }
.chart svg { width: 100%; height: auto; }
.icon svg { width: 34px; height: 34px; vertical-align: middle; }
.note { color: #4c6272; font-size: 13px; }
"""


def _svg(path: Path) -> str:
    text = path.read_text()
    return re.sub(r"^.*?(<svg)", r"\1", text, flags=re.S)  # drop the XML prolog and doctype


def _icon(code: str | None, folder: Path) -> str:
    if not code:
        return ""
    drawing = _svg(save_icon(code, folder / f"{code}.svg"))
    return f'<span class="icon" title="{html.escape(code)}">{drawing}</span>'


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return ""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in [frame.index.name, *frame.columns])
    body = []
    for label, row in frame.iterrows():
        css = ' class="system"' if str(label).endswith("(QYG)") else ""
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr{css}><td>{html.escape(str(label))}</td>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(value: object) -> str:
    if isinstance(value, float) and not pd.isna(value):
        return f"{value:,.1f}" if not value.is_integer() else f"{value:,.0f}"
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def write_html(briefing: Briefing, path: Path, icon_folder: Path) -> Path:
    month = words.month_name(briefing.period)
    parts = [f"<h1>CMAST performance briefing: {month}</h1>",
             '<p class="note">Figures from the trusts\' returns and NHS England\'s publications. '
             "Figures resting on 1 to 7 patients are shown as *.</p>",
             "<h2>Summary of SPC icons</h2>", _icon_table(briefing, icon_folder)]
    for section in briefing.sections:
        parts.append(f'<section id="{section.key}"><h2>{html.escape(section.title)}</h2>')
        parts.append('<ul class="sentences">' + "".join(
            f"<li>{html.escape(published_text(r))}</li>" for r in section.records if r.text)
            + "</ul>")
        if not section.by_trust.empty:
            parts.append(f"<h3>{html.escape(section.title)} by trust</h3>")
            parts.append(_table(section.by_trust))
        for chart in section.charts:
            parts.append(f'<div class="chart" data-figure="{chart.id}">{_svg(chart.svg)}</div>')
        parts.append("</section>")
    if briefing.reconciliation:
        summary, *differing = briefing.reconciliation
        parts.append('<section id="reconciliation"><h2>Returns against NHS England\'s '
                     f"publication</h2><p>{html.escape(summary)}</p>")
        parts.append('<ul class="sentences">' + "".join(
            f"<li>{html.escape(line)}</li>" for line in differing) + "</ul></section>")
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>CMAST briefing {briefing.period}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>")
    path.write_text(page)
    return path


def _icon_table(briefing: Briefing, icon_folder: Path) -> str:
    rows = []
    for section in briefing.sections:
        for chart in section.charts:
            record = next(r for r in section.records if r.id == chart.id and r.scope == "QYG")
            rows.append(
                f"<tr><td>{html.escape(figure(record.id).label)}</td>"
                f"<td>{html.escape(shown(record))}</td>"
                f"<td>{_icon(record.variation, icon_folder)} "
                f"{html.escape(VARIATION_LABELS.get(record.variation, 'too few points'))}</td>"
                f"<td>{_icon(record.assurance, icon_folder)} "
                f"{html.escape(ASSURANCE_LABELS.get(record.assurance, 'no target'))}</td></tr>")
    return ("<table><thead><tr><th>Figure</th><th>Latest</th><th>Variation</th>"
            "<th>Assurance</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")

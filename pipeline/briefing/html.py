"""The board pack as one self-contained HTML page, laid out as A4 landscape pages with a print
stylesheet (the PDF is this page printed). Styles, charts and icons are inline, so the file can
be emailed or opened offline, and nothing is fetched from anywhere."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from pipeline.briefing.content import BASES, Briefing, Panel, Section
from pipeline.metrics import words
from pipeline.metrics.catalogue import LEADS, figure
from pipeline.metrics.formats import display
from pipeline.metrics.suppression import (
    SMALLEST_SHOWN,
    SUPPRESSED,
    is_small,
    published_text,
    published_value,
)
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS, save_icon

STYLE = """
@page { size: A4 landscape; margin: 9mm 11mm; }
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; color: #212b32; margin: 0; background: #e8edee;
       font-size: 10.5pt; line-height: 1.35; }
.page { background: #fff; width: 297mm; min-height: 210mm; margin: 10px auto; padding: 9mm 11mm;
        box-shadow: 0 1px 4px rgba(0,0,0,.2); }
h1 { color: #005eb8; font-size: 24pt; margin: 0 0 4mm; }
h2 { color: #005eb8; font-size: 16pt; margin: 0 0 3mm; border-bottom: 2px solid #005eb8;
     padding-bottom: 1.5mm; }
h3 { color: #003087; font-size: 12pt; margin: 3mm 0 2mm; }
a { color: #005eb8; }
table { border-collapse: collapse; font-size: 8.5pt; margin: 1mm 0 3mm; }
th, td { border: 1px solid #d8dde0; padding: 1.2mm 2mm; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #005eb8; color: #fff; font-weight: bold; }
tr.system td { font-weight: bold; background: #f0f4f5; }
td.text, th.text { text-align: left; }
.meta td:first-child { font-weight: bold; width: 45mm; }
.meta { font-size: 10pt; }
.note { color: #4c6272; font-size: 8.5pt; }
.opening { font-size: 11pt; margin: 0 0 3mm; padding-left: 5mm; }
.opening li { margin-bottom: 1.5mm; }
.panel { display: flex; gap: 5mm; border: 1px solid #d8dde0; border-left: 5px solid #005eb8;
         padding: 2mm 3mm; margin: 0 0 3mm; break-inside: avoid; page-break-inside: avoid;
         min-height: 59mm; }
.panel .chart { flex: 0 0 122mm; }
.panel .chart svg { width: 122mm; height: auto; }
.panel .facts { flex: 1; font-size: 9pt; }
.panel .facts h3 { margin-top: 0; }
.panel .value { font-size: 20pt; font-weight: bold; color: #003087; }
.panel .basis { color: #4c6272; font-size: 8.5pt; margin-bottom: 2mm; }
.panel dl { margin: 0; display: grid; grid-template-columns: 27mm 1fr; gap: 0.8mm 2mm; }
.panel dt { font-weight: bold; color: #425563; }
.panel dd { margin: 0; }
.panel .narrative { margin-top: 2mm; font-size: 9pt; }
.icons svg { width: 11mm; height: 11mm; vertical-align: middle; }
.matrix { width: 100%; table-layout: fixed; font-size: 9pt; }
.matrix th { background: #f0f4f5; color: #212b32; text-align: center; vertical-align: middle; }
.matrix thead th { background: #005eb8; color: #fff; }
.matrix td { text-align: left; height: 24mm; }
.matrix td a { display: block; margin-bottom: 1mm; }
.matrix .icon svg { width: 12mm; height: 12mm; display: block; margin: 0 auto 1mm; }
.quality { font-size: 8.5pt; }
.quality .ok { color: #007f3b; } .quality .no { color: #d5281b; } .quality .na { color: #768692; }
.keep { break-inside: avoid; page-break-inside: avoid; }
table.compact { font-size: 7.5pt; line-height: 1.15; }
table.compact th, table.compact td { padding: 0.4mm 1.5mm; }
table.compact + h3, .keep + .keep h3 { margin-top: 2mm; }
h3 { break-after: avoid; page-break-after: avoid; }
.section-break { break-before: page; page-break-before: always; }
@media print {
  body { background: #fff; }
  .page { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none;
          break-after: page; page-break-after: always; }
  .page:last-child { break-after: auto; page-break-after: auto; }
}
"""

#: The summary matrix: variation icons across, assurance icons down (Making Data Count).
VARIATION_COLUMNS = [
    ("concern", "Special cause concern", ("concern_high", "concern_low")),
    ("common", "Common cause", ("common_cause",)),
    ("improvement", "Special cause improvement", ("improvement_high", "improvement_low")),
    ("neither", "Special cause, neither better nor worse", ("neither_high", "neither_low")),
    ("none", "No SPC: too few points, or not a process measure", (None,)),
]
ASSURANCE_ROWS = [
    ("fail", "Consistently fails the target"),
    ("hit_and_miss", "Hit and miss"),
    ("pass", "Consistently passes the target"),
    (None, "No assurance: no target, or too few points"),
]


def _svg(path: Path) -> str:
    text = path.read_text()
    return re.sub(r"^.*?(<svg)", r"\1", text, flags=re.S)  # drop the XML prolog and doctype


def _icon(code: str | None, folder: Path) -> str:
    if not code:
        return ""
    drawing = _svg(save_icon(code, folder / f"{code}.svg"))
    return f'<span class="icon" title="{html.escape(code)}">{drawing}</span>'


def _e(text: object) -> str:
    return html.escape("" if text is None else str(text))


def write_html(briefing: Briefing, path: Path, icon_folder: Path) -> Path:
    pages = [_cover(briefing), _matrix(briefing, icon_folder)]
    for section in briefing.sections:
        pages.append(_section(section, icon_folder))
    pages += _appendix(briefing)
    page = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(briefing.cover.title)}, {_e(briefing.cover.month)}</title>"
        f"<style>{STYLE}</style></head><body>{''.join(pages)}</body></html>"
    )
    path.write_text(page)
    return path


def _cover(briefing: Briefing) -> str:
    c = briefing.cover
    meta = [
        ("Month", c.month),
        ("Data cut-off", f"Returns received up to {c.cut_off}"),
        ("Published", c.published),
        ("Author", c.author),
        ("Contact", c.contact),
        ("Report reference", c.reference),
        (
            "What the figures rest on",
            "The CMAST trusts' own returns, validated on receipt, "
            "unless a figure says it is NHS England's publication.",
        ),
    ]
    rows = "".join(f"<tr><td>{_e(k)}</td><td class='text'>{_e(v)}</td></tr>" for k, v in meta)
    return (
        f'<section class="page" id="cover"><h1>{_e(c.title)}</h1>'
        f"<h3>{_e(c.month)}: elective care, theatres, diagnostics, urgent and emergency "
        f"care and finance across the 12 CMAST trusts</h3>"
        f'<table class="meta"><tbody>{rows}</tbody></table>'
        f"<h3>Coverage: who submitted what for {_e(c.month)}</h3>"
        f"{_frame_table(c.coverage)}"
        f'<p class="note">Figures resting on 1 to {SMALLEST_SHOWN - 1} patients are shown '
        f"as {SUPPRESSED}, and so is the next smallest cell of a row or column wherever a "
        "total would otherwise give the hidden cell away. Internal outputs (the warehouse, "
        "JSON) keep exact values.</p></section>"
    )


def _matrix(briefing: Briefing, folder: Path) -> str:
    cells: dict[tuple, list[Panel]] = {}
    for panel in briefing.panels:
        column = next(key for key, _, codes in VARIATION_COLUMNS if panel.record.variation in codes)
        cells.setdefault((panel.record.assurance, column), []).append(panel)
    head = "".join(
        f"<th>{_icon(codes[0], folder) if codes[0] else ''}{_e(label)}</th>"
        for _, label, codes in VARIATION_COLUMNS
    )
    body = []
    for code, label in ASSURANCE_ROWS:
        row = [f"<th>{_icon(code, folder)}{_e(label)}</th>"]
        for key, _, _ in VARIATION_COLUMNS:
            links = "".join(
                f'<a href="#{p.anchor}" data-figure="{_e(p.record.id)}">'
                f"{_e(p.label)}: {_e(p.value)}</a>"
                for p in cells.get((code, key), [])
            )
            row.append(f"<td>{links}</td>")
        body.append("<tr>" + "".join(row) + "</tr>")
    return (
        f'<section class="page" id="summary"><h2>Summary: variation and assurance</h2>'
        f'<p class="note">Each board figure sits in the cell of its Making Data Count icons: '
        f"variation (is the latest point special cause?) across, assurance (will the target "
        f"be met?) down. Select a figure to go to its page.</p>"
        f'<table class="matrix"><thead><tr><th>Assurance \\ variation</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></section>"
    )


def _section(section: Section, folder: Path) -> str:
    opening = [
        published_text(r) for r in section.records if r.id in LEADS and r.scope == "QYG" and r.text
    ]
    if not opening:
        opening = [p.narrative for p in section.panels if p.narrative]
    parts = [
        f'<section class="page" id="{section.key}"><h2>{_e(section.title)}</h2>',
        '<ul class="opening">' + "".join(f"<li>{_e(t)}</li>" for t in opening) + "</ul>",
    ]
    for panel in section.panels:
        parts.append(_panel(panel, folder, repeat_narrative=panel.narrative not in opening))
    parts.append("</section>")
    return "".join(parts)


def _panel(panel: Panel, folder: Path, repeat_narrative: bool) -> str:
    chart = _svg(panel.chart.svg) if panel.chart is not None else ""
    icons = _icon(panel.record.variation, folder) + _icon(panel.record.assurance, folder)
    facts = [
        ("Compared with", panel.comparison),
        ("Target / plan", panel.target),
        ("Variation", panel.variation),
        ("Assurance", panel.assurance),
    ]
    if panel.counterpart:
        facts.insert(1, ("Other basis", panel.counterpart))
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    narrative = (
        f'<p class="narrative">{_e(panel.narrative)}</p>'
        if repeat_narrative and panel.narrative
        else ""
    )
    return (
        f'<div class="panel" id="{panel.anchor}" data-figure="{_e(panel.record.id)}">'
        f'<div class="chart">{chart}</div><div class="facts">'
        f"<h3>{_e(panel.label)}</h3>"
        f'<div><span class="value">{_e(panel.value)}</span> '
        f'<span class="icons">{icons}</span></div>'
        f'<div class="basis">{_e(words.month_name(panel.record.period))}, '
        f"{_e(panel.basis)}</div>"
        f"<dl>{rows}</dl>{narrative}"
        f'<p class="quality">Data quality: {_quality(panel)}</p></div></div>'
    )


def _quality(panel: Panel) -> str:
    css = {True: ("ok", "✓"), False: ("no", "✗"), None: ("na", "–")}
    marks = []
    for name, state, note in panel.quality.marks():
        klass, symbol = css[state]
        title = f' title="{_e(note)}"' if note else ""
        extra = f" ({_e(note)})" if note and state is False else ""
        marks.append(f'<span class="{klass}"{title}>{symbol} {name}{extra}</span>')
    return " · ".join(marks)


def _reconciliation(briefing: Briefing) -> str:
    """The month's returns against NHS England's publication: a summary, then each difference
    beyond its tolerance (nothing when no publication covers the month)."""
    if not briefing.reconciliation:
        return ""
    summary, *differing = briefing.reconciliation
    return (
        '<div id="reconciliation"><h3>Returns against NHS England\'s publication</h3>'
        f"<p>{_e(summary)}</p><ul>"
        + "".join(f"<li>{_e(line)}</li>" for line in differing)
        + "</ul></div>"
    )


def _appendix(briefing: Briefing) -> list[str]:
    pages = []
    rows = []
    for section in briefing.sections:
        for r in section.detail:
            if r.scope != "QYG" and not r.id.startswith("benchmark."):
                continue
            entry = figure(r.id)
            value = published_value(r)
            previous = (r.comparators.get("previous_period") or {}).get("value")
            shown_previous = (
                ""
                if previous is None
                else SUPPRESSED
                if entry.patient_count and is_small(previous)
                else display(previous, r.unit)
            )
            rows.append(
                f"<tr><td class='text'>{_e(section.title)}</td>"
                f"<td class='text'>{_e(entry.label)}</td>"
                f"<td class='text'>{_e(r.scope)}</td><td>{_e(value)}</td>"
                f"<td>{_e(shown_previous)}</td>"
                f"<td class='text'>{_e(BASES.get(r.source, r.source))}</td></tr>"
            )
    pages.append(
        '<section class="page" id="appendix-figures"><h2>Appendix A: detail figures</h2>'
        '<p class="note">The month\'s other figures, for the system (QYG) and, for national '
        "benchmarks, its region (Y62) and England (ENG). Their sentences follow.</p>"
        "<table class='compact'><thead><tr><th>Section</th><th class='text'>Figure</th>"
        "<th class='text'>Scope</th><th>Value</th><th>Previous month</th>"
        "<th class='text'>Rests on</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        + _reconciliation(briefing)
        + _detail_sentences(briefing)
        + "</section>"
    )
    tables = []
    for section in briefing.sections:
        if section.table is None:
            continue
        tables.append(
            f'<div class="keep"><h3>{_e(section.title)}, {_e(briefing.cover.month)}, '
            f"by trust</h3>"
            f"{_frame_table(section.table.text(), system_last=True, css='compact')}"
            "</div>"
        )
    if tables:
        pages.append(
            '<section class="page" id="appendix-trusts"><h2>Appendix B: figures by '
            "trust</h2>" + "".join(tables) + "</section>"
        )
    return pages


def _detail_sentences(briefing: Briefing) -> str:
    items = []
    for section in briefing.sections:
        board = {p.record.id for p in section.panels}
        for r in section.records:
            if r.text and r.scope == "QYG" and r.id not in board and r.id not in LEADS:
                items.append(f"<li>{_e(published_text(r))}</li>")
    if not items:
        return ""
    return f'<h3>What the detail figures say</h3><ul class="note">{"".join(items)}</ul>'


def _frame_table(frame: pd.DataFrame, system_last: bool = False, css: str = "") -> str:
    if frame is None or frame.empty:
        return ""
    head = "".join(f"<th>{_e(c)}</th>" for c in [frame.index.name or "", *frame.columns])
    body = []
    for i, (label, row) in enumerate(frame.iterrows()):
        row_class = ' class="system"' if system_last and i == len(frame) - 1 else ""
        cells = "".join(f"<td>{_e('' if pd.isna(v) else v)}</td>" for v in row)
        body.append(f"<tr{row_class}><td>{_e(label)}</td>{cells}</tr>")
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


__all__ = ["ASSURANCE_LABELS", "VARIATION_LABELS", "write_html"]

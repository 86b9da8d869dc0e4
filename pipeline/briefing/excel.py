"""The briefing as a workbook: a headline sheet, one sheet per section, and provenance.

Numbers are written as numbers with formats (never as text), except small numbers suppressed as
``*``; text from returns is written so it can never run as a formula.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image

from pipeline.briefing.content import Briefing
from pipeline.metrics.catalogue import figure
from pipeline.metrics.suppression import SUPPRESSED, published_text, suppressed
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS
from pipeline.spreadsheet.styles import TITLE_FONT, WRAP, safe_text, set_widths, write_header

_FORMATS = {"percent": '0.0"%"', "count": "#,##0", "rank": "0", "gbp_thousands": "#,##0",
            "per_week": "#,##0.0", "weeks": "#,##0.0", "trusts": "0"}


def _value(value: object) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value


def write_excel(briefing: Briefing, path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Headlines"
    sheet["A1"] = f"CMAST performance briefing, {briefing.period}"
    sheet["A1"].font = TITLE_FONT
    columns = ["Section", "Figure", "id", "Scope", "Value", "Unit", "Previous", "Target",
               "Plan", "Trusts submitted", "Variation", "Assurance", "Sentence"]
    write_header(sheet, 3, columns)
    row = 4
    for section in briefing.sections:
        for r in section.records:
            number_format = _FORMATS.get(r.unit, "General")
            previous = (r.comparators.get("previous_period") or {}).get("value")
            target = (r.comparators.get("target") or {}).get("value")
            plan = (r.comparators.get("plan") or {}).get("value")
            cover = r.coverage
            values = [section.title, figure(r.id).label, r.id, r.scope,
                      SUPPRESSED if suppressed(r) else r.value, r.unit,
                      SUPPRESSED if suppressed(r) else previous, target, plan,
                      f"{cover['trusts_submitted']} of {cover['trusts_expected']}" if cover else "",
                      VARIATION_LABELS.get(r.variation, ""), ASSURANCE_LABELS.get(r.assurance, ""),
                      published_text(r)]
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=c, value=safe_text(_value(value)))
                if c in (5, 7, 8, 9):
                    cell.number_format = number_format
                if c == 13:
                    cell.alignment = WRAP
            row += 1
    sheet.freeze_panes = "A4"
    set_widths(sheet, {"A": 24, "B": 42, "C": 38, "D": 8, "E": 12, "F": 10, "G": 12, "H": 10,
                       "I": 10, "J": 10, "K": 22, "L": 16, "M": 90})
    for section in briefing.sections:
        _section_sheet(workbook, section)
    _provenance_sheet(workbook, briefing)
    workbook.save(path)
    return path


def _section_sheet(workbook: Workbook, section) -> None:
    sheet = workbook.create_sheet(section.title[:31].replace(":", ""))
    sheet["A1"] = section.title
    sheet["A1"].font = TITLE_FONT
    frame = section.by_trust
    row = 3
    if not frame.empty:
        write_header(sheet, row, [frame.index.name or "Trust", *frame.columns])
        for label, values in frame.iterrows():
            row += 1
            sheet.cell(row=row, column=1, value=safe_text(str(label)))
            for c, (name, value) in enumerate(values.items(), start=2):
                cell = sheet.cell(row=row, column=c, value=safe_text(_value(value)))
                cell.number_format = '0.0"%"' if "(%)" in name else "#,##0"
        set_widths(sheet, {"A": 38})
    row += 3
    for chart in section.charts:
        image = Image(str(chart.png))
        image.width, image.height = 770, 346
        sheet.add_image(image, f"A{row}")
        row += 19


def _provenance_sheet(workbook: Workbook, briefing: Briefing) -> None:
    sheet = workbook.create_sheet("Provenance")
    write_header(sheet, 1, ["Figure id", "Scope", "Org", "Submission", "Return", "Period",
                            "File", "Received", "SHA-256"])
    row = 1
    for r in briefing.records:
        for p in r.provenance:
            row += 1
            values = [r.id, r.scope, p["org"], p["submission_id"], p["return_type"], p["period"],
                      p["file_name"], p["received_at"], p["sha256"]]
            for c, value in enumerate(values, start=1):
                sheet.cell(row=row, column=c, value=safe_text(value))
    set_widths(sheet, {"A": 38, "G": 40, "H": 20, "I": 66})

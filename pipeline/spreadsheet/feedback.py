"""The feedback workbook left beside a quarantined file: every problem, where it is, what to do."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from pipeline.spreadsheet.styles import TITLE_FONT, WRAP, safe_text, set_widths, write_header
from pipeline.validation.problems import Problem

COLUMNS = ["Sheet", "Cell or row", "Column", "Rule broken", "Value found", "What to do"]


def problem_row(problem: Problem) -> list[object]:
    location = problem.location or "whole file"
    sheet, _, cell = location.rpartition("!")
    if problem.line_key:  # a CSV line, with the values that say which it is
        cell = f"{cell} ({problem.line_key})"
    return [
        sheet or "",
        cell,
        problem.column or "",
        problem.rule,
        problem.value or "",
        problem.hint,
    ]


def write_feedback(
    path: Path, *, file_name: str, org_code: str, summary: str, problems: list[Problem]
) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Problems"
    sheet["A1"] = safe_text(f"Your file {file_name} was not loaded")
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = safe_text(summary)
    sheet["A3"] = safe_text(
        f"Fix every problem below, then drop the corrected file into inbox/{org_code}/ again. "
        "A corrected file replaces nothing until it passes; once it does, it replaces any "
        "earlier file for the same return and period."
    )
    sheet["A3"].alignment = WRAP
    sheet.merge_cells("A3:F3")
    sheet.row_dimensions[3].height = 45
    write_header(sheet, 5, COLUMNS)
    for offset, problem in enumerate(problems, start=6):
        for position, value in enumerate(problem_row(problem), start=1):
            cell = sheet.cell(row=offset, column=position, value=safe_text(value))
            cell.alignment = WRAP
    sheet.freeze_panes = "A6"
    sheet.auto_filter.ref = f"A5:F{max(5, 5 + len(problems))}"
    set_widths(sheet, {"A": 10, "B": 12, "C": 26, "D": 55, "E": 22, "F": 60})
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path

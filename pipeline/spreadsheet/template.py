"""The Excel template a trust fills in: instructions, a locked header, drop-downs and checks.

Built from the return's schema, so the column list, descriptions and examples a trust sees are
the ones the validator enforces.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.returns.base import ReturnSpec
from pipeline.spreadsheet.read import ABOUT_SHEET, DATA_SHEET
from pipeline.spreadsheet.styles import TITLE_FONT, WRAP, set_widths, write_header

_RULE_TEXT = {
    "count": "Whole number, 0 or more",
    "date": "Date inside the period",
    "period": "YYYY-MM",
    "week": "YYYY-MM-DD, a Sunday",
    "code": "Code, as listed",
    "text": "Text",
}


def _kind(spec: ReturnSpec, column: str) -> str:
    return (spec.model.to_schema().columns[column].metadata or {}).get("kind", "text")


def build_template(spec: ReturnSpec, *, org_code: str, period: str, sites: list[str],
                   path: Path, rows: pd.DataFrame | None = None) -> Path:
    """Write the template for one trust and period; ``rows`` fills the data sheet if given."""
    workbook = Workbook()
    _instructions(workbook.active, spec, org_code, period)
    data = workbook.create_sheet(DATA_SHEET)
    columns = spec.columns
    write_header(data, 1, columns)
    if rows is None and spec.template_rows is not None:
        rows = spec.template_rows(org_code, period, sites)
    body = rows if rows is not None else pd.DataFrame(columns=columns)
    n_rows = max(len(body), 1)
    for r, record in enumerate(body.reindex(columns=columns).itertuples(index=False), start=2):
        for c, value in enumerate(record, start=1):
            if pd.isna(value):
                continue
            cell = data.cell(row=r, column=c, value=_cell_value(value))
            if isinstance(value, pd.Timestamp):
                cell.number_format = "yyyy-mm-dd"
    last_row = n_rows + 1 + 50  # room for a few extra rows, unlocked like the rest
    _validations(data, spec, org_code, period, sites, last_row)
    for r in range(2, last_row + 1):
        for c in range(1, len(columns) + 1):
            data.cell(row=r, column=c).protection = Protection(locked=False)
    # The header is locked so the columns the validator expects cannot drift; data cells are not.
    data.protection.sheet = True
    data.protection.formatRows = False
    data.protection.formatColumns = False
    data.protection.sort = False
    data.protection.autoFilter = False
    data.freeze_panes = "A2"
    for c, column in enumerate(columns, start=1):
        data.column_dimensions[get_column_letter(c)].width = max(12, min(len(column) + 4, 30))
    _about(workbook.create_sheet(ABOUT_SHEET), spec, org_code, period)
    workbook.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _cell_value(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()  # numpy scalars to Python numbers
    return value


def _instructions(sheet, spec: ReturnSpec, org_code: str, period: str) -> None:
    sheet.title = "Instructions"
    sheet["A1"] = f"CMAST {spec.title} return: {org_code}, {period}"
    sheet["A1"].font = TITLE_FONT
    # The model's docstring says what a row is ("One row per site and day of the month ...").
    rows = (spec.model.__doc__ or "").strip().split("\n")[0]
    lines = [
        f"Template version {spec.template_version}. Fill in the Data sheet: "
        + (rows[0].lower() + rows[1:] if rows else "one row per line as described below."),
        *spec.notes,
        "Keep the header row as it is. Save as .xlsx (or export the Data sheet as CSV) and drop "
        f"the file into inbox/{org_code}/.",
        "You will get an answer within minutes: the file is loaded, or it is moved to "
        f"quarantine/{org_code}/ with a feedback workbook listing every problem by cell.",
        "Sending a corrected or updated file for the same period replaces the earlier one.",
    ]
    for offset, line in enumerate(lines, start=3):
        sheet.cell(row=offset, column=1, value=line).alignment = WRAP
        sheet.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=4)
        sheet.row_dimensions[offset].height = 32
    start = len(lines) + 4
    write_header(sheet, start, ["Column", "What it holds", "Rule", "Example"])
    for offset, column in enumerate(spec.columns, start=start + 1):
        kind = _kind(spec, column)
        example = (spec.model.to_schema().columns[column].metadata or {}).get("example", "")
        values = [column, spec.description(column), _RULE_TEXT.get(kind, ""), example]
        for c, value in enumerate(values, start=1):
            sheet.cell(row=offset, column=c, value=value).alignment = WRAP
    set_widths(sheet, {"A": 30, "B": 70, "C": 26, "D": 14})


def _validations(sheet, spec: ReturnSpec, org_code: str, period: str, sites: list[str],
                 last_row: int) -> None:
    start, end = _period_bounds(period)
    for c, column in enumerate(spec.columns, start=1):
        kind = _kind(spec, column)
        area = f"{get_column_letter(c)}2:{get_column_letter(c)}{last_row}"
        if column == "org_code":
            rule = DataValidation(type="list", formula1=f'"{org_code}"', allow_blank=False)
        elif column == "period":
            rule = DataValidation(type="list", formula1=f'"{period}"', allow_blank=False)
        elif column == spec.site_column and sites:
            rule = DataValidation(type="list", formula1=f'"{",".join(sites)}"')
        elif column in spec.choices:
            rule = DataValidation(type="list", formula1=_choice_list(sheet.parent, column,
                                                                     spec.choices[column]))
        elif kind == "count":
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        elif kind == "date":
            rule = DataValidation(type="date", operator="between",
                                  formula1=f"DATE({start.year},{start.month},{start.day})",
                                  formula2=f"DATE({end.year},{end.month},{end.day})")
        else:
            continue
        rule.error = f"{column}: {_RULE_TEXT.get(kind, 'see the Instructions sheet')}"
        rule.errorTitle = "Not accepted"
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(area)


#: The hidden sheet holding drop-down lists: a list typed into the rule itself may not be longer
#: than 255 characters, which a list of metric ids soon is.
LISTS_SHEET = "Lists"


def _choice_list(workbook, column: str, values) -> str:
    """The range of a hidden sheet column holding ``values``, for a list rule to point at."""
    if LISTS_SHEET in workbook.sheetnames:
        lists = workbook[LISTS_SHEET]
    else:
        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
    c = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value is not None else 1
    lists.cell(row=1, column=c, value=column)
    for r, value in enumerate(values, start=2):
        lists.cell(row=r, column=c, value=value)
    letter = get_column_letter(c)
    return f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"


def _period_bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a month (2023-10) or of a financial year (2023-24, April-March);
    for a weekly snapshot date (2023-10-29), the span its dates (clock starts) may take."""
    if len(period) == 10:  # a weekly return's dates lie on or before its snapshot
        return pd.Timestamp(2000, 1, 1), pd.Timestamp(period)
    year, second = period[:4], period[5:]
    if year.isdigit() and second.isdigit() and len(second) == 2 and int(second) > 12:
        return pd.Timestamp(int(year), 4, 1), pd.Timestamp(int(year) + 1, 3, 31)
    month = pd.Period(period, freq="M")
    return month.start_time, month.end_time


def _about(sheet, spec: ReturnSpec, org_code: str, period: str) -> None:
    for r, (key, value) in enumerate([("return_type", spec.return_type),
                                      ("template_version", spec.template_version),
                                      ("org_code", org_code), ("period", period)], start=1):
        sheet.cell(row=r, column=1, value=key)
        sheet.cell(row=r, column=2, value=value)
    sheet.sheet_state = "hidden"

"""The Excel template a trust fills in: instructions, a locked header, drop-downs and checks.

Built from the return's schema, so the column list, descriptions, examples and rules a trust
sees are the ones the validator enforces. A month's data fits: every column below the header is
editable (at least :data:`EDITABLE_ROWS` rows carry the drop-downs and checks) and rows may be
inserted. Coded columns have drop-downs (long lists on a hidden ``Lists`` sheet); examples use
the trust's own codes; the Instructions sheet gives every rule, the due date and whom to ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.config import Settings, load_settings
from pipeline.returns.base import ReturnSpec
from pipeline.spreadsheet.read import ABOUT_SHEET, DATA_SHEET
from pipeline.spreadsheet.styles import TITLE_FONT, WRAP, set_widths, write_header
from schemas.rules import Rule

#: The rule a column of each kind follows, in the words the Instructions sheet and the docs use.
RULE_TEXT = {
    "count": "Whole number, 0 or more",
    "date": "Date inside the period",
    "period": "YYYY-MM",
    "week": "YYYY-MM-DD, a Sunday",
    "code": "Code, as listed",
    "text": "Text",
}
#: Rows below the header that carry the drop-downs and checks: a large trust's theatre
#: return has 1,500 to 3,000 sessions a month. Every row of the sheet below the header is
#: editable in any case, and rows can be inserted.
EDITABLE_ROWS = 5000
LISTS_SHEET = "Lists"
#: The sample codes the schemas' descriptions use, replaced by the trust's own.
_SAMPLE_ORG, _SAMPLE_SITE = "REM", "REM21"


def _kind(spec: ReturnSpec, column: str) -> str:
    return (spec.model.to_schema().columns[column].metadata or {}).get("kind", "text")


def _tfc_codes(three_digits: bool) -> list[str]:
    from schemas.rtt import treatment_functions

    codes = list(treatment_functions()["treatment_function_code"])
    return [c for c in codes if c.isdigit()] if three_digits else codes


def _dm01_tests() -> list[str]:
    from schemas.dm01 import dm01_tests

    return list(dm01_tests()["modality"])


def column_choices(spec: ReturnSpec) -> dict[str, tuple[Callable[[], list[str]], bool]]:
    """Coded columns' values, by column, and whether the list is the whole rule (else values
    outside it are warned about but allowed, as the validator allows them)."""
    from schemas import dm01, plans, rtt, theatres

    by_return = {
        "theatres": {
            "session": (lambda: list(theatres.SESSIONS), True),
            "status": (lambda: [theatres.HELD, theatres.CANCELLED], True),
            # The validator asks for 3 digits, not a listed code: warn, do not refuse.
            "specialty_tfc": (lambda: _tfc_codes(True), False),
        },
        "rtt_aggregate": {
            "treatment_function_code": (lambda: _tfc_codes(False), True),
            "pathway_type": (lambda: [t.lower() for t in rtt.PATHWAY_TYPES], True),
        },
        "rtt_ptl": {
            "treatment_function_code": (lambda: _tfc_codes(False), True),
            "pathway_type": (lambda: [t.lower() for t in rtt.PATHWAY_TYPES], True),
            "priority": (lambda: list(rtt.PRIORITIES), True),
        },
        "dm01": {
            "test": (_dm01_tests, False),  # the DM01 number is accepted too
            "measure": (lambda: [m.lower() for m in dm01.MEASURES], True),
        },
        "plans": {"kind": (lambda: [plans.PLAN.lower(), plans.TARGET.lower()], True)},
    }
    # A return may declare its own coded columns (the programme return's metric ids).
    declared = {
        column: (lambda values=values: list(values), True)
        for column, values in spec.choices.items()
    }
    return {**by_return.get(spec.return_type, {}), **declared}


def build_template(
    spec: ReturnSpec,
    *,
    org_code: str,
    period: str,
    sites: list[str],
    path: Path,
    rows: pd.DataFrame | None = None,
    settings: Settings | None = None,
) -> Path:
    """Write the template for one trust and period; ``rows`` fills the data sheet if given.
    ``settings`` give the due date and the contact (default: from the environment)."""
    settings = settings or load_settings()
    workbook = Workbook()
    _instructions(workbook.active, spec, org_code, period, sites, settings)
    data = workbook.create_sheet(DATA_SHEET)
    columns = spec.columns
    write_header(data, 1, columns)
    if rows is None and spec.template_rows is not None:
        rows = spec.template_rows(org_code, period, sites)
    body = rows if rows is not None else pd.DataFrame(columns=columns)
    unlocked = Protection(locked=False)
    for r, record in enumerate(body.reindex(columns=columns).itertuples(index=False), start=2):
        for c, value in enumerate(record, start=1):
            # Every cell of a written row is given its unlocking (a blank one too): programs
            # other than Excel may not apply the column's style to cells in an existing row.
            cell = data.cell(row=r, column=c)
            cell.protection = unlocked
            if pd.isna(value):
                continue
            cell.value = _cell_value(value)
            if isinstance(value, pd.Timestamp):
                cell.number_format = "yyyy-mm-dd"
    last_row = max(len(body) + 1 + 500, EDITABLE_ROWS + 1)
    lists = workbook.create_sheet(LISTS_SHEET)
    _validations(data, lists, spec, org_code, period, sites, last_row)
    lists.sheet_state = "hidden"
    # Whole columns unlocked (a column's style covers every cell not written): the header
    # alone stays locked, so the columns the validator expects cannot drift.
    for c, column in enumerate(columns, start=1):
        dimension = data.column_dimensions[get_column_letter(c)]
        dimension.protection = unlocked
        dimension.width = max(12, min(len(column) + 4, 30))
    data.protection.sheet = True
    for allowed in (
        "formatRows",
        "formatColumns",
        "formatCells",
        "insertRows",
        "deleteRows",
        "sort",
        "autoFilter",
    ):
        setattr(data.protection, allowed, False)  # False: not protected against
    data.freeze_panes = "A2"
    _print_setup(data, landscape=True)
    data.print_title_rows = "1:1"
    _about(workbook.create_sheet(ABOUT_SHEET), spec, org_code, period)
    workbook.active = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def _print_setup(sheet, landscape: bool) -> None:
    """A4, one page wide, as long as it needs."""
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def localise(text: str, org_code: str, sites: list[str]) -> str:
    """A description or example with the schemas' sample codes (REM, REM21) made the trust's."""
    if sites:
        text = text.replace(_SAMPLE_SITE, sites[0])
    return re.sub(rf"\b{_SAMPLE_ORG}\b", org_code, text)


def due_date(spec: ReturnSpec, period: str, settings: Settings) -> str:
    """When the return is due, in words."""
    if spec.frequency == "monthly":
        from pipeline.alerts import deadline

        day = deadline(period, settings.submission_deadline_day)
        return f"Due by {day:%A} {day.day} {day:%B %Y}."
    if spec.frequency == "weekly":
        return "Due each week, after the Sunday snapshot it covers."
    return "Due once for the year, and again whenever the plans change."


def _cell_value(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        return value.item()  # numpy scalars to Python numbers
    return value


def _instructions(
    sheet, spec: ReturnSpec, org_code: str, period: str, sites: list[str], settings: Settings
) -> None:
    sheet.title = "Instructions"
    sheet["A1"] = f"CMAST {spec.title} return: {org_code}, {period}"
    sheet["A1"].font = TITLE_FONT
    # The model's docstring says what a row is ("One row per site and day of the month ...").
    rows = (spec.model.__doc__ or "").strip().split("\n")[0]
    contact = settings.report_author + (
        f" ({settings.report_contact})" if settings.report_contact else ""
    )
    lines = [
        f"Template version {spec.template_version}. Fill in the Data sheet: "
        + (rows[0].lower() + rows[1:] if rows else "one row per line as described below."),
        f"{due_date(spec, period, settings)} Questions: {contact}.",
        *(localise(note, org_code, sites) for note in spec.notes),
        f"The Data sheet takes {EDITABLE_ROWS:,} rows or more: insert rows as you need. "
        "Keep the header row as it is. Save as .xlsx (or export the Data sheet as CSV) and drop "
        f"the file into inbox/{org_code}/.",
        "You will get an answer within minutes: the file is loaded, or it is moved to "
        f"quarantine/{org_code}/ with a feedback workbook listing every problem by cell.",
        "Sending a corrected or updated file for the same period replaces the earlier one.",
    ]
    for offset, line in enumerate(lines, start=3):
        sheet.cell(row=offset, column=1, value=line).alignment = WRAP
        sheet.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=4)
        sheet.row_dimensions[offset].height = _height(line, 140)
    start = len(lines) + 4
    write_header(sheet, start, ["Column", "What it holds", "Rule", "Example"])
    example_for = {"org_code": org_code, "period": period}
    if spec.site_column and sites:
        example_for[spec.site_column] = sites[0]
    choices = column_choices(spec)
    offset = start
    for offset, column in enumerate(spec.columns, start=start + 1):
        kind = _kind(spec, column)
        metadata = spec.model.to_schema().columns[column].metadata or {}
        example = example_for.get(column) or localise(
            str(metadata.get("example", "")), org_code, sites
        )
        what = RULE_TEXT.get(kind, "")
        if column in choices:
            what = "One of the drop-down list"
        description = localise(spec.description(column), org_code, sites)
        for c, value in enumerate([column, description, what, example], start=1):
            sheet.cell(row=offset, column=c, value=value).alignment = WRAP
        sheet.row_dimensions[offset].height = _height(description, 70)
    if spec.rules:
        start = offset + 2
        write_header(sheet, start, ["Column", "Checked across columns", "What to do", ""])
        for offset, rule in enumerate(spec.rules, start=start + 1):
            message = rule_sentence(rule)
            for c, value in enumerate([rule.column, message, rule.hint], start=1):
                sheet.cell(row=offset, column=c, value=value).alignment = WRAP
            sheet.row_dimensions[offset].height = max(_height(message, 70), _height(rule.hint, 26))
    set_widths(sheet, {"A": 30, "B": 70, "C": 26, "D": 14})
    _print_setup(sheet, landscape=False)


def rule_sentence(rule: Rule) -> str:
    """A cross-column rule as a sentence: a fragment ("is not a session type") reads after the
    column's name, unless the message already names it."""
    fragment = rule.message[:1].islower() and not rule.message.startswith(rule.column)
    return f"{rule.column} {rule.message}" if fragment else rule.message


def _height(text: str, width_chars: int) -> float:
    """Points for a wrapped cell of this width: 15 a line (Excel does not size merged or
    wrapped rows by itself when the file is written by a program)."""
    lines = max(1, -(-len(text or "") // max(1, int(width_chars * 0.95))))
    return 15.0 * lines + 2


def _validations(
    sheet, lists, spec: ReturnSpec, org_code: str, period: str, sites: list[str], last_row: int
) -> None:
    start, end = _period_bounds(period)
    choices = column_choices(spec)
    list_column = 0
    for c, column in enumerate(spec.columns, start=1):
        kind = _kind(spec, column)
        area = f"{get_column_letter(c)}2:{get_column_letter(c)}{last_row}"
        strict = True
        if column == "org_code":
            rule = DataValidation(type="list", formula1=f'"{org_code}"', allow_blank=False)
        elif column == "period":
            rule = DataValidation(type="list", formula1=f'"{period}"', allow_blank=False)
        elif column == spec.site_column and sites:
            rule = DataValidation(type="list", formula1=_list_range(lists, sites, list_column))
            list_column += 1
        elif column in choices:
            values, strict = choices[column][0](), choices[column][1]
            rule = DataValidation(type="list", formula1=_list_range(lists, values, list_column))
            list_column += 1
        elif kind == "count":
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0")
        elif kind == "date":
            rule = DataValidation(
                type="date",
                operator="between",
                formula1=f"DATE({start.year},{start.month},{start.day})",
                formula2=f"DATE({end.year},{end.month},{end.day})",
            )
        else:
            continue
        rule.error = (
            f"{column}: {RULE_TEXT.get(kind, 'see the Instructions sheet')}"
            if column not in choices
            else f"{column}: one of the list, please"
        )
        rule.errorTitle = "Not accepted" if strict else "Not in the list"
        rule.errorStyle = "stop" if strict else "warning"
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(area)


def _list_range(lists, values: list[str], index: int) -> str:
    """Write ``values`` down a column of the Lists sheet; the range a drop-down refers to (an
    inline list is limited to 255 characters, too few for the treatment function codes)."""
    letter = get_column_letter(index + 1)
    for r, value in enumerate(values, start=1):
        lists.cell(row=r, column=index + 1, value=value)
    return f"{LISTS_SHEET}!${letter}$1:${letter}${max(1, len(values))}"


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
    for r, (key, value) in enumerate(
        [
            ("return_type", spec.return_type),
            ("template_version", spec.template_version),
            ("org_code", org_code),
            ("period", period),
        ],
        start=1,
    ):
        sheet.cell(row=r, column=1, value=key)
        sheet.cell(row=r, column=2, value=value)
    sheet.sheet_state = "hidden"


def recorded_org(path: Path) -> str | None:
    """The trust a workbook made from a template was made for (its About sheet), or None for a
    CSV or a workbook without one."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  not a workbook we can open: the check says why
        return None
    try:
        if ABOUT_SHEET not in book.sheetnames:
            return None
        for key, value, *_ in book[ABOUT_SHEET].iter_rows(max_col=2, values_only=True):
            if key == "org_code" and value:
                return str(value).strip().upper()
        return None
    finally:
        book.close()

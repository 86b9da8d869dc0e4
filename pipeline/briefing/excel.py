"""The board pack as a workbook: a cover, the board figures, every figure, a sheet per section
(its table by trust and its board charts) and provenance.

Numbers are written as numbers with formats (never as text), except small numbers suppressed as
``*``; money is in £ millions with the unit in its header or unit column; text from returns is
written so it can never run as a formula. Every sheet prints A4 landscape, one page wide, with
wrapped text given the height it needs and no chart across a page break.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.briefing.content import BASES, Briefing, basis
from pipeline.metrics.catalogue import figure
from pipeline.metrics.formats import EXCEL_FORMATS, HEADER_UNITS, table_number
from pipeline.metrics.suppression import SUPPRESSED, published_text, suppressed
from pipeline.spc import ASSURANCE_LABELS, VARIATION_LABELS
from pipeline.spreadsheet.styles import TITLE_FONT, WRAP, safe_text, set_widths, write_header

#: Rows a chart image takes (346 px at the default 20 px a row), and the rows kept free below.
CHART_ROWS = 18
LINE_HEIGHT = 15  # points per line of wrapped 11 pt text


def _unit_name(unit: str) -> str:
    return HEADER_UNITS.get(unit, unit)


def _print_setup(sheet: Worksheet, title_rows: str | None = None) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it needs
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    if title_rows:
        sheet.print_title_rows = title_rows


def _wrap_height(sheet: Worksheet, row: int, text: str, width: float) -> None:
    """A row tall enough for its wrapped text: Excel does not grow rows openpyxl writes."""
    lines = sum(
        max(1, math.ceil(len(part) / max(width * 1.1, 1))) for part in str(text).split("\n")
    )
    current = sheet.row_dimensions[row].height or LINE_HEIGHT
    sheet.row_dimensions[row].height = max(current, lines * LINE_HEIGHT)


def _put(
    sheet: Worksheet,
    row: int,
    column: int,
    value: object,
    number_format: str | None = None,
    wrap_width: float | None = None,
):
    cell = sheet.cell(row=row, column=column, value=safe_text(value))
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    if wrap_width and isinstance(value, str):
        cell.alignment = WRAP
        _wrap_height(sheet, row, value, wrap_width)
    return cell


def write_excel(briefing: Briefing, path: Path) -> Path:
    workbook = Workbook()
    _cover_sheet(workbook.active, briefing)
    _board_sheet(workbook.create_sheet("Board figures"), briefing)
    _figures_sheet(workbook.create_sheet("All figures"), briefing)
    for section in briefing.sections:
        _section_sheet(workbook, section, briefing)
    _provenance_sheet(workbook, briefing)
    workbook.save(path)
    return path


def _cover_sheet(sheet: Worksheet, briefing: Briefing) -> None:
    sheet.title = "Cover"
    c = briefing.cover
    sheet["A1"] = f"{c.title}, {c.month}"
    sheet["A1"].font = TITLE_FONT
    row = 3
    for key, value in [
        ("Month", c.month),
        ("Data cut-off", f"Returns received up to {c.cut_off}"),
        ("Published", c.published),
        ("Author", c.author),
        ("Contact", c.contact),
        ("Report reference", c.reference),
    ]:
        _put(sheet, row, 1, key)
        _put(sheet, row, 2, value)
        row += 1
    row += 1
    _put(sheet, row, 1, f"Coverage: who submitted what for {c.month}").font = TITLE_FONT
    row += 1
    write_header(sheet, row, [c.coverage.index.name or "Trust", *c.coverage.columns])
    for label, values in c.coverage.iterrows():
        row += 1
        _put(sheet, row, 1, str(label))
        for column, value in enumerate(values, start=2):
            _put(sheet, row, column, value)
    set_widths(sheet, {"A": 30, "B": 44, "C": 22, "D": 22, "E": 22, "F": 22})
    _print_setup(sheet)


#: Column widths of the board figures sheet, Section to Data quality.
_BOARD_WIDTHS = (24, 36, 12, 8, 30, 30, 30, 24, 26, 30, 40)


def _board_sheet(sheet: Worksheet, briefing: Briefing) -> None:
    sheet["A1"] = f"Board figures, {briefing.cover.month}"
    sheet["A1"].font = TITLE_FONT
    columns = [
        "Section",
        "Figure",
        "Value",
        "Unit",
        "Rests on",
        "Compared with",
        "Other basis",
        "Target / plan",
        "Variation",
        "Assurance",
        "Data quality",
    ]
    write_header(sheet, 3, columns)
    row = 3
    for section in briefing.sections:
        for panel in section.panels:
            row += 1
            r = panel.record
            value = SUPPRESSED if suppressed(r) else table_number(r.value, r.unit)
            for column, item in enumerate(
                [
                    section.title,
                    panel.label,
                    value,
                    _unit_name(r.unit),
                    panel.basis,
                    panel.comparison,
                    panel.counterpart,
                    panel.target,
                    panel.variation,
                    panel.assurance,
                    panel.quality.summary(),
                ],
                start=1,
            ):
                # Text columns wrap within their width; the value and unit never need to.
                _put(
                    sheet,
                    row,
                    column,
                    item,
                    EXCEL_FORMATS.get(r.unit) if column == 3 else None,
                    wrap_width=None if column in (3, 4) else _BOARD_WIDTHS[column - 1],
                )
    sheet.freeze_panes = "A4"
    set_widths(sheet, {chr(ord("A") + i): w for i, w in enumerate(_BOARD_WIDTHS)})
    _print_setup(sheet, "3:3")


def _figures_sheet(sheet: Worksheet, briefing: Briefing) -> None:
    sheet["A1"] = f"Every figure, {briefing.cover.month} (published values)"
    sheet["A1"].font = TITLE_FONT
    columns = [
        "Section",
        "Figure",
        "id",
        "Scope",
        "Value",
        "Unit",
        "Previous",
        "Target",
        "Plan",
        "Rests on",
        "Trusts submitted",
        "Variation",
        "Assurance",
        "Sentence",
    ]
    write_header(sheet, 3, columns)
    row = 4
    for section in briefing.sections:
        for r in section.records:
            number_format = EXCEL_FORMATS.get(r.unit, "General")
            previous = (r.comparators.get("previous_period") or {}).get("value")
            target = (r.comparators.get("target") or {}).get("value")
            plan = (r.comparators.get("plan") or {}).get("value")
            cover = r.coverage
            hidden = suppressed(r)
            values = [
                section.title,
                figure(r.id).label,
                r.id,
                r.scope,
                SUPPRESSED if hidden else table_number(r.value, r.unit),
                _unit_name(r.unit),
                SUPPRESSED if hidden else table_number(previous, r.unit),
                table_number(target, r.unit),
                table_number(plan, r.unit),
                BASES.get(r.source, r.source),
                f"{cover['trusts_submitted']} of {cover['trusts_expected']}" if cover else "",
                VARIATION_LABELS.get(r.variation or "", ""),
                ASSURANCE_LABELS.get(r.assurance or "", ""),
                published_text(r),
            ]
            for c, value in enumerate(values, start=1):
                _put(
                    sheet,
                    row,
                    c,
                    value,
                    number_format if c in (5, 7, 8, 9) else None,
                    wrap_width={2: 40, 14: 80}.get(c),
                )
            row += 1
    sheet.freeze_panes = "A4"
    set_widths(
        sheet,
        {
            "A": 22,
            "B": 40,
            "C": 36,
            "D": 7,
            "E": 11,
            "F": 7,
            "G": 11,
            "H": 9,
            "I": 9,
            "J": 24,
            "K": 10,
            "L": 22,
            "M": 16,
            "N": 80,
        },
    )
    _print_setup(sheet, "3:3")


def _section_sheet(workbook: Workbook, section, briefing: Briefing) -> None:
    sheet = workbook.create_sheet(section.title[:31].replace(":", ""))
    sheet["A1"] = f"{section.title}, {briefing.cover.month}"
    sheet["A1"].font = TITLE_FONT
    row = 3
    table = section.table
    if table is not None:
        write_header(sheet, row, ["Trust", *table.headers])
        sheet.row_dimensions[row].height = LINE_HEIGHT * 3
        for label, values in zip(table.rows, table.numbers(), strict=True):
            row += 1
            _put(sheet, row, 1, label)
            for c, (value, unit) in enumerate(zip(values, table.units, strict=True), start=2):
                _put(sheet, row, c, value, EXCEL_FORMATS.get(unit, "General"))
        set_widths(sheet, {"A": 34, **{chr(ord("B") + i): 15 for i in range(len(table.ids))}})
    row += 2
    for panel in section.panels:
        if panel.chart is None:
            continue
        # Each chart starts a printed page, so none is ever cut across two.
        sheet.row_breaks.append(Break(id=row - 1))
        _put(sheet, row, 1, f"{panel.label}: {panel.value} ({panel.basis})").font = TITLE_FONT
        image = Image(str(panel.chart.png))
        image.width, image.height = 770, 346
        sheet.add_image(image, f"A{row + 1}")
        row += CHART_ROWS + 3
    _print_setup(sheet)


def _provenance_sheet(workbook: Workbook, briefing: Briefing) -> None:
    sheet = workbook.create_sheet("Provenance")
    write_header(
        sheet,
        1,
        [
            "Figure id",
            "Scope",
            "Rests on",
            "Org",
            "Submission",
            "Return",
            "Period",
            "File",
            "Received",
            "SHA-256",
        ],
    )
    row = 1
    for r in briefing.records:
        for p in r.provenance:
            row += 1
            values = [
                r.id,
                r.scope,
                basis(r, {}),
                p["org"],
                p["submission_id"],
                p["return_type"],
                p["period"],
                p["file_name"],
                p["received_at"],
                p["sha256"],
            ]
            for c, value in enumerate(values, start=1):
                sheet.cell(row=row, column=c, value=safe_text(value))
    set_widths(sheet, {"A": 38, "C": 30, "H": 40, "I": 20, "J": 66})
    _print_setup(sheet, "1:1")

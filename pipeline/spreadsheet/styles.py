"""Shared openpyxl styling, and writing untrusted text safely."""

from __future__ import annotations

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

NHS_BLUE = "005EB8"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NHS_BLUE)
TITLE_FONT = Font(bold=True, size=14, color=NHS_BLUE)
WRAP = Alignment(wrap_text=True, vertical="top")

_FORMULA_START = ("=", "+", "-", "@")


def safe_text(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written as plain text.

    Values come from files trusts send; a cell starting with ``=`` must never become live.
    openpyxl treats a str starting with "=" as a formula, so such text is prefixed with a quote.
    Control characters a workbook cannot hold (NUL and the like, which openpyxl refuses with an
    error) become U+FFFD, so a report about a file full of them can still be written.
    """
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        if text.startswith(_FORMULA_START):
            return "'" + text
        return text
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell made safe as by :func:`safe_text`, for CSV output.

    A CSV has no cell types: Excel runs any cell starting with ``=``, ``+``, ``-`` or ``@`` as
    a formula when it opens the file. Numbers stay numbers (a negative number is not text).
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(safe_text)
    return safe


def write_header(sheet: Worksheet, row: int, names: list[str]) -> None:
    for position, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=position, value=name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def set_widths(sheet: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width

"""Reading a received file into a table of cell text.

Workbooks are read with fastexcel (Rust calamine to Arrow: about 14x faster than pandas with
openpyxl, see STACK.md). Every cell comes back as text so the validator sees what was typed.
The file's kind is recognised from its first bytes, not its name: a LibreOffice file or an old
.xls saved under an .xlsx name is read for what it is. Zip-based workbooks are inspected first
(``pipeline.spreadsheet.inspect``) so that no file can make the reader exhaust memory. The
header is found among the first rows (``pipeline.spreadsheet.header``), and the sheet row and
column where the table sits are kept, so every problem names the cell a person sees in Excel.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.spreadsheet import inspect
from pipeline.spreadsheet.csv_read import decode, read_csv_frame, separator_and_header
from pipeline.spreadsheet.table import RawTable, build_table
from pipeline.validation.problems import FileProblem, file_problem

if TYPE_CHECKING:  # imported where a workbook is read: a CSV check never pays for it
    import fastexcel

DATA_SHEET = "Data"
ABOUT_SHEET = "About"

_SAVE_AS_XLSX = (
    "Send the return as the Excel template (.xlsx) or as CSV with the template's columns."
)
_PASSWORD = file_problem(
    "The workbook is password-protected, so it cannot be read",
    "Remove the password (File > Info > Protect Workbook > Encrypt with Password, clear it), "
    "save, and send it again. Returns travel inside the NHS network; they need no password.",
)


#: First bytes of files people send by mistake, and what to call them in the refusal.
_OTHER_FORMATS = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "a Word (RTF) document"),
]


def sniff_kind(head: bytes) -> str:
    """``xlsx``/``ods`` (zip), ``xls`` (OLE2), ``csv`` (text), ``html``, ``xml`` (Excel 2003
    XML), ``empty`` or ``unknown``, by first bytes."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "ods" if b"mimetypeapplication/vnd.oasis" in head[:100] else "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if not head:
        return "empty"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if any(head.startswith(magic) for magic, _ in _OTHER_FORMATS):
        return "unknown"
    sample = head[:4096]
    start = sample.removeprefix(codecs.BOM_UTF8).lstrip()[:512].lower()
    if start.startswith(b"<") and (
        b"<html" in start or b"<table" in start or start.startswith(b"<!doctype html")
    ):
        return "html"
    if start.startswith(b"<?xml"):
        return "xml"
    if b"\x00" in sample:
        return "unknown"
    text = decode(sample).text
    # Text has few control characters (tab, line ends); binary data has many.
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return "unknown" if controls > len(text) // 100 else "csv"


def read_table(path: Path) -> RawTable:
    with path.open("rb") as handle:
        head = handle.read(4096)
    kind = sniff_kind(head)
    if kind == "empty":
        raise file_problem(
            "The file is empty (0 bytes)",
            "Save the return again and drop the saved file into the inbox.",
        )
    if kind == "unknown":
        what = next((name for magic, name in _OTHER_FORMATS if head.startswith(magic)), None)
        rule = (
            f"The file is {what}, not a spreadsheet or CSV file"
            if what
            else "The file is not a spreadsheet or CSV file"
        )
        raise file_problem(rule, _SAVE_AS_XLSX)
    if kind == "html":
        raise file_problem(
            "The file is a web page (HTML), not a spreadsheet, though its name "
            "may say so (some systems export tables this way)",
            "Open it in Excel and save it as an Excel Workbook (.xlsx), or export CSV instead.",
        )
    if kind == "xml":
        raise file_problem(
            "The file is XML (perhaps an Excel 2003 XML spreadsheet), not a "
            "workbook this pipeline reads",
            "Open it in Excel and save it as an Excel Workbook (.xlsx).",
        )
    if kind == "csv":
        return _read_csv(path.read_bytes())
    return _read_workbook(path.read_bytes(), kind)


def _read_csv(content: bytes) -> RawTable:
    text = decode(content).text
    separator, header_line = separator_and_header(text)
    grid = read_csv_frame(text, separator, header_line)
    return build_table(grid, sheet=None, kind="csv", header_row=header_line + 1, first_column=1)


def _read_workbook(content: bytes, kind: str) -> RawTable:
    import fastexcel

    archive, parts = _opened_zip(content) if kind in {"xlsx", "ods"} else (None, {})
    if kind == "xls" and inspect.is_encrypted_ole(content):
        raise _PASSWORD
    try:
        reader = fastexcel.read_excel(content)
        names = reader.sheet_names
    except Exception as exc:  # fastexcel raises its own types for every kind of broken file
        raise _unreadable(exc) from exc
    sheet = _data_sheet(names, parts)
    facts = _inspected(archive, parts, sheet, kind)
    try:
        grid = reader.load_sheet(
            sheet, header_row=None, dtypes="string", skip_whitespace_tail_rows=True
        ).to_pandas()
        about = _read_about(reader, archive, parts, kind) if ABOUT_SHEET in names else {}
    except FileProblem:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    table = build_table(
        grid,
        sheet=sheet,
        kind=kind,
        header_row=None,
        first_column=facts.first_column,
        first_row=facts.first_row,
    )
    table.about = about
    return table


def _opened_zip(content: bytes) -> tuple[zipfile.ZipFile, dict[str, inspect.SheetPart]]:
    """The zip, checked for size, and (for .xlsx) its sheets; refusals say what is wrong."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise file_problem(
            "The workbook could not be opened: it is damaged or incomplete (perhaps cut short "
            "while it was copied or saved)",
            "Open it in Excel; if it opens, save it again and send the new copy, otherwise "
            "send it again from the original.",
        ) from exc
    inspect.check_zip_sizes(archive, len(content))
    names = set(archive.namelist())
    active = inspect.active_content_problem(archive)
    if active is not None:
        raise active
    if "content.xml" in names or "xl/workbook.xml" in names:
        try:
            return archive, (inspect.sheet_parts(archive) if "xl/workbook.xml" in names else {})
        except inspect.ZIP_ERRORS as exc:
            raise _unreadable(exc) from exc
    if "xl/workbook.bin" in names:
        raise file_problem(
            "The workbook is an Excel Binary Workbook (.xlsb)",
            "Open it in Excel and save it as an Excel Workbook (.xlsx).",
        )
    raise file_problem(
        "The file is a zip archive, not an Excel workbook",
        "Unzip it and send the return inside it.",
    )


def _data_sheet(names: list[str], parts: dict[str, inspect.SheetPart]) -> str:
    """The Data sheet if there is one, else the first sheet a person can see."""
    if DATA_SHEET in names:
        return DATA_SHEET
    visible = [n for n in names if n in parts and not parts[n].hidden]
    return visible[0] if visible else names[0]


def _inspected(
    archive: zipfile.ZipFile | None, parts: dict[str, inspect.SheetPart], sheet: str, kind: str
) -> inspect.SheetFacts:
    """The sheet's facts, after refusing one that is too large or holds uncalculated formulas."""
    if archive is None:
        return inspect.SheetFacts()  # .xls: bounded by the format; position not known
    try:
        facts = (
            inspect.ods_extent(archive)
            if kind == "ods"
            else inspect.sheet_facts(archive, parts[sheet].part)
        )
    except inspect.ZIP_ERRORS as exc:
        raise _unreadable(exc) from exc
    inspect.check_extent(facts, sheet)
    problem = inspect.uncalculated_problems(facts, sheet)
    if problem is not None:
        raise problem
    return facts


def _unreadable(exc: Exception) -> FileProblem:
    if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
        return _PASSWORD
    return file_problem(
        f"The workbook could not be opened ({type(exc).__name__})",
        "Open it in Excel, check it is not damaged or password-protected, save it as .xlsx "
        "and send it again.",
    )


def _read_about(
    reader: fastexcel.ExcelReader,
    archive: zipfile.ZipFile | None,
    parts: dict[str, inspect.SheetPart],
    kind: str,
) -> dict[str, str]:
    _inspected(archive, parts, ABOUT_SHEET, kind)
    about = reader.load_sheet(
        ABOUT_SHEET, header_row=None, dtypes="string", skip_whitespace_tail_rows=True
    ).to_pandas()
    if about.shape[1] < 2:
        return {}
    return {
        str(k).strip(): str(v).strip()
        for k, v in zip(about.iloc[:, 0], about.iloc[:, 1], strict=False)
        if pd.notna(k)
    }

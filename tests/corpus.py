"""A corpus of broken and hostile inputs, built at test time, each with the outcome a person
would expect.

Every case writes one file into a trust's inbox folder and says what should become of it:
``loaded`` (the meaning is unambiguous), ``rejected`` with a fragment of the message that says
why, or ``waiting`` (left for the next scan). ``tests/test_corpus.py`` runs them all; the
"Broken and hostile input" table of ``docs/robustness.md`` is written from ``describe`` and
``did`` by ``python -m tests.docs_tables`` (``tests/test_docs_current.py`` checks it is current).
Most cases use the UEC return (``tests.conftest.uec_rows``); some use the theatres, DM01,
finance and PTL returns. Nothing here is committed as a binary: every file is built by code.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.config import PROJECT_ROOT
from pipeline.returns import get_return
from pipeline.spreadsheet.template import build_template
from tests.conftest import on_open_days, uec_rows
from tests.rows import dm01_rows, finance_row, ptl_rows, theatre_rows
from tests.workbooks import (
    Formula,
    Sheet,
    encrypted_workbook_bytes,
    ods_bytes,
    xlsx_bytes,
    zip_bomb_bytes,
)

Builder = Callable[[Path], Path]

#: A valid NHS number (the check digit works out), a birth date and a postcode: never echoed.
NHS_NUMBER = "943 476 5919"
BIRTH_DATE = "1957-03-14"
POSTCODE = "CH41 5LH"


@dataclass(frozen=True)
class Case:
    """One input and what should become of it."""

    id: str
    describe: str  # the input, as the docs' table names it
    did: str  # what the pipeline does with it, one line for the docs' table
    build: Builder  # writes the file into the inbox folder it is given; returns its path
    status: str  # "loaded", "rejected" or "waiting"
    fragment: str = ""  # part of the expected message: a problem's rule, or the outcome's
    org: str = "RJR"
    location: str | None = None  # where the problem holding ``fragment`` must point
    withheld: tuple[str, ...] = ()  # text that must appear in no report
    max_file_mb: float | None = None
    settle_seconds: float | None = None
    requires: Path | None = None  # a file the case is built from, skipped where it is absent


# --- building files -------------------------------------------------------------------------


def table(frame: pd.DataFrame) -> list[list[object]]:
    """Header and rows, as the cells of a sheet (numbers stay numbers)."""
    rows = [
        [
            None
            if pd.isna(v)
            else (
                int(v)
                if isinstance(v, bool | int) or (isinstance(v, float) and v.is_integer())
                else v
            )
            for v in row
        ]
        for row in frame.astype(object).itertuples(index=False)
    ]
    return [list(frame.columns), *rows]


def write(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def as_bytes(content: bytes | Callable[[], bytes], name: str = "return.xlsx") -> Builder:
    return lambda folder: write(folder, name, content() if callable(content) else content)


def as_csv(
    frame: pd.DataFrame | Callable[[], pd.DataFrame],
    name: str = "return.csv",
    encoding: str = "utf-8",
    **options: object,
) -> Builder:
    def build(folder: Path) -> Path:
        data = frame() if callable(frame) else frame
        text = data.to_csv(index=False, lineterminator="\r\n", **options)
        return write(folder, name, text.encode(encoding))

    return build


def as_text(text: str, name: str = "return.csv", encoding: str = "utf-8") -> Builder:
    return lambda folder: write(folder, name, text.encode(encoding))


def as_xlsx(sheets: Callable[[], Sequence[Sheet]], name: str = "return.xlsx") -> Builder:
    return lambda folder: write(folder, name, xlsx_bytes(sheets()))


def data_sheet(frame: pd.DataFrame, **options: object) -> Sequence[Sheet]:
    return [Sheet("Data", table(frame), **options)]


def csv_text(frame: pd.DataFrame, separator: str = ",") -> str:
    return frame.to_csv(index=False, sep=separator, lineterminator="\r\n")


def template_bytes(frame: pd.DataFrame) -> bytes:
    """The UEC template filled in with ``frame`` (openpyxl, as ``cmast template`` writes it)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "t.xlsx"
        typed = frame.assign(date=pd.to_datetime(frame["date"]))
        build_template(
            get_return("uec"),
            org_code="RJR",
            period="2023-10",
            sites=["RJR05"],
            path=path,
            rows=typed,
        )
        return path.read_bytes()


def valid_xlsx() -> bytes:
    return xlsx_bytes(data_sheet(uec_rows()))


# --- the UEC frames the cases start from ----------------------------------------------------


def uec(**changes: object) -> pd.DataFrame:
    """Two days with counts, the month's others closed; ``changes`` go on the two open days."""
    return on_open_days(uec_rows(days=2).astype(object), **changes)


def with_totals_row(labelled: bool) -> pd.DataFrame:
    frame = uec_rows(days=2)
    counts = frame.select_dtypes("number").sum()
    total = {
        **counts.to_dict(),
        "org_code": "RJR",
        "period": "2023-10",
        "site_code": "Total" if labelled else "",
        "date": "",
        "site_closed": "",
    }
    if labelled:  # a labelled total need not add up: people round, or total only some columns
        total["type1_attendances"] += 1
    return pd.concat([frame.astype(object), pd.DataFrame([total])], ignore_index=True)


def moved_down_sheet(header_at: int, error: bool = False) -> Sequence[Sheet]:
    """A title in A1, blank rows, and the table from row ``header_at`` and column B."""
    frame = uec(type3_attendances=[50, "fifty"]) if error else uec()
    rows = [[None, *r] for r in table(frame)]
    title = [["Urgent and emergency care return - RJR - October 2023"]]
    blank = [[] for _ in range(header_at - 2)]
    return [Sheet("Data", [*title, *blank, *rows])]


def million_formatted_rows() -> Sequence[Sheet]:
    """Someone formatted whole rows (a fill) down to the bottom of the sheet."""
    tail = (
        f'<row r="{r}" s="1" customFormat="1"><c r="A{r}" s="1"/><c r="Q{r}" s="1"/></row>'
        for r in range(4, 1_000_004)
    )
    return [Sheet("Data", table(uec()), tail=tail)]


def far_cell(ref: str, value: str) -> Sequence[Sheet]:
    row = "".join(ch for ch in ref if ch.isdigit())
    xml = (
        f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t>'
        "</is></c></row>"
    )
    return [Sheet("Data", table(uec()), tail=[xml])]


def far_row_unreferenced() -> Sequence[Sheet]:
    """A last row of 16,384 values whose cells carry no references (positions by order)."""
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 16_384
    return [Sheet("Data", table(uec()), tail=[f'<row r="1048576">{cells}</row>'])]


def formulas(cached: bool) -> Sequence[Sheet]:
    rows = table(uec())
    for r, row in enumerate(rows[1:], start=2):
        attendances = row[4]
        # type1_within_4h as a formula of the attendances beside it (70%).
        row[5] = Formula(f"ROUND(E{r}*0.7,0)", round(attendances * 0.7) if cached else None)
    return [Sheet("Data", rows)]


def merged_header() -> Sequence[Sheet]:
    rows = table(uec())
    rows[0][5] = None  # F1 lies under the merge E1:F1: its name is gone
    return [Sheet("Data", rows, merged=["E1:F1"])]


def hidden_sheets(data_name: str) -> Sequence[Sheet]:
    return [
        Sheet("Lookup", [["code", "name"], ["RJR05", "St Thomas'"]], hidden=True),
        Sheet(data_name, table(uec())),
        Sheet("Workings", [["scratch"], [1], [2]], hidden=True),
    ]


def excel_dates() -> Sequence[Sheet]:
    rows = table(uec())
    # 45200 is 1 October 2023: every day of the month as a serial number
    for row, serial in zip(rows[1:], range(45200, 45231), strict=True):
        row[3] = serial
    return [Sheet("Data", rows)]


def error_value() -> Sequence[Sheet]:
    rows = table(uec())
    rows[2][10] = Formula("1/0", "#DIV/0!")  # booked attendances
    return [Sheet("Data", rows)]


def ods_return() -> bytes:
    return ods_bytes(table(uec()))


def truncated() -> bytes:
    content = valid_xlsx()
    return content[: len(content) // 2]


def zip_of_csv() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("return.csv", csv_text(uec()))
    return buffer.getvalue()


#: NHS England's DM01 publication, a real legacy .xls, where ../shared is beside the project.
NHSE_XLS = PROJECT_ROOT.parent / "shared" / "reference" / "nhse" / "dm01_2024-10_provider.xls"


def bomb() -> bytes:
    return zip_bomb_bytes(valid_xlsx())


def cp1252_with_bom() -> bytes:
    frame = theatre_rows()
    frame.loc[1, "cancellation_reason"] = "Surgeon unwell – list cancelled (café closed)"
    return b"\xef\xbb\xbf" + csv_text(frame).encode("cp1252")


def utf16_tabs() -> bytes:
    # Excel's "Unicode Text" format: UTF-16 with a byte order mark, tab-separated.
    return csv_text(uec(), separator="\t").encode("utf-16")


def undefined_cp1252_byte() -> bytes:
    header, body = csv_text(uec()).encode().split(b"\r\n", 1)
    spacing = b",,,\r\n" * 1100  # blank rows push the byte past the first 4 KB
    return header + b"\r\n" + spacing + body.replace(b",50,49,", b",5\x81,49,", 1)


def nul_after_start() -> bytes:
    return csv_text(uec()).encode() + b" " * 5000 + b"\x00\x00\x00\r\n"


def symlink_outside(folder: Path) -> Path:
    """A link in the inbox to a valid return kept outside the data root."""
    outside = folder.parents[2] / "outside" / "secret_return.csv"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text(csv_text(uec()))
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "linked_return.csv"
    os.symlink(outside, link)
    return link


def fresh_file(folder: Path) -> Path:
    return write(folder, "still_copying.csv", csv_text(uec()).encode()[:300])


# --- the corpus -----------------------------------------------------------------------------


def _cases() -> list[Case]:
    r = random.Random(20231031)
    return [
        # Not a spreadsheet at all
        Case(
            "random_bytes",
            "Random bytes named `.xlsx`",
            "Refused: not a spreadsheet or CSV file",
            as_bytes(r.randbytes(6000)),
            "rejected",
            "not a spreadsheet or CSV file",
        ),
        Case(
            "zero_bytes",
            "A 0-byte file",
            "Refused: the file is empty",
            as_bytes(b"", "return.csv"),
            "rejected",
            "The file is empty",
        ),
        Case(
            "pdf",
            "A PDF named `.xlsx`",
            "Refused, naming what it is: a PDF document",
            as_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" * 40),
            "rejected",
            "is a PDF document",
        ),
        Case(
            "html",
            "A web page (HTML table) named `.xls`",
            "Refused: a web page, with how to save it as .xlsx",
            as_text(
                "<html><body><table><tr><td>org_code</td></tr></table></body></html>", "export.xls"
            ),
            "rejected",
            "web page (HTML)",
        ),
        Case(
            "zip_of_csv",
            "A zip of a CSV named `.xlsx`",
            "Refused: a zip archive, not a workbook",
            as_bytes(zip_of_csv),
            "rejected",
            "zip archive, not an Excel workbook",
        ),
        # Damaged, disguised or protected workbooks
        Case(
            "truncated",
            "A truncated workbook (first half of a valid `.xlsx`)",
            "Refused: damaged or incomplete",
            as_bytes(truncated),
            "rejected",
            "damaged or incomplete",
        ),
        Case(
            "ods_as_xlsx",
            "An OpenDocument (`.ods`) return named `.xlsx`",
            "Loaded: recognised by content and read",
            as_bytes(ods_return),
            "loaded",
        ),
        Case(
            "xls_as_xlsx",
            "A legacy `.xls` (NHS England's DM01 publication) named `.xlsx`",
            "Read for what it is, then refused: its header matches no return",
            as_bytes(lambda: NHSE_XLS.read_bytes()),
            "rejected",
            "does not match any CMAST return template",
            requires=NHSE_XLS,
        ),
        Case(
            "encrypted",
            "A password-protected (encrypted OLE) workbook",
            "Refused unread: password-protected, with how to remove it",
            as_bytes(encrypted_workbook_bytes),
            "rejected",
            "password-protected",
        ),
        Case(
            "zip_bomb",
            "A zip bomb: 2 MB inflating to 2 GiB",
            "Refused from the zip directory's sizes, before any reading",
            as_bytes(bomb),
            "rejected",
            "would unpack to",
        ),
        Case(
            "far_cell",
            "One value in the sheet's last cell (XFD1048576)",
            "Refused before reading: the sheet spans 17 billion cells (calamine would abort)",
            as_xlsx(lambda: far_cell("XFD1048576", "x")),
            "rejected",
            "cells: something has",
        ),
        Case(
            "far_row_unreferenced",
            "A full last row of values written without cell references",
            "Refused before reading: the positions are counted, 17 billion cells",
            as_xlsx(far_row_unreferenced),
            "rejected",
            "cells: something has",
        ),
        Case(
            "unreferenced",
            "A workbook whose cells carry no references (some libraries)",
            "Loaded",
            as_xlsx(lambda: [Sheet("Data", table(uec()), references=False)]),
            "loaded",
        ),
        Case(
            "million_rows",
            "A million empty formatted rows under the data",
            "Loaded: formatting-only rows are not read (about 2 s, little memory)",
            as_xlsx(million_formatted_rows),
            "loaded",
        ),
        Case(
            "far_space",
            "A stray space a million rows down (Q1048576)",
            "Loaded: whitespace rows at the end are skipped (calamine briefly holds the range, "
            "about 600 MB)",
            as_xlsx(lambda: far_cell("Q1048576", " ")),
            "loaded",
        ),
        Case(
            "formulas_uncached",
            "Formulas with no saved values (as openpyxl writes them)",
            "Refused, naming each cell: open and save in Excel, or paste values",
            as_xlsx(lambda: formulas(cached=False)),
            "rejected",
            "cell holds a formula with no saved value: open and save in Excel, or paste values",
            location="Data!F2",
        ),
        Case(
            "formulas_cached",
            "Formulas with saved values (as Excel writes them)",
            "Loaded: the saved values are read",
            as_xlsx(lambda: formulas(cached=True)),
            "loaded",
        ),
        Case(
            "error_value",
            "An Excel error value (`#DIV/0!`) in a count",
            "Refused: must be a whole number, naming the cell",
            as_xlsx(error_value),
            "rejected",
            "must be a whole number",
            location="Data!K3",
        ),
        Case(
            "merged_header",
            "Merged header cells (E1:F1)",
            "Refused: the column under the merge has values but no name; the missing column",
            as_xlsx(merged_header),
            "rejected",
            "has values but no name in the header row",
            location="Data!F2",
        ),
        Case(
            "header_moved_down",
            "A title and blank rows above the header (table from B4)",
            "Loaded: the header is found in the first 10 rows",
            as_xlsx(lambda: moved_down_sheet(4)),
            "loaded",
        ),
        Case(
            "header_moved_down_error",
            "A title above the header, and a wrong cell below it",
            "Refused, naming the cell where it is in Excel (Data!J6)",
            as_xlsx(lambda: moved_down_sheet(4, error=True)),
            "rejected",
            "must be a whole number",
            location="Data!J6",
        ),
        Case(
            "header_too_far_down",
            "A header below row 10",
            "Refused: the header row does not match any return",
            as_xlsx(lambda: moved_down_sheet(12)),
            "rejected",
            "does not match any CMAST",
        ),
        Case(
            "hidden_sheets",
            "Hidden extra sheets around the Data sheet",
            "Loaded: the Data sheet is read",
            as_xlsx(lambda: hidden_sheets("Data")),
            "loaded",
        ),
        Case(
            "hidden_first_sheet",
            "A hidden first sheet and no sheet named Data",
            "Loaded: the first visible sheet is read",
            as_xlsx(lambda: hidden_sheets("October")),
            "loaded",
        ),
        Case(
            "template",
            "The template, filled in (openpyxl)",
            "Loaded",
            as_bytes(lambda: template_bytes(uec_rows(days=2))),
            "loaded",
        ),
        # Rows and columns
        Case(
            "totals_labelled",
            "A totals row labelled Total at the bottom",
            "Refused once for the row: looks like a totals row",
            as_csv(lambda: with_totals_row(True)),
            "rejected",
            "looks like a totals row",
            location="line 33",
        ),
        Case(
            "totals_unlabelled",
            "An unlabelled totals row (each figure the sum of the rows)",
            "Refused once for the row: looks like a totals row",
            as_csv(lambda: with_totals_row(False)),
            "rejected",
            "looks like a totals row: each figure",
            location="line 33",
        ),
        Case(
            "duplicated_column",
            "A column given twice",
            "Refused: the header repeats the column",
            as_csv(lambda: pd.concat([uec(), uec()[["booked_attendances"]]], axis=1)),
            "rejected",
            "repeats the column 'booked_attendances'",
        ),
        Case(
            "extra_column",
            "An extra column (notes)",
            "Refused: not part of the template",
            as_csv(lambda: uec().assign(notes="checked")),
            "rejected",
            "The column 'notes' is not part of the",
        ),
        Case(
            "wide_header",
            "A header of 20,000 columns",
            "Refused in a second: the first 50 extra columns named, the rest counted",
            as_text(
                "org_code,period,site_code,"
                + ",".join(f"c{i}" for i in range(20_000))
                + "\r\nRJR,2023-10,RJR05\r\n"
            ),
            "rejected",
            "19,950 more columns are not part of the",
        ),
        Case(
            "reordered_columns",
            "Columns in another order",
            "Loaded",
            as_csv(lambda: uec()[list(reversed(uec().columns))]),
            "loaded",
        ),
        Case(
            "blank_rows",
            "Blank rows between data rows",
            "Loaded: blank rows skipped",
            as_text(
                csv_text(uec()).replace(
                    "\r\nRJR,2023-10,RJR05,2023-10-02",
                    "\r\n,,,\r\n\r\nRJR,2023-10,RJR05,2023-10-02",
                )
            ),
            "loaded",
        ),
        Case(
            "junk_rows",
            "5,000 rows of junk under a UEC header (every cell wrong)",
            "Refused in seconds: the unreadable cells counted, 100 listed per column, rules "
            "not checked",
            as_csv(lambda: pd.DataFrame([["x"] * 18] * 5000, columns=uec().columns)),
            "rejected",
            "could not be read as their column's kind",
        ),
        Case(
            "every_row_wrong",
            "The same mistake in 3,100 rows",
            "Refused: the first 100 listed, then how many more",
            as_csv(
                lambda: pd.concat([uec_rows(days=31)] * 100, ignore_index=True).assign(
                    type3_attendances="n/a"
                )
            ),
            "rejected",
            "3,000 more rows like the ones listed (3,100 in all)",
        ),
        Case(
            "huge_count",
            "A count of 10^20",
            "Refused: far too large for a count",
            as_csv(lambda: uec(ga_beds_occupied=[500, 10**20])),
            "rejected",
            "far too large for a count",
            location="line 3",
        ),
        # CSV dialects
        Case(
            "cp1252_bom",
            "CSV in Windows-1252 with a UTF-8 byte order mark (theatres)",
            "Loaded: the mark is dropped and the text read as Windows-1252",
            as_bytes(cp1252_with_bom, "theatres.csv"),
            "loaded",
        ),
        Case(
            "semicolons",
            "CSV with `;` separators",
            "Loaded",
            as_text(csv_text(uec(), ";")),
            "loaded",
        ),
        Case(
            "utf16_tabs",
            "UTF-16, tab-separated (Excel's Unicode Text)",
            "Loaded",
            as_bytes(utf16_tabs, "return.txt"),
            "loaded",
        ),
        Case(
            "thousands",
            'Quoted thousands separators ("1,234")',
            "Loaded as 1234",
            as_csv(lambda: uec(ga_beds_occupied=["1,234", "1,234"])),
            "loaded",
        ),
        Case(
            "title_line_csv",
            "A title line and a blank line above a CSV header",
            "Loaded: positions reported by the file's own line numbers",
            as_text("UEC return RJR October 2023\r\n\r\n" + csv_text(uec())),
            "loaded",
        ),
        Case(
            "ragged",
            "A CSV line with one value too many",
            "Refused: line 2 has 19 values but the header has 18",
            as_text(csv_text(uec()).replace("\r\n", ",9\r\n", 2).replace(",9\r\n", "\r\n", 1)),
            "rejected",
            "Line 2 has 19 values but the header has 18",
        ),
        Case(
            "open_quote",
            "An unclosed double quote",
            "Refused: the quote is never closed",
            as_text(csv_text(uec()).replace("RJR05,2023-10-02", '"RJR05,2023-10-02')),
            "rejected",
            "is never closed",
        ),
        Case(
            "undefined_byte",
            "A byte Windows-1252 leaves undefined (0x81), past the first 4 KB",
            "Refused: the cell is not a whole number (no decoding crash)",
            as_bytes(undefined_cp1252_byte, "return.csv"),
            "rejected",
            "must be a whole number",
        ),
        Case(
            "nul_bytes",
            "NUL bytes after the first 4 KB of a CSV",
            "Refused with a message, no crash",
            as_bytes(nul_after_start, "return.csv"),
            "rejected",
            "must not be blank",
        ),
        # Values
        Case(
            "dates_text",
            "Dates as text: 01/10/2023, 2 Oct 2023, 2023-10-03, 04-Oct-2023, 5 October 2023",
            "Loaded: each form read as meant",
            as_csv(
                lambda: on_open_days(
                    uec_rows(days=5),
                    date=[
                        "01/10/2023",
                        "2 Oct 2023",
                        "2023-10-03",
                        "04-Oct-2023",
                        "5 October 2023",
                    ],
                )
            ),
            "loaded",
        ),
        Case(
            "partial_month",
            "A UEC return with 20 of October's 31 days (a partial export)",
            "Refused, the missing days named: site RJR05: 11 days missing: 21 to 31 October "
            "2023; the full return before it stays current",
            as_csv(lambda: uec_rows(days=20).iloc[:20]),
            "rejected",
            "site RJR05: 11 days missing: 21 to 31 October 2023",
        ),
        Case(
            "closed_days",
            "The same 20 days, the other 11 marked `site_closed` yes with 0s",
            "Loaded",
            as_csv(lambda: uec_rows(days=20)),
            "loaded",
        ),
        Case(
            "closed_with_attendances",
            "A day marked closed with attendances on it",
            "Refused: a day marked closed cannot have attendances",
            as_csv(lambda: uec_rows(days=2).assign(site_closed=["yes"] + [""] + ["yes"] * 29)),
            "rejected",
            "A day marked closed cannot have attendances or occupied beds",
            location="line 2",
        ),
        Case(
            "no_closed_column",
            "A whole month without the `site_closed` column",
            "Loaded: the column is optional",
            as_csv(lambda: uec_rows(days=31).drop(columns="site_closed")),
            "loaded",
        ),
        Case(
            "dates_serial",
            "Dates as Excel serial numbers (45200)",
            "Loaded",
            as_xlsx(excel_dates),
            "loaded",
        ),
        Case(
            "dates_us",
            "A US-style date (10/13/2023)",
            "Refused: must be a date",
            as_csv(lambda: uec(date=["2023-10-01", "10/13/2023"])),
            "rejected",
            "must be a date",
            location="line 3",
        ),
        Case(
            "suppressed_star",
            "A suppression marker `*` in a count",
            "Refused: a whole number, not a suppression marker",
            as_csv(lambda: uec(type2_attendances=[0, "*"])),
            "rejected",
            "not a suppression marker",
        ),
        Case(
            "suppressed_dash",
            "A suppression marker `-` in a count",
            "Refused: a whole number, not a suppression marker",
            as_csv(lambda: uec(booked_within_4h=["-", 4])),
            "rejected",
            "not a suppression marker",
        ),
        Case(
            "dm01_suppressed",
            "DM01: a `*` in a waiting count",
            "Refused: not a suppression marker",
            as_csv(
                lambda: (
                    dm01_rows()
                    .astype({"number": object})
                    .assign(number=[10, 4, 3, "*", 2, 20, 5, 7, 30])
                ),
                "dm01.csv",
            ),
            "rejected",
            "not a suppression marker",
        ),
        Case(
            "finance_accounting",
            "Finance: accounting formats (£5,100, (6,150.5), -)",
            "Loaded: read as 5100, -6150.5 and 0",
            as_csv(
                lambda: (
                    finance_row()
                    .astype(object)
                    .assign(
                        cip_ytd_recurrent="£5,100",
                        ytd_actual_surplus_deficit="(6,150.5)",
                        cash_support_received="-",
                    )
                ),
                "finance.csv",
            ),
            "loaded",
        ),
        Case(
            "codes_messy",
            "Codes in lower case with trailing spaces ('rjr05 ')",
            "Loaded: codes trimmed and upper-cased",
            as_csv(lambda: uec(org_code="rjr ", site_code=[" rjr05", "rjr05  "])),
            "loaded",
        ),
        Case(
            "future_period",
            "A return for a future period",
            "Refused: in the future",
            as_csv(lambda: uec_rows(period="2031-01", site="RJR05")),
            "rejected",
            "The period is in the future",
        ),
        Case(
            "other_trust",
            "Another trust's org code",
            "Refused: sent through RJR's inbox",
            as_csv(lambda: uec_rows(org="REM", site="REM21")),
            "rejected",
            "but was sent through the inbox of RJR",
        ),
        # Patient identifiers
        Case(
            "nhs_numbers",
            "NHS numbers in a text column (theatres)",
            "Refused: column and row count named, values never shown",
            as_csv(
                lambda: theatre_rows().assign(theatre=f"Theatre for {NHS_NUMBER}"), "theatres.csv"
            ),
            "rejected",
            "look like NHS numbers",
            withheld=(NHS_NUMBER, NHS_NUMBER.replace(" ", "")),
        ),
        Case(
            "dob_column",
            "A date-of-birth column (`dob`)",
            "Refused: the header names dates of birth; values never shown",
            as_csv(lambda: uec().assign(dob=BIRTH_DATE)),
            "rejected",
            "looks like it holds patients' dates of birth",
            withheld=(BIRTH_DATE,),
        ),
        Case(
            "dob_values",
            "Birth dates in a date column",
            "Refused: may be dates of birth; values never shown",
            as_csv(lambda: uec(date=["2023-10-01", BIRTH_DATE])),
            "rejected",
            "which may be dates of birth",
            withheld=(BIRTH_DATE,),
        ),
        Case(
            "postcode",
            "A postcode in a free-text column (theatres)",
            "Refused: look like postcodes; values never shown",
            as_csv(
                lambda: theatre_rows().assign(
                    cancellation_reason=["", f"Patient moved to {POSTCODE}", ""]
                ),
                "theatres.csv",
            ),
            "rejected",
            "what look like postcodes",
            withheld=(POSTCODE,),
        ),
        Case(
            "ptl_nhs_id",
            "PTL (CSV, bulk path): an NHS number as a pathway id",
            "Refused: values never shown",
            as_csv(
                lambda: ptl_rows().assign(
                    pathway_id=[NHS_NUMBER.replace(" ", ""), *ptl_rows()["pathway_id"][1:]]
                ),
                "ptl.csv",
            ),
            "rejected",
            "look like NHS numbers",
            org="REM",
            withheld=(NHS_NUMBER.replace(" ", ""),),
        ),
        Case(
            "ptl_birth_date",
            "PTL (CSV, bulk path): a birth date as a clock start",
            "Refused: may be dates of birth; values never shown",
            as_csv(
                lambda: ptl_rows().assign(
                    clock_start_date=[BIRTH_DATE, *ptl_rows()["clock_start_date"][1:]]
                ),
                "ptl.csv",
            ),
            "rejected",
            "which may be dates of birth",
            org="REM",
            withheld=(BIRTH_DATE,),
        ),
        # Names and places
        Case(
            "name_unicode",
            "A file name with spaces and unicode ('UEC Octobre – été (final).csv')",
            "Loaded: archived under its hash",
            as_csv(uec, "UEC Octobre – été (final).csv"),
            "loaded",
        ),
        Case(
            "name_traversal",
            r"A file name with `..` and backslashes ('..\..\etc\passwd..csv')",
            "Refused (not a return); quarantined under a safe name inside the data root",
            as_text("root:x:0:0", r"..\..\etc\passwd..csv"),
            "rejected",
            "does not match any CMAST return",
        ),
        Case(
            "name_long",
            "A 250-byte file name",
            "Refused (not a return); the quarantine name is shortened",
            as_text("nothing here", "é" * 100 + "x" * 42 + ".csv"),
            "rejected",
            "does not match any CMAST return",
        ),
        Case(
            "name_controls",
            "A file name with a newline, a tab and a bell character",
            "Refused (not a return); quarantined under a safe name",
            as_text("nothing here", "a\nb\tc\x07.csv"),
            "rejected",
            "does not match any CMAST",
        ),
        Case(
            "symlink",
            "A symbolic link in the inbox to a return outside the data root",
            "Refused unread: the link is quarantined, its target untouched",
            symlink_outside,
            "rejected",
            "is a link",
        ),
        Case(
            "too_large",
            "A file over `CMAST_MAX_FILE_MB`",
            "Refused unread: over the limit",
            as_csv(uec),
            "rejected",
            "over the 0.0001 MB limit",
            max_file_mb=0.0001,
        ),
        Case(
            "still_copying",
            "A file still being written when the inbox is scanned",
            "Left in the inbox for the next scan (`CMAST_SETTLE_SECONDS`)",
            fresh_file,
            "waiting",
            settle_seconds=60,
        ),
    ]


CASES = _cases()

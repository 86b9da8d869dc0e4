"""Looking inside a workbook before the reader does: its size unpacked, its extent, its formulas.

calamine (under fastexcel) trusts the file it is given. It inflates whatever a zip holds and
allocates one slot (about 32 bytes) for every cell of a sheet's used range, so a 2 MB zip that
inflates to 2 GiB, or a single value typed into the last cell of a sheet (XFD1048576, a range of
17 billion cells), makes it ask for hundreds of GB. That ends the process with an out-of-memory
abort that no ``except`` can catch, and the file, still in the inbox, would do the same at every
later scan. So before calamine sees a zip-based file, this module

- reads the zip's directory (declared sizes, never the content) and refuses a file that would
  unpack to far more than any return needs, or that unpacks at a ratio only a crafted file has;
- streams the XML of each sheet to be read, with the declared sizes already known to be sane,
  and refuses a sheet whose used range is too large; it also finds formula cells that were
  never calculated (openpyxl and other libraries write formulas without the result, and calamine
  reads such a cell as blank, which would be reported as a blank cell, not what it is).

Legacy ``.xls`` needs no check: the format caps a sheet at 65,536 x 256 cells.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from operator import itemgetter
from xml.etree import ElementTree

from openpyxl.utils import column_index_from_string

from pipeline.validation.problems import FileProblem, Problem, file_problem

#: A workbook unpacking to more than this is refused: a full Excel sheet of a million rows of
#: numbers is about 0.6 GB of XML.
MAX_UNPACKED_BYTES = 3_000_000_000
#: Sheet XML compresses about 5 to 20 times; a part over ``RATIO_FLOOR_BYTES`` compressed more
#: than this many times is crafted (deflate's ceiling is about 1,030).
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 50_000_000
#: The largest used range read: about 640 MB inside calamine, before pandas. A return's sheet is
#: far smaller (a PTL of 150,000 pathways in a workbook is about a million cells).
MAX_CELLS = 20_000_000
#: Uncalculated formula cells listed one by one; the rest are counted.
LISTED = 20

_CHUNK = 1 << 22
#: What reading a damaged zip member can raise: a bad header, a bad deflate stream, a method
#: or encryption zipfile does not support, XML that does not parse.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    NotImplementedError,
    RuntimeError,
    ElementTree.ParseError,
)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_RELS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


@dataclass
class SheetFacts:
    """What a sheet's XML says before it is read: where its used range starts (1-based row and
    column), how many cells it spans, and formula cells with no saved result."""

    first_row: int = 1
    first_column: int = 1
    cells: int = 0
    uncalculated: list[str] = field(default_factory=list)  # cell references, e.g. "E7"
    uncalculated_count: int = 0


def check_zip_sizes(archive: zipfile.ZipFile, file_bytes: int) -> None:
    """Refuse a zip whose declared unpacked size or ratio no real return has."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1), default=None)
    if (
        worst is not None
        and worst.file_size > RATIO_FLOOR_BYTES
        and (worst.file_size / max(worst.compress_size, 1) > MAX_RATIO)
    ):
        ratio = worst.file_size / max(worst.compress_size, 1)
        raise file_problem(
            f"The workbook would unpack to {_mb(total)} from {_mb(file_bytes)} ({ratio:,.0f} "
            "times its size): refused unread, as only a damaged or deliberately built file "
            "expands this much",
            "Open the return in Excel, check it is the right file, save it as a new .xlsx and "
            "send that.",
        )
    if total > MAX_UNPACKED_BYTES:
        raise file_problem(
            f"The workbook would unpack to {_mb(total)}, more than the {_mb(MAX_UNPACKED_BYTES)} "
            "any return needs: refused unread",
            "Check it is the right file; send the return alone, without other sheets or "
            "pictures, or as CSV.",
        )


@dataclass(frozen=True)
class SheetPart:
    """A worksheet as the workbook lists it: the zip member with its XML, and whether hidden."""

    part: str
    hidden: bool


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, SheetPart]:
    """Sheet name -> its part and visibility, from the workbook and its relationships, in the
    workbook's order."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_RELS}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_DOC_RELS}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = SheetPart(part, sheet.get("state", "visible") != "visible")
    return parts


# A cell tag with its attributes; group 2 is "/" for an empty cell (<c r="A1" s="3"/>), which
# calamine does not count. A prefix (x:c) appears in files some libraries write.
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])([^>]*?)(/?)>")
# The common form of a cell with a value, reference first and no namespace prefix (Excel,
# openpyxl and most libraries write it so): matched at C speed, the literal start letting the
# search skip ahead. "/" cannot occur in a cell's attributes, so excluding it leaves out empty
# cells. Any other form (x:c, say) is counted by the exact walk instead.
_VALUE_CELL_REF = re.compile(rb"<c r=\"([A-Z]{1,3})([0-9]{1,7})\"[^>/]*>")
_REF = re.compile(rb"\br=\"([A-Z]{1,3})?([0-9]{1,7})\"")
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s>/])([^>]*?)(/?)>")
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def sheet_facts(archive: zipfile.ZipFile, part: str) -> SheetFacts:
    """The used range of a sheet's value cells and its uncalculated formulas, by streaming.

    Every cell with a value has a closing tag (``</c>``); when each of those is matched by the
    fast pattern, its reference gives the range. Otherwise (references left out, or written in
    another order) every tag is walked, which is slower but exact.
    """
    rows: list[int] = []
    columns: set[bytes] = set()
    matched = closed = 0
    formulas = False
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag may straddle chunks: keep it for the next round
            text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            found = _VALUE_CELL_REF.findall(text)
            if found:
                numbers = list(map(int, map(_SECOND, found)))  # no Python code per cell
                rows += (min(numbers), max(numbers))
                columns.update(map(_FIRST, found))
            matched += len(found)
            closed += text.count(b"</c>") + text.count(b":c>")
            # The pattern is slow to try at every "<": it runs only where a plain search
            # finds something that could be a formula tag.
            if not formulas and (b"<f" in text or b":f" in text):
                formulas = _FORMULA.search(text) is not None
    facts = SheetFacts()
    if matched != closed:
        facts.first_row, facts.first_column, facts.cells = _counted_extent(archive, part)
    elif rows:
        indexes = [column_index_from_string(c.decode()) for c in columns]
        facts.first_row, facts.first_column = min(rows), min(indexes)
        facts.cells = (max(rows) - min(rows) + 1) * (max(indexes) - min(indexes) + 1)
    if formulas:
        facts.uncalculated, facts.uncalculated_count = _uncalculated(archive, part)
    return facts


def _counted_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int, int]:
    """The used range found by walking every row and cell tag (the slow way, rarely needed)."""
    row = 0
    column = 0
    top = left = None
    bottom = right = 0
    tag = re.compile(_ROW.pattern + rb"|" + _CELL.pattern)
    with archive.open(part) as stream:
        text = stream.read()
    for match in tag.finditer(text):
        if match.group(1) is not None:  # a row tag (the first alternative)
            ref = _REF.search(match.group(1))
            row = int(ref.group(2)) if ref else row + 1
            column = 0
            continue
        attributes, empty = match.group(3) or b"", match.group(4)
        ref = _REF.search(attributes)
        if ref and ref.group(1):
            column = column_index_from_string(ref.group(1).decode())
            row = int(ref.group(2))
        else:
            column += 1
        if not empty:
            top = row if top is None else min(top, row)
            left = column if left is None else min(left, column)
            bottom, right = max(bottom, row), max(right, column)
    if top is None or left is None:
        return 1, 1, 0
    return top, left, (bottom - top + 1) * (right - left + 1)


def _uncalculated(archive: zipfile.ZipFile, part: str) -> tuple[list[str], int]:
    """Formula cells without a saved result: their references (the first few) and count."""
    listed: list[str] = []
    count = 0
    with archive.open(part) as stream:
        for _, element in ElementTree.iterparse(stream):
            if element.tag.rsplit("}", 1)[-1] != "c":
                continue
            children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
            value = children.get("v")
            if "f" in children and (value is None or not (value.text or "").strip()):
                count += 1
                if len(listed) < LISTED:
                    listed.append(element.get("r", "?"))
            element.clear()
    return listed, count


_PLAIN_XLSX = (
    'In Excel: File > Save As, choose "Excel Workbook (*.xlsx)" (not "Excel '
    'Macro-Enabled Workbook"), and send that copy'
)


def active_content_problem(archive: zipfile.ZipFile) -> FileProblem | None:
    """A workbook that carries active content is refused, never read from its cached values:
    a macro project (an .xlsm, or an .ods with Basic or scripts), or links to other workbooks or
    to programs (DDE) whose values are whatever they were when it was last saved, and whose
    formulas would still be live in the copy kept."""
    names = archive.namelist()
    if "xl/vbaProject.bin" in names or any(n.startswith(("Basic/", "Scripts/")) for n in names):
        return file_problem(
            "The workbook holds macros (a macro-enabled workbook, such as an .xlsm), which are "
            "never opened here",
            _PLAIN_XLSX + ": the macros are left out and the values kept.",
        )
    links = [n for n in names if n.startswith("xl/externalLinks/") and n.endswith(".xml")]
    if not links:
        return None
    dde = False
    for name in links:
        with archive.open(name) as stream:
            dde = dde or b"ddeLink" in stream.read(1 << 20)
    if dde:
        return file_problem(
            "The workbook has DDE links (formulas that fetch values from another program), so "
            "its values are only what they were when it was last saved",
            "Replace those formulas by their values (copy, then Paste Special > Values), then "
            + _PLAIN_XLSX[0].lower()
            + _PLAIN_XLSX[1:]
            + ".",
        )
    return file_problem(
        f"The workbook links to {len(links)} other workbook{'s' if len(links) != 1 else ''} "
        "(external links), so its values are only what they were when it was last saved",
        "Break the links (Data > Edit Links > Break Link), which keeps the values, save, and "
        "send it again as an Excel Workbook (.xlsx).",
    )


def check_extent(facts: SheetFacts, sheet: str) -> None:
    """Refuse a sheet whose used range is larger than calamine can safely hold."""
    if facts.cells > MAX_CELLS:
        raise file_problem(
            f"The sheet {sheet!r} spans {facts.cells:,} cells: something has been typed far "
            "below or to the right of the table (press Ctrl+End in Excel to find it)",
            "Delete the rows below the data and the columns to its right (select them, "
            "right-click, Delete), save, and send the file again.",
        )


def uncalculated_problems(facts: SheetFacts, sheet: str) -> FileProblem | None:
    """One problem per formula cell with no saved value, located, or None if there are none."""
    if not facts.uncalculated_count:
        return None
    rule = "cell holds a formula with no saved value: open and save in Excel, or paste values"
    hint = (
        "The file was written by a program that saves formulas without working them out. "
        "Open it in Excel and save it (Excel calculates and stores the values), or copy the "
        "data and paste it back as values."
    )
    problems = [
        Problem(rule=rule, hint=hint, location=f"{sheet}!{ref}") for ref in facts.uncalculated
    ]
    more = facts.uncalculated_count - len(facts.uncalculated)
    if more > 0:
        problems.append(
            Problem(
                rule=f"{more:,} more cells hold formulas with no saved value",
                hint=hint,
                location=sheet,
            )
        )
    return FileProblem(problems)


# --- OpenDocument ---------------------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>]*?)(/?)>"
)
_REPEAT_ROWS = re.compile(rb"number-rows-repeated=\"(\d+)\"")
_REPEAT_COLUMNS = re.compile(rb"number-columns-repeated=\"(\d+)\"")


def ods_extent(archive: zipfile.ZipFile) -> SheetFacts:
    """The largest used range of any table in an OpenDocument file, counting repeats.

    A cell or row can say "repeated 1,048,576 times"; calamine expands repeats of cells with a
    value, so a few bytes can stand for billions of cells. An empty repeated cell counts for
    nothing (every spreadsheet program writes those to the sheet's edge).
    """
    content = archive.read("content.xml")
    widest = SheetFacts()
    next_row, row, row_repeat, column = 1, 1, 1, 0
    top = left = None
    bottom = right = 0
    for match in _ODS_TAG.finditer(content):
        kind, attributes, empty = match.group(1), match.group(2), match.group(3)
        if kind == b"table":  # a new sheet: its range is measured afresh
            widest = _larger(widest, top, left, bottom, right)
            next_row, top, left, bottom, right = 1, None, None, 0, 0
        elif kind == b"table-row":
            repeat = _REPEAT_ROWS.search(attributes)
            row, row_repeat = next_row, int(repeat.group(1)) if repeat else 1
            next_row += row_repeat
            column = 0
        else:
            repeat = _REPEAT_COLUMNS.search(attributes)
            span = int(repeat.group(1)) if repeat else 1
            if not empty or b"value-type" in attributes:
                top = row if top is None else min(top, row)
                left = column + 1 if left is None else min(left, column + 1)
                bottom, right = max(bottom, row + row_repeat - 1), max(right, column + span)
            column += span
    return _larger(widest, top, left, bottom, right)


def _larger(
    current: SheetFacts, top: int | None, left: int | None, bottom: int, right: int
) -> SheetFacts:
    if top is None or left is None:
        return current
    cells = (bottom - top + 1) * (right - left + 1)
    if cells <= current.cells:
        return current
    return SheetFacts(first_row=top, first_column=left, cells=cells)


# --- OLE2 (legacy .xls, and encrypted workbooks of any kind) ---------------------------------

_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def is_encrypted_ole(content: bytes) -> bool:
    """True for an OLE2 file holding an ``EncryptedPackage`` stream: how Excel saves an .xlsx
    with a password to open. (Searching the bytes for the stream's name is enough: directory
    entries store names as UTF-16 text.)"""
    return _ENCRYPTED_STREAM in content


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB" if size >= 1_000_000 else f"{size / 1000:,.0f} KB"

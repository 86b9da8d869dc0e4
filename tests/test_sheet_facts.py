"""The used range of a sheet, found by streaming its XML before the reader loads it: the same
whether cells are written the common way or with a namespace prefix (which takes the exact,
slower walk)."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.spreadsheet import inspect

PART = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(prefix: str, formula: bool = False) -> bytes:
    p = f"{prefix}:" if prefix else ""
    declared = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    value = f"<{p}f>1+1</{p}f><{p}v>2</{p}v>" if formula else f"<{p}v>2</{p}v>"
    # Values at B3, D3 and C5; an empty styled cell at F9 does not count.
    return (
        f'<?xml version="1.0"?><{p}worksheet {declared}><{p}sheetData>'
        f'<{p}row r="3"><{p}c r="B3" t="inlineStr"><{p}is><{p}t>a</{p}t></{p}is></{p}c>'
        f'<{p}c r="D3"><{p}v>1</{p}v></{p}c></{p}row>'
        f'<{p}row r="5"><{p}c r="C5">{value}</{p}c></{p}row>'
        f'<{p}row r="9"><{p}c r="F9" s="1"/></{p}row>'
        f"</{p}sheetData></{p}worksheet>"
    ).encode()


def _facts(xml: bytes) -> inspect.SheetFacts:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(PART, xml)
    with zipfile.ZipFile(buffer) as archive:
        return inspect.sheet_facts(archive, PART)


@pytest.mark.parametrize("prefix", ["", "x"])
def test_used_range_of_value_cells(prefix):
    facts = _facts(_sheet(prefix))
    # Rows 3 to 5 and columns B to D: 3 x 3 cells, starting at B3.
    assert (facts.first_row, facts.first_column, facts.cells) == (3, 2, 9)
    assert facts.uncalculated_count == 0


@pytest.mark.parametrize("prefix", ["", "x"])
def test_a_formula_is_noticed(prefix):
    assert _facts(_sheet(prefix, formula=True)).uncalculated_count == 0  # it has a value
    without_value = _sheet(prefix, formula=True).replace(
        f"<{prefix + ':' if prefix else ''}v>2</{prefix + ':' if prefix else ''}v>".encode(), b""
    )
    assert _facts(without_value).uncalculated_count == 1

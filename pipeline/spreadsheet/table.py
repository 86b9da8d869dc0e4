"""From a grid of cells, as read, to the table under its header.

The grid is every cell of the sheet's used range (or every line of a CSV), header not yet known.
Here the header is found (``pipeline.spreadsheet.header``), its names normalised, blank rows
dropped (they keep their numbers, so problems name the row a person sees), and columns with
values but no name reported, since merged header cells leave such columns.

A grid can be very wide: one value typed in column XFD makes 16,384 columns, and a hostile
header line can have tens of thousands of names. Column-by-column work in pandas costs about
a millisecond a column, so the grid is first looked at as one array: empty columns at the right
are dropped, only named columns (and the first few unnamed ones holding something) are looked
at closely, and a header naming more columns than any return has is passed on without its rows
(the header check refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from pipeline.returns.registry import normalise_header
from pipeline.spreadsheet.header import SEARCHED_ROWS, find_header, is_blank
from pipeline.validation.problems import Layout, Problem

#: No return has anywhere near this many columns; a wider header is refused by its names alone.
WIDEST = 200
#: Unnamed columns holding values that are reported one by one; the rest are counted.
LISTED = 20

_UNNAMED_HINT = (
    "Unmerge the header cells and give every column its own name from the "
    "template, or delete the column."
)


@dataclass
class RawTable:
    """The table read from a file: text cells under normalised headers, and where they sat.

    ``frame`` is indexed by data row (0 = the row under the header; blank rows dropped keep
    their numbers). ``header_problems`` are columns the header row cannot name (a value under
    an empty header cell, as merged header cells leave).
    """

    frame: pd.DataFrame
    layout: Layout
    file_kind: str  # "xlsx", "xls", "ods" or "csv"
    about: dict[str, str] = field(default_factory=dict)  # the template's About sheet, if any
    header_problems: list[Problem] = field(default_factory=list)


def build_table(
    grid: pd.DataFrame,
    *,
    sheet: str | None,
    kind: str,
    header_row: int | None,
    first_column: int,
    first_row: int = 1,
) -> RawTable:
    """The table under the header found in ``grid``.

    ``header_row`` is the header's 1-based line for CSV (the grid starts there); for a sheet it
    is worked out from where the grid starts (``first_row``, the used range's first row).
    """
    cells = grid.to_numpy(dtype=object)
    present = ~pd.isna(cells)
    present[present] = cells[present] != ""  # CSV gives "" for an empty cell
    used = np.flatnonzero(present.any(axis=0))
    width = int(used[-1]) + 1 if used.size else 0
    top = [
        [cells[r, c] if present[r, c] else None for c in range(width)]
        for r in range(min(SEARCHED_ROWS + 2, len(cells)))
    ]
    found = 0 if kind == "csv" else find_header(top)
    header_row = header_row if header_row is not None else first_row + found
    headers = [normalise_header(v) if not is_blank(v) else "" for v in top[found]] if top else []
    layout = Layout(
        sheet=sheet, header_row=header_row, columns=tuple(headers), first_column=first_column
    )
    body = grid.iloc[found + 1 :, :width].reset_index(drop=True)
    body.columns = range(width)
    named = [p for p, name in enumerate(headers) if name]
    if len(named) > WIDEST:
        return RawTable(
            frame=pd.DataFrame(columns=[headers[p] for p in named]), layout=layout, file_kind=kind
        )
    holding = present[found + 1 :, :width].any(axis=0) if width else np.array([], dtype=bool)
    unnamed = [p for p in range(width) if not headers[p] and holding[p]]
    looked_at = named + unnamed[:LISTED]
    # Rows where every cell is blank are spacing, not data (a template's unused rows).
    text = body[looked_at].astype("string").apply(lambda col: col.str.strip())
    filled = (text.notna() & (text != "")).fillna(False)
    kept = filled.any(axis=1)
    problems = _unnamed_problems(layout, filled, unnamed)
    frame = body.loc[kept, named]
    frame.columns = [headers[p] for p in named]
    return RawTable(frame=frame, layout=layout, file_kind=kind, header_problems=problems)


def _unnamed_problems(layout: Layout, filled: pd.DataFrame, unnamed: list[int]) -> list[Problem]:
    problems = []
    for position in unnamed[:LISTED]:
        rows = filled.index[filled[position].to_numpy(dtype=bool)]
        if len(rows):
            where = _position_cell(layout, position, int(rows[0]))
            problems.append(
                Problem(
                    rule="The column has values but no name in the header row (merged header "
                    "cells leave the cells they cover empty)",
                    location=where,
                    hint=_UNNAMED_HINT,
                )
            )
    if len(unnamed) > LISTED:
        problems.append(
            Problem(
                rule=f"{len(unnamed) - LISTED:,} more columns have values but no name in the "
                "header row",
                hint=_UNNAMED_HINT,
            )
        )
    return problems


def _position_cell(layout: Layout, position: int, data_index: int) -> str:
    """The cell of an unnamed column, which :meth:`Layout.cell` cannot find by name."""
    row = layout.row_number(data_index)
    if layout.sheet is None:
        return f"line {row}, value {position + 1}"
    return f"{layout.sheet}!{get_column_letter(layout.first_column + position)}{row}"

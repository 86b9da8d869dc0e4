"""Spreadsheet sheets as grids of text, and finding things in them by content.

NHS England's workbooks put a metadata block (``Period:``, ``Published:`` ...) above one or two
header rows, and the number of metadata rows and the first used column change between
publications. So nothing here assumes a position: a sheet is read whole as text (every cell a
stripped string or missing, columns numbered 0..n-1) and rows and columns are found by their
labels. This is the only module of the package that reads spreadsheets (through fastexcel, which
reads both xlsx and the legacy BIFF ``.xls`` that DM01 still uses).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import fastexcel
import pandas as pd

from pipeline.national.publication import PublicationError


def _reader(path: Path) -> fastexcel.ExcelReader:
    # Given a path, calamine picks the format by the file's extension, so an xlsx saved as
    # '.xls' would fail; given the bytes, it goes by the content. Files are at most a few MB.
    try:
        return fastexcel.read_excel(Path(path).read_bytes())
    except fastexcel.FastExcelError as error:
        raise PublicationError(f"{Path(path).name}: not a readable workbook ({error})") from error


def sheet_names(path: Path) -> list[str]:
    """Names of the sheets in a workbook, in workbook order."""
    return list(_reader(path).sheet_names)


def read_grid(path: Path, sheet: str) -> pd.DataFrame:
    """The sheet as text: one row per sheet row, columns 0..n-1, blank cells missing."""
    reader = _reader(path)
    if sheet not in reader.sheet_names:
        raise PublicationError(f"{Path(path).name}: no sheet named {sheet!r}")
    # Every cell as text: the number columns hold '-' and blanks, and the type guess of a
    # mixed column would otherwise vary from one month's file to the next.
    try:
        frame = reader.load_sheet(sheet, header_row=None, dtypes="string").to_pandas()
    except fastexcel.FastExcelError as error:
        raise PublicationError(
            f"{Path(path).name}: sheet {sheet!r} unreadable ({error})"
        ) from error
    frame.columns = range(frame.shape[1])
    frame = frame.apply(lambda col: col.str.strip())
    return frame.mask(frame == "")


def metadata(grid: pd.DataFrame, before_row: int | None = None) -> dict[str, str]:
    """The ``Label: value`` block above the data, keyed by label without the colon.

    A label is a cell ending in ``:``; its value is the next non-blank cell on the same row.
    """
    rows = grid if before_row is None else grid.iloc[:before_row]
    found: dict[str, str] = {}
    for _, row in rows.iterrows():
        cells = [c for c in row.tolist() if isinstance(c, str)]
        for i, cell in enumerate(cells):
            if cell.endswith(":") and len(cell) < 40:
                found.setdefault(cell[:-1].strip(), cells[i + 1] if i + 1 < len(cells) else "")
    return found


def _norm(label: object) -> str:
    return re.sub(r"\s+", " ", str(label)).strip().casefold() if isinstance(label, str) else ""


def find_row(grid: pd.DataFrame, labels: Iterable[str], sheet: str = "") -> int:
    """Index of the first row holding every one of ``labels`` (case and spacing ignored)."""
    wanted = {_norm(label) for label in labels}
    for index, row in grid.iterrows():
        if wanted <= {_norm(cell) for cell in row.tolist()}:
            return int(index)
    raise PublicationError(f"sheet {sheet!r}: no header row with {sorted(wanted)}")


def column_of(grid: pd.DataFrame, row: int, label: str, start: int = 0) -> int:
    """Position of the first cell in ``row`` (from column ``start``) whose text is ``label``."""
    for col in range(start, grid.shape[1]):
        if _norm(grid.iat[row, col]) == _norm(label):
            return col
    raise PublicationError(f"no column {label!r} in header row {row}")


def grouped_labels(grid: pd.DataFrame, header_row: int) -> list[str]:
    """Column labels as ``group | label``, the group row being the row above the header.

    The group labels are merged cells, so only their first column carries the text: it is
    carried right until the next group starts. Columns without a group keep the bare label.
    """
    group = ""
    labels: list[str] = []
    for col in range(grid.shape[1]):
        above = grid.iat[header_row - 1, col] if header_row > 0 else None
        if isinstance(above, str):
            group = re.sub(r"\s+", " ", above)
        label = grid.iat[header_row, col]
        label = re.sub(r"\s+", " ", label) if isinstance(label, str) else ""
        labels.append(f"{group} | {label}" if group and label else label)
    return labels


def to_counts(values: pd.Series, what: str) -> pd.Series:
    """Whole numbers >= 0 from text cells, as nullable Int64; anything else is an error.

    Blank cells and '-' become missing: the publications use '-' where a count does not apply.
    """
    text = values.mask(values.isin(["-"]))
    numbers = pd.to_numeric(text, errors="coerce")
    bad = text.notna() & (numbers.isna() | (numbers % 1 != 0) | (numbers < 0))
    if bad.any():
        raise PublicationError(f"{what}: not a whole number >= 0: {text[bad].iloc[0]!r}")
    return numbers.astype("Int64")


def to_fractions(values: pd.Series) -> pd.Series:
    """Fractions (0 to 1) from text cells; '-' and blanks become missing."""
    return pd.to_numeric(values.mask(values.isin(["-"])), errors="coerce").astype("Float64")

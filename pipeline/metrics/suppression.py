"""Disclosure control for published outputs: figures resting on 1 to 7 patients show as ``*``.

The warehouse and the JSON for internal use keep exact values (records say ``values_are:
exact``); the briefing files apply this on the way out.

One figure at a time, ``is_small``, ``published_count`` and ``published_text`` decide. A table
needs more: where it publishes a column's total (a system row that is the sum of the trusts) or
a row's whole (cohort remaining = admitted + non-admitted), a ``*`` could be worked back out by
subtraction. ``suppression_mask`` and ``suppress_table`` apply complementary suppression, the NHS
convention: primary suppression of every count of 1 to 7 (zero is shown), then, wherever a line
of the table (a column with its total, or a row's whole with its parts) holds exactly one
suppressed cell, the next smallest non-zero cell of that line is suppressed too (the whole or
total itself when no part is left), until no line holds a single suppressed cell and no
suppressed cell follows from the published cells by any combination of the lines' sums.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from pipeline.metrics.formats import display
from pipeline.metrics.record import Headline

SUPPRESSED = "*"
SMALLEST_SHOWN = 8

# A cell of a table: (row label, column label).
Cell = tuple[Hashable, Hashable]


def is_small(count: int | float | None) -> bool:
    return count is not None and not pd.isna(count) and 1 <= count < SMALLEST_SHOWN


def suppressed(record: Headline) -> bool:
    return is_small(record.patients)


def published_text(record: Headline) -> str:
    if suppressed(record):
        return (
            f"{record.id}: not shown for {record.scope}, as it rests on fewer than "
            f"{SMALLEST_SHOWN} patients."
        )
    return record.text


def published_value(record: Headline) -> str:
    """The value as the board pack prints it: in its unit's format (``82.8%``, ``-£42.5m``), or
    ``*`` when it rests on 1 to 7 patients."""
    return SUPPRESSED if suppressed(record) else display(record.value, record.unit)


def published_count(value: int | float | None) -> int | float | str | None:
    """A patient count as published: the value, or ``*`` when 1 to 7."""
    return SUPPRESSED if is_small(value) else value


def small_cells(*frames: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """True where any of ``frames`` (frames or series, aligned on the first) holds 1 to 7.

    For the ``also_suppress`` mask of :func:`suppression_mask`: a percentage whose numerator or
    denominator is small is suppressed as the count itself would be, e.g.
    ``mask["pct"] = small_cells(table["admitted"], table["remaining"])``.
    """
    if not frames:
        raise ValueError("small_cells needs at least one frame")
    out = frames[0].map(is_small)
    for frame in frames[1:]:
        out = out | frame.reindex_like(frames[0]).map(is_small)
    return out.astype(bool)


def suppression_mask(
    values: pd.DataFrame,
    *,
    additive_columns: Collection[Hashable],
    total_row: Hashable | None = None,
    row_wholes: Mapping[Hashable, Sequence[Hashable]] | None = None,
    also_suppress: pd.DataFrame | None = None,
    derived: Mapping[Hashable, Sequence[Hashable]] | None = None,
) -> pd.DataFrame:
    """Which cells of a table to publish as ``*``: a boolean frame shaped like ``values``.

    ``values`` holds the exact figures, one row per trust (and the total row, if any); its index
    and columns must be unique. ``additive_columns`` are the counts of patients that add up:
    only their cells are suppressed for being 1 to 7 and only they are used to work a cell out.
    ``total_row`` names the row that is the sum of the other rows in every additive column.
    ``row_wholes`` maps a whole column to its part columns, all additive (``{"remaining":
    ["admitted", "non_admitted"]}``): in every row, the whole is the sum of the parts.
    ``also_suppress`` (booleans, aligned on ``values``) marks more cells to suppress first, such
    as percentages resting on a small numerator or denominator (see :func:`small_cells`).
    ``derived`` maps a non-additive column to the columns it is worked out from (``{"pct":
    ["admitted", "remaining"]}``): its cell is suppressed whenever one of theirs is, since a
    rate and one count give the other count. Missing values (NaN) are taken as published: a
    trust that did not submit adds nothing to a total. Raises ValueError on a table or settings
    that do not fit together.
    """
    additive = list(additive_columns)
    wholes = {w: list(parts) for w, parts in (row_wholes or {}).items()}
    _check(values, additive, total_row, wholes, also_suppress, derived or {})
    lines = _lines(values, additive, total_row, wholes)
    exact = {cell: _number(values.at[cell]) for line in lines for cell in line}

    hidden: set[Cell] = {
        (r, c) for r in values.index for c in additive if is_small(values.at[r, c])
    }
    if also_suppress is not None:
        marked = also_suppress.reindex_like(values).fillna(False).astype(bool)
        hidden |= {(r, c) for r in values.index for c in values.columns if marked.at[r, c]}

    while True:
        single = next((line for line in lines if _count_hidden(line, hidden) == 1), None)
        if single is not None:
            # A line with one suppressed cell gives it away by subtraction: hide one more.
            choice = _complement(single, hidden, exact)
            if choice is None:
                # Every other cell is missing: the reader cannot subtract, so nothing is exposed.
                lines.remove(single)
            else:
                hidden.add(choice)
            continue
        # No line holds a single suppressed cell, yet a cell may still follow from several
        # lines taken together (its row, its column and the total): hide one more beside it.
        choice = _complement_for_combinations(lines, hidden, exact)
        if choice is None:
            break
        hidden.add(choice)

    mask = pd.DataFrame(False, index=values.index, columns=values.columns)
    for r, c in hidden:
        mask.at[r, c] = True
    for column, sources in (derived or {}).items():
        mask[column] = mask[column] | mask[list(sources)].any(axis=1)
    return mask


def suppress_table(
    values: pd.DataFrame,
    *,
    additive_columns: Collection[Hashable],
    total_row: Hashable | None = None,
    row_wholes: Mapping[Hashable, Sequence[Hashable]] | None = None,
    also_suppress: pd.DataFrame | None = None,
    derived: Mapping[Hashable, Sequence[Hashable]] | None = None,
) -> pd.DataFrame:
    """The table as published: ``values`` with ``SUPPRESSED`` (``*``) in every cell that
    :func:`suppression_mask` marks (same arguments), the exact value everywhere else.

    The result has the same index and columns, with object dtype so that numbers and ``*`` sit
    together; unsuppressed cells keep their values unchanged (ints stay ints).
    """
    mask = suppression_mask(
        values,
        additive_columns=additive_columns,
        total_row=total_row,
        row_wholes=row_wholes,
        also_suppress=also_suppress,
        derived=derived,
    )
    return values.astype(object).mask(mask, SUPPRESSED)


def _check(
    values: pd.DataFrame,
    additive: list[Hashable],
    total_row: Hashable | None,
    wholes: dict[Hashable, list[Hashable]],
    also_suppress: pd.DataFrame | None,
    derived: Mapping[Hashable, Sequence[Hashable]],
) -> None:
    if not values.index.is_unique or not values.columns.is_unique:
        raise ValueError("the table's row and column labels must be unique")
    missing = [c for c in additive if c not in values.columns]
    if missing:
        raise ValueError(f"additive columns not in the table: {', '.join(map(str, missing))}")
    for whole, parts in wholes.items():
        named = [whole, *parts]
        outside = [c for c in named if c not in additive]
        if outside:
            raise ValueError(
                f"row whole {whole} and its parts must be additive columns; not: "
                f"{', '.join(map(str, outside))}"
            )
        if not parts or whole in parts:
            raise ValueError(f"row whole {whole} needs parts other than itself")
    if total_row is not None and total_row not in values.index:
        raise ValueError(f"total row {total_row} is not in the table")
    for column in additive:
        numbers = pd.to_numeric(values[column], errors="coerce")
        bad = values[column].notna() & numbers.isna()
        if bad.any():
            raise ValueError(f"additive column {column} holds values that are not numbers")
    if also_suppress is not None and (
        not also_suppress.index.isin(values.index).all()
        or not also_suppress.columns.isin(values.columns).all()
    ):
        raise ValueError("also_suppress has rows or columns that the table does not")
    for column, sources in derived.items():
        unknown = [c for c in [column, *sources] if c not in values.columns]
        if unknown:
            raise ValueError(f"derived columns not in the table: {', '.join(map(str, unknown))}")
        if column in additive:
            raise ValueError(
                f"derived column {column} must not be additive: it takes no part in the sums"
            )


def _lines(
    values: pd.DataFrame,
    additive: list[Hashable],
    total_row: Hashable | None,
    wholes: dict[Hashable, list[Hashable]],
) -> list[tuple[Cell, ...]]:
    """Each sum the table publishes, as its cells with the whole (or total) first."""
    lines: list[tuple[Cell, ...]] = []
    if total_row is not None:
        rows = [r for r in values.index if r != total_row]
        if rows:  # a total row alone sums nothing
            for c in additive:
                lines.append(((total_row, c), *((r, c) for r in rows)))
    for whole, parts in wholes.items():
        for r in values.index:
            lines.append(((r, whole), *((r, p) for p in parts)))
    return lines


def _number(value: Any) -> float | None:
    """A cell as a number; None for a missing one, which adds nothing and is never hidden."""
    if value is None or pd.isna(value):
        return None
    return float(value)


def _count_hidden(line: tuple[Cell, ...], hidden: set[Cell]) -> int:
    return sum(cell in hidden for cell in line)


def _complement(
    line: tuple[Cell, ...], hidden: set[Cell], exact: dict[Cell, float | None]
) -> Cell | None:
    """The cell to suppress beside the line's hidden ones: the smallest non-zero part shown,
    else the whole, else (every shown cell zero) the first shown part; None if all are hidden."""
    whole, parts = line[0], line[1:]
    shown_parts = {c: value for c in parts if c not in hidden and (value := exact[c]) is not None}
    non_zero = {c: value for c, value in shown_parts.items() if value != 0}
    if non_zero:
        # min keeps the first of equals, in the table's order: the result never depends on chance.
        return min(non_zero, key=non_zero.__getitem__)
    if whole not in hidden and exact[whole] is not None:
        return whole
    return next(iter(shown_parts), None)


def _complement_for_combinations(
    lines: list[tuple[Cell, ...]], hidden: set[Cell], exact: dict[Cell, float | None]
) -> Cell | None:
    """A cell to suppress beside a hidden cell that the lines determine together, in the line
    through it with the fewest hidden cells; None when no hidden cell is determined."""
    determined = determined_cells(lines, hidden)
    for line in sorted(lines, key=lambda line: _count_hidden(line, hidden)):
        if any(cell in determined for cell in line):
            choice = _complement(line, hidden, exact)
            if choice is not None:
                return choice
    return None


def determined_cells(lines: Sequence[Sequence[Cell]], hidden: set[Cell]) -> set[Cell]:
    """The hidden cells whose exact value follows from the shown cells and the lines' sums
    (each line: its first cell, the whole, equals the sum of the others), by any combination
    of the lines.

    A hidden cell is determined when its unit vector lies in the row space of the lines'
    coefficients on the hidden cells, that is when every vector of the null space is zero at
    that cell: then no change to the hidden cells that keeps every sum can move it.
    """
    unknowns = list(dict.fromkeys(c for line in lines for c in line if c in hidden))
    if not unknowns:
        return set()
    position = {c: i for i, c in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = np.zeros(len(unknowns))
        for k, cell in enumerate(line):
            if cell in position:
                row[position[cell]] += -1.0 if k == 0 else 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    # Coefficients are 0 and +-1 on at most a few hundred cells: singular values are far from
    # the tolerance unless they are zero.
    _, singular, vt = np.linalg.svd(np.array(rows))
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    return {cell for cell, i in position.items() if not (np.abs(null_space[:, i]) > 1e-9).any()}

"""Finding the header row: the first row of a sheet or CSV is not always the header.

People put a title above the table ("UEC return, October 2023"), leave blank rows, or merge a
banner across the top. The header is taken to be the row, among the first ``SEARCHED_ROWS``,
that names the most columns of any one return (at least ``MIN_MATCHED``); if none does, the
first non-blank row, so that the header check reports what is there.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from pipeline.returns.registry import all_returns, normalise_header

SEARCHED_ROWS = 10
MIN_MATCHED = 3


def is_blank(value: object) -> bool:
    return (
        value is None or (not isinstance(value, str) and pd.isna(value)) or not str(value).strip()
    )


def header_score(cells: Sequence[object]) -> int:
    """How many columns of the best-matching return these cells name."""
    names = {normalise_header(c) for c in cells if not is_blank(c)}
    return max((len(names & set(spec.columns)) for spec in all_returns()), default=0)


def find_header(rows: Sequence[Sequence[object]]) -> int:
    """The index of the header among ``rows`` (the first rows of a table, as cell values)."""
    best, best_score = None, MIN_MATCHED - 1
    first_filled = None
    for index, cells in enumerate(rows[:SEARCHED_ROWS]):
        if first_filled is None and not all(is_blank(c) for c in cells):
            first_filled = index
        score = header_score(cells)
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    return first_filled or 0

"""Finding a totals row left at the bottom of a return.

People add a totals row under a table out of habit. Loaded, it would count everything twice;
reported cell by cell, it would read as a dozen unrelated errors (a blank site, a blank date,
"4 hours cannot exceed attendances"...). It is recognised and reported once, instead of those:

- by its label: a cell that says Total, Totals, Grand total, Sub-total or Sum, and nothing
  else (a reason such as "Total list cancelled" is not a label); or
- by its figures: every number in the row is the sum of the same column over the other rows
  (with at least two of them not zero, so that a row of zeros is not taken for one).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline.validation.parse import kind_of
from pipeline.validation.problems import Problem

#: Labels of a totals row, compared after trimming, lower-casing and dropping a final colon.
_LABELS = frozenset(
    {"total", "totals", "grand total", "grandtotal", "sub total", "sub-total", "subtotal", "sum"}
)
_NUMERIC = {"count", "money", "number"}
HINT = (
    "Delete the totals row and send the file again: send only the rows of the return; "
    "the pipeline adds them up itself."
)


def totals_rows(
    raw: pd.DataFrame, typed: pd.DataFrame, schema: pa.DataFrameSchema
) -> dict[int, Problem]:
    """Data row -> the problem that says it looks like a totals row."""
    found: dict[int, Problem] = {}
    numeric = [c for c in typed.columns if c in schema.columns and kind_of(schema, c) in _NUMERIC]
    for column in raw.columns:
        if column in numeric:
            continue  # a label is text: only text can say Total
        text = raw[column].astype("string")
        words = text.str.strip().str.lower().str.rstrip(":").str.strip()
        labelled = words.isin(_LABELS).fillna(False).astype(bool)
        for row in labelled.index[labelled.to_numpy()]:
            found.setdefault(
                int(row),
                Problem(
                    rule=f"looks like a totals row ({text.loc[row].strip()!r} in {column})",
                    row=int(row),
                    hint=HINT,
                ),
            )
    if len(typed) >= 3 and len(numeric) >= 2:
        numbers = typed[numeric].astype("Float64")
        rest = numbers.sum() - numbers  # each column's sum over the other rows
        matches = (numbers == rest) | numbers.isna()
        nonzero = (numbers.fillna(0) != 0).sum(axis=1) >= 2
        summing = (matches.all(axis=1) & nonzero).fillna(False).astype(bool)
        for row in summing.index[summing.to_numpy()]:
            found.setdefault(
                int(row),
                Problem(
                    rule="looks like a totals row: each figure in it is the sum of the other rows",
                    row=int(row),
                    hint=HINT,
                ),
            )
    return found

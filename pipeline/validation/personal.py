"""Refusing dates of birth and postcodes, as NHS numbers are refused (``identifiers``).

Returns carry counts, codes and dates of activity; nothing about a person. Three signs that a
file carries personal data anyway, each refused with the column and how many rows, never the
values:

- a column whose header names a patient identifier (``dob``, ``date_of_birth``, ``postcode``,
  ``nhs_number`` ...), whatever the return;
- a date, in any column that is not a count, from long before the period: no activity date in
  a return is more than a few years old (an RTT clock start is the oldest, and 104 weeks is
  the longest wait counted), so a date over ``YEARS_BACK`` years before the period is taken
  for a date of birth;
- a UK postcode (``CH41 5LH``, ``L7 8XP``) in a text or code column. Codes in returns (sites,
  TFCs, sessions) never take that shape: a letter or two, a digit, then digit-letter-letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from pipeline.returns.base import ReturnSpec
from pipeline.validation.parse import kind_of, parse_dates
from pipeline.validation.problems import Layout, Problem

YEARS_BACK = 10
#: Dates before this are not dates of birth of anyone alive: Excel's day-zero artefacts.
_EARLIEST_BIRTH_YEAR = 1900

POSTCODE = re.compile(
    r"(?<![0-9A-Za-z])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s?[0-9][A-Za-z]{2}(?![0-9A-Za-z])"
)

_HEADERS = [
    (
        re.compile(r"(^|_)(dob|d\.o\.b\.?|date_?of_?birth|birth_?date|born)($|_)"),
        "patients' dates of birth",
    ),
    (re.compile(r"(^|_)(post_?code|postal_?code|zip_?code)($|_)"), "patients' postcodes"),
    (re.compile(r"(^|_)nhs_?(number|no|num)($|_)"), "NHS numbers"),
]
HINT = (
    "Remove them and send the file again: returns must never carry patient identifiers. "
    "The values are not shown here for the same reason."
)
#: A cell of free text is parsed as a date only if it has a date's digits (most have none).
_DATE_DIGITS = r"\d{4}|\d{1,2}/\d{1,2}/\d{2}"


def header_problems(columns: Sequence[str], layout: Layout) -> list[Problem]:
    """One problem per header that names a patient identifier."""
    problems = []
    for name in columns:
        for pattern, what in _HEADERS:
            if name and pattern.search(name):
                problems.append(
                    Problem(
                        rule=f"The column {name!r} looks like it holds {what}",
                        column=name,
                        location=layout.cell(name, None),
                        hint="Remove the column and send the file again: returns must never carry "
                        "patient identifiers.",
                    )
                )
                break
    return problems


def value_problems(
    frame: pd.DataFrame, typed: pd.DataFrame, spec: ReturnSpec, period_year: int
) -> list[Problem]:
    """Problems for columns holding what look like dates of birth or postcodes.

    ``frame`` is the cell text, ``typed`` the parsed values: date columns are judged by their
    parsed dates (no second parse), text columns by the few cells that hold a date's digits.
    """
    problems = []
    cutoff = period_year - YEARS_BACK
    for column in frame.columns:
        kind = kind_of(spec.schema, column) if column in spec.schema.columns else "text"
        years = _years(kind, frame[column], typed.get(column))
        if years is not None:
            old = ((years >= _EARLIEST_BIRTH_YEAR) & (years < cutoff)).fillna(False)
            if old.any():
                problems.append(_problem(column, old, f"dates from before {cutoff}"))
        if kind in {"text", "code"}:
            text = frame[column].astype("string")
            postcode = text.str.contains(POSTCODE, regex=True).fillna(False).astype(bool)
            if postcode.any():
                problems.append(_problem(column, postcode, "what look like postcodes"))
    return problems


def _years(kind: str, text: pd.Series, typed: pd.Series | None) -> pd.Series | None:
    """The year of each cell that is a date, for the kinds of column that can hold one."""
    if kind == "date" and typed is not None:
        return pd.to_datetime(typed, errors="coerce").dt.year
    if kind == "week" and typed is not None:
        return pd.to_numeric(typed.astype("string").str.slice(0, 4), errors="coerce")
    if kind != "text":
        return None
    cells = text.astype("string").str.strip()
    maybe = cells.str.contains(_DATE_DIGITS, regex=True).fillna(False).astype(bool)
    years = pd.Series(pd.NA, index=text.index, dtype="Float64")
    if maybe.any():
        dates, _ = parse_dates(cells[maybe])
        years[maybe] = dates.dt.year.astype("Float64")
    return years


def _problem(column: str, hits: pd.Series, what: str) -> Problem:
    hits = hits.fillna(False).astype(bool)
    first = int(hits.index[hits.to_numpy()][0])
    if what.startswith("dates"):
        return birth_date_problem(column, int(hits.sum()), first, what)
    return _counted(column, int(hits.sum()), first, what)


def birth_date_problem(column: str, rows: int, first_row: int | None, dates: str) -> Problem:
    """``dates`` says which (e.g. "dates from before 2013"); the bulk PTL check uses it too."""
    return _counted(column, rows, first_row, f"{dates}, which may be dates of birth,")


def _counted(column: str, rows: int, first_row: int | None, what: str) -> Problem:
    return Problem(
        rule=f"holds {what} in {rows:,} row{'s' if rows != 1 else ''} (the first is here)",
        column=column,
        row=first_row,
        hint=HINT + " If they are typing mistakes, correct them.",
    )

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
    r"(?<![0-9A-Za-z])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s?[0-9][A-Za-z]{2}(?![0-9A-Za-z])")

_HEADERS = [
    (re.compile(r"(^|_)(dob|d\.o\.b\.?|date_?of_?birth|birth_?date|born)($|_)"),
     "patients' dates of birth"),
    (re.compile(r"(^|_)(post_?code|postal_?code|zip_?code)($|_)"), "patients' postcodes"),
    (re.compile(r"(^|_)nhs_?(number|no|num)($|_)"), "NHS numbers"),
]
HINT = ("Remove them and send the file again: returns must never carry patient identifiers. "
        "The values are not shown here for the same reason.")
#: Column kinds whose text could hold a date or a postcode (counts and money cannot).
_TEXT_KINDS = {"text", "code", "date", "week"}


def header_problems(columns: Sequence[str], layout: Layout) -> list[Problem]:
    """One problem per header that names a patient identifier."""
    problems = []
    for name in columns:
        for pattern, what in _HEADERS:
            if name and pattern.search(name):
                problems.append(Problem(
                    rule=f"The column {name!r} looks like it holds {what}",
                    column=name, location=layout.cell(name, None),
                    hint="Remove the column and send the file again: returns must never carry "
                    "patient identifiers."))
                break
    return problems


def value_problems(frame: pd.DataFrame, spec: ReturnSpec, period_year: int) -> list[Problem]:
    """Problems for columns of cell text holding what look like dates of birth or postcodes."""
    problems = []
    cutoff = period_year - YEARS_BACK
    for column in frame.columns:
        kind = kind_of(spec.schema, column) if column in spec.schema.columns else "text"
        if kind not in _TEXT_KINDS:
            continue
        text = frame[column].astype("string").str.strip()
        dates, _ = parse_dates(text.mask(text == ""))
        years = dates.dt.year
        old = (years >= _EARLIEST_BIRTH_YEAR) & (years < cutoff)
        if old.any():
            problems.append(_problem(column, old, f"dates from before {cutoff}, which may be "
                                     "dates of birth"))
        if kind in {"text", "code"}:
            postcode = text.str.contains(POSTCODE, regex=True).fillna(False).astype(bool)
            if postcode.any():
                problems.append(_problem(column, postcode, "what look like postcodes"))
    return problems


def _problem(column: str, hits: pd.Series, what: str) -> Problem:
    hits = hits.fillna(False).astype(bool)
    rows = int(hits.sum())
    first = int(hits.index[hits.to_numpy()][0])
    return Problem(rule=f"holds {what} in {rows:,} row{'s' if rows != 1 else ''} (the first is "
                   "here)", column=column, row=first,
                   hint=HINT + " If they are typing mistakes, correct them.")

"""Refusing NHS numbers: no return may carry one, in any column, and no report may echo one.

An NHS number is 10 digits, often written 3-3-4 with spaces or hyphens (``943 476 5919``); the
last digit is a modulus 11 check digit over the first nine. A cell is taken to hold one when it
contains such a run of digits, standing alone or set off from other text by anything but a
letter or digit, whose check digit is right.

The run must not touch letters because pseudonymised pathway ids are often hex hashes
(``a3f9124567890bc1``), in which ten decimal digits in a row occur by chance; counting those
would reject good files. A number written into text ("NHS no: 9434765919") is still found.

Everything here is vectorised: a 150,000-row file is screened in well under a second. The same
test runs as SQL in the bulk path (``pipeline.warehouse.ptl``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import overload

import numpy as np
import pandas as pd

from pipeline.validation.problems import WITHHELD, Problem

#: Ten digits, 3-3-4 with an optional space or hyphen between groups, not touching a letter or
#: digit. (The SQL twin in ``pipeline.warehouse.ptl`` says the same without look-arounds.)
CANDIDATE = r"(?<![0-9A-Za-z])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![0-9A-Za-z])"
_CANDIDATE = re.compile(CANDIDATE)
_RUN = r"\d{3}[ -]?\d{3}[ -]?\d{4}"  # the digits alone: a fast first pass
#: The weights of the first nine digits: 10 for the first down to 2 for the ninth.
WEIGHTS = np.arange(10, 1, -1)

#: Columns whose values are never shown, whatever is wrong with them: a pseudonymised id is
#: still personal data, and a report (or the ledger's message) must not carry it. The location
#: of the cell is enough for the trust to find it.
NEVER_SHOWN = frozenset({"pathway_id"})

RULE = "holds what look like NHS numbers"
HINT = (
    "Remove them and send the file again: returns must never carry patient identifiers. "
    "Pathway ids must be pseudonymised and must not be 10-digit numbers. The values are not "
    "shown here for the same reason."
)


def check_digit_ok(digits: np.ndarray) -> np.ndarray:
    """For an (n, 10) array of digits, whether each row passes the modulus 11 check.

    Worked example, 943 476 5919: 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2
    = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299; 299 mod 11 = 2; 11 - 2 = 9, the tenth
    digit, so it is valid. A result of 11 means a check digit of 0; a result of 10 means no
    number with those nine digits is ever issued.
    """
    digits = np.asarray(digits, dtype=np.int64).reshape(-1, 10)
    check = 11 - (digits[:, :9] @ WEIGHTS) % 11
    check = np.where(check == 11, 0, check)
    return (check != 10) & (check == digits[:, 9])


def looks_like_nhs_number(values: pd.Series) -> pd.Series:
    """True for each cell holding a valid NHS number somewhere in its text."""
    text = values.astype("string")
    result = pd.Series(False, index=values.index)
    # Cheap filters first (most cells are short codes, counts or dates), then the exact pattern.
    maybe = (text.str.len() >= 10).fillna(False).to_numpy(dtype=bool)
    if maybe.any():
        maybe[maybe] = text[maybe].str.contains(_RUN, regex=True).fillna(False).to_numpy(bool)
    if not maybe.any():
        return result
    found = text[maybe].str.extractall(CANDIDATE)
    if found.empty:
        return result
    joined = (found[0] + found[1] + found[2]).to_numpy(dtype=str)
    digits = np.frombuffer("".join(joined).encode("ascii"), dtype=np.uint8) - ord("0")
    valid = check_digit_ok(digits)
    hit_labels = found.index.get_level_values(0)[valid]
    result.loc[hit_labels.unique()] = True
    return result


def nhs_number_problems(frame: pd.DataFrame) -> list[Problem]:
    """One problem per column holding NHS numbers: how many rows, and the first one's row."""
    problems = []
    for column in frame.columns:
        hits = looks_like_nhs_number(frame[column])
        if hits.any():
            problems.append(
                nhs_number_problem(
                    str(column), int(hits.sum()), int(hits.index[hits.to_numpy()][0])
                )
            )
    return problems


def nhs_number_problem(column: str, rows: int, first_row: int | None) -> Problem:
    return Problem(
        rule=f"{RULE} in {rows:,} row{'s' if rows != 1 else ''} (the first is here)",
        column=column,
        row=first_row,
        hint=HINT,
    )


@overload
def text_withheld(text: str) -> str: ...
@overload
def text_withheld(text: None) -> None: ...
def text_withheld(text: str | None) -> str | None:
    """The text with every valid NHS number in it replaced by :data:`WITHHELD`."""
    if not text:
        return text

    def swap(match: re.Match) -> str:
        digits = np.frombuffer("".join(match.groups()).encode("ascii"), dtype=np.uint8) - 48
        return WITHHELD if check_digit_ok(digits)[0] else match.group(0)

    return _CANDIDATE.sub(swap, text)


def withhold_identifiers(
    problems: Iterable[Problem], columns: Iterable[str | None] = ()
) -> list[Problem]:
    """Problems safe to show: no value from a column holding NHS numbers (or from a column in
    :data:`NEVER_SHOWN`), and no NHS number quoted anywhere in a problem's text (a header row
    that is really a row of data, say)."""
    flagged = {c for c in columns if c} | NEVER_SHOWN
    safe = []
    for problem in problems:
        value = problem.value
        if problem.column in flagged and value not in (None, ""):
            value = WITHHELD
        safe.append(
            replace(
                problem,
                rule=text_withheld(problem.rule),
                value=text_withheld(value),
                hint=text_withheld(problem.hint),
            )
        )
    return safe


def screen(frame: pd.DataFrame, problems: Iterable[Problem]) -> list[Problem]:
    """``problems`` plus one for each column of ``frame`` (cell text) holding NHS numbers,
    with every value that might identify a patient withheld."""
    found = nhs_number_problems(frame)
    return withhold_identifiers([*problems, *found], [p.column for p in found])

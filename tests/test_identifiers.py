"""NHS numbers are refused in every return and never echoed: the modulus 11 check by hand,
the patterns that count as one, and the value kept out of problems and feedback workbooks."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import process_file
from pipeline.validation.identifiers import (
    check_digit_ok,
    looks_like_nhs_number,
    text_withheld,
    withhold_identifiers,
)
from pipeline.validation.problems import WITHHELD, Problem
from tests.conftest import drop_bytes, drop_csv, uec_rows

# Worked by hand, weights 10 down to 2 on the first nine digits:
# 943 476 5919: 9x10 + 4x9 + 3x8 + 4x7 + 7x6 + 6x5 + 5x4 + 9x3 + 1x2 = 299;
#   299 = 27 x 11 + 2, so the remainder is 2 and the check digit 11 - 2 = 9: valid.
# 401 023 2137: 4x10 + 0x9 + 1x8 + 0x7 + 2x6 + 3x5 + 2x4 + 1x3 + 3x2 = 92;
#   92 = 8 x 11 + 4, check digit 11 - 4 = 7: valid.
# 987 654 3210: 9x10 + 8x9 + 7x8 + 6x7 + 5x6 + 4x5 + 3x4 + 2x3 + 1x2 = 330 = 30 x 11;
#   remainder 0, 11 - 0 = 11, which stands for a check digit of 0: valid.
# 123 456 789x: 1x10 + 2x9 + 3x8 + 4x7 + 5x6 + 6x5 + 7x4 + 8x3 + 9x2 = 210 = 19 x 11 + 1;
#   11 - 1 = 10, which no digit can be: no number beginning 123456789 is ever issued.
VALID = ["9434765919", "4010232137", "9876543210"]
INVALID = ["9434765918", "4010232136", "9876543211", *(f"123456789{d}" for d in range(10))]


def _digits(number: str) -> np.ndarray:
    return np.array([int(c) for c in number])


@pytest.mark.parametrize("number", VALID)
def test_hand_worked_valid_numbers_pass(number):
    assert check_digit_ok(_digits(number)).tolist() == [True]


@pytest.mark.parametrize("number", INVALID)
def test_hand_worked_invalid_numbers_fail(number):
    assert check_digit_ok(_digits(number)).tolist() == [False]


def test_check_is_vectorised_over_many_numbers():
    many = np.stack([_digits(n) for n in VALID + INVALID])
    assert check_digit_ok(many).tolist() == [True] * 3 + [False] * (len(INVALID))


@pytest.mark.parametrize(
    ("cell", "found"),
    [
        ("9434765919", True),
        ("943 476 5919", True),
        ("943-476-5919", True),
        (" 943 476 5919 ", True),
        ("NHS no: 943 476 5919", True),  # written into text
        ("9434765919,extra", True),
        ("9434765918", False),  # check digit wrong
        ("94347659190", False),  # eleven digits: some other number
        ("a39434765919f", False),  # ten digits inside a hex pseudonym
        ("943 4765 919", False),  # not grouped 3-3-4
        ("2023-10-29", False),
        ("", False),
        (None, False),
    ],
)
def test_what_counts_as_an_nhs_number(cell, found):
    assert looks_like_nhs_number(pd.Series([cell], dtype=object)).tolist() == [found]


def test_text_is_scrubbed_of_valid_numbers_only():
    text = "ids 943 476 5919 and 9434765918, also 4010232137."
    assert text_withheld(text) == f"ids {WITHHELD} and 9434765918, also {WITHHELD}."


def test_values_from_a_flagged_column_are_all_withheld():
    problems = [
        Problem(rule="must be unique", column="pathway_id", value="AB12"),
        Problem(rule="is not in the expected form", column="site_code", value="X"),
        Problem(rule="header does not match", value="9434765919, 2023-10-01"),
    ]
    safe = withhold_identifiers(problems, ["pathway_id"])
    assert [p.value for p in safe] == [WITHHELD, "X", f"{WITHHELD}, 2023-10-01"]


def _workbook_text(path) -> str:
    workbook = openpyxl.load_workbook(path)
    return " ".join(
        str(cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_any_return_with_an_nhs_number_is_refused_without_echoing_it(settings):
    frame = uec_rows(days=3).astype({"site_code": object})
    frame.loc[[0, 2], "site_code"] = "943 476 5919"  # pasted into the wrong column, twice
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "rejected"
    found = [p for p in outcome.problems if "NHS numbers" in p.rule]
    assert len(found) == 1
    assert found[0].column == "site_code" and "2 rows" in found[0].rule
    assert found[0].location == "line 2"  # the first of them
    text = " ".join(p.as_line() for p in outcome.problems) + outcome.message
    for form in ("943 476 5919", "9434765919"):
        assert form not in text
        assert form not in _workbook_text(settings.absolute(outcome.feedback_path))
    # The other problems on those cells are still reported, with the value withheld.
    assert any(p.value == WITHHELD for p in outcome.problems if "expected form" in p.rule)


def test_a_data_row_taken_for_a_header_is_not_echoed(settings):
    content = b"RJR,2023-10,9434765919,12,13,14\nRJR,2023-10,4010232137,1,2,3\n"
    outcome = process_file(drop_bytes(settings, content, name="no_header.csv"), settings)
    assert outcome.status == "rejected"
    assert "does not match any CMAST return" in outcome.problems[0].rule
    assert "9434765919" not in outcome.problems[0].as_line()
    assert "9434765919" not in _workbook_text(settings.absolute(outcome.feedback_path))

"""Diagnostics (DM01) return (RETURNS.md section 2): one month's waiting list and tests done.

Layout: one long table with two kinds of row, told apart by ``measure``:

- ``waiting``: patients still waiting for a test at the month's end, one row per test and whole
  weeks waited (0 to 104; 104 means 104 weeks or more);
- ``tests_waiting_list``, ``tests_planned``, ``tests_unscheduled``: tests done in the month, one
  row per test and kind of activity, with ``weeks_waited`` left blank.

Why long rather than one wide row per test: a wide row would need 105 week columns plus three
activity columns, which nobody can check by eye and every system exports differently; long rows
are what a trust's reporting system produces with one GROUP BY, rows with nothing in them may be
left out (a missing row counts as 0), and the key (test, measure, weeks waited) is unique, so a
repeated row is caught instead of being added twice.

A test is named by its key (``mri``, ``ct``, ``non_obstetric_ultrasound`` ...) or its DM01
number (1 to 15); both are listed in ``data/reference/dm01_tests.csv``, taken from NHS
England's DM01 workbook.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.reference import reference_table
from schemas.rules import Rule, schema_with_rules

WAITING = "WAITING"
#: Activity measures, in the order the template lists them.
ACTIVITY = ("TESTS_WAITING_LIST", "TESTS_PLANNED", "TESTS_UNSCHEDULED")
MEASURES = (WAITING, *ACTIVITY)
MAX_WEEKS = 104  # the last band: 104 weeks or more


def dm01_tests() -> pd.DataFrame:
    """The 15 DM01 tests: test_id, test_name, modality (the key), test_group."""
    return reference_table("dm01_tests.csv", ("test_id",))


def test_ids(values: pd.Series) -> pd.Series:
    """Each cell's DM01 test number (Int64), from a number or a key in any case; NA if unknown."""
    tests = dm01_tests()
    lookup = {str(i): int(i) for i in tests["test_id"]}
    lookup |= {
        str(k).upper(): int(i) for k, i in zip(tests["modality"], tests["test_id"], strict=True)
    }
    return values.astype("string").str.upper().map(lookup).astype("Int64")


class Dm01Return(pa.DataFrameModel):
    """One row per test and measure; waiting rows also per whole weeks waited."""

    org_code: Series[str] = fields.org_code()
    period: Series[str] = fields.period_month()
    test: Series[str] = fields.code(
        "The DM01 test: its key (mri, ct, non_obstetric_ultrasound, colonoscopy ...) or its "
        "DM01 number, 1 (MRI) to 15 (gastroscopy).",
        example="mri",
    )
    measure: Series[str] = fields.code(
        "waiting (patients still waiting at the month's end), or tests done in the month: "
        "tests_waiting_list, tests_planned or tests_unscheduled.",
        example="waiting",
    )
    weeks_waited: Series[pd.Int64Dtype] = fields.count(
        "For waiting rows: whole weeks waited at the month's end, 0 to 104 (104 = 104 or more). "
        "Blank for tests done.",
        example="3",
        nullable=True,
    )
    number: Series[pd.Int64Dtype] = fields.count(
        "Patients waiting (waiting rows) or tests done (tests_ rows).", example="412"
    )

    class Config:
        strict = True


def _is_waiting(df: pd.DataFrame) -> pd.Series:
    return df["measure"].eq(WAITING).fillna(False).astype(bool)


def _is_activity(df: pd.DataFrame) -> pd.Series:
    return df["measure"].isin(ACTIVITY).fillna(False).astype(bool)


def _known_or_blank(values: pd.Series, known: pd.Series) -> pd.Series:
    # Blank cells are reported once, as blanks, by the column checks.
    return known | values.isna()


def _key_not_repeated(df: pd.DataFrame) -> pd.Series:
    # The same test may be given by number in one row and by key in another: compare test numbers.
    test = test_ids(df["test"]).astype("string").fillna(df["test"].astype("string"))
    key = pd.DataFrame({"test": test, "measure": df["measure"], "weeks": df["weeks_waited"]})
    return ~key.duplicated(keep="first")


_TEST_KEYS = "mri, ct, non_obstetric_ultrasound, ..., gastroscopy"

RULES = [
    Rule(
        name="test_is_a_dm01_test",
        column="test",
        message="is not one of the 15 DM01 tests",
        fn=lambda df: _known_or_blank(df["test"], test_ids(df["test"]).notna()),
        hint=f"Use the test's key ({_TEST_KEYS}) or its DM01 number, 1 to 15; the list is on "
        "the template's Instructions sheet.",
    ),
    Rule(
        name="measure_is_known",
        column="measure",
        message="is not a DM01 measure",
        fn=lambda df: _known_or_blank(df["measure"], df["measure"].isin(MEASURES)),
        hint="Use waiting, tests_waiting_list, tests_planned or tests_unscheduled.",
    ),
    Rule(
        name="waiting_rows_have_weeks",
        column="weeks_waited",
        message="A waiting row needs the weeks waited",
        fn=lambda df: ~(_is_waiting(df) & df["weeks_waited"].isna()),
        hint="Give whole weeks waited at the month's end, 0 to 104 (104 for 104 weeks or more).",
    ),
    Rule(
        name="test_rows_have_no_weeks",
        column="weeks_waited",
        message="Tests done in the month have no weeks waited",
        fn=lambda df: ~(_is_activity(df) & df["weeks_waited"].notna()),
        hint="Leave weeks_waited blank on tests_ rows: activity is counted for the whole month.",
    ),
    Rule(
        name="weeks_waited_up_to_104",
        column="weeks_waited",
        message=f"Weeks waited must be 0 to {MAX_WEEKS}",
        fn=lambda df: df["weeks_waited"] <= MAX_WEEKS,
        hint=f"Put everyone who has waited {MAX_WEEKS} weeks or more in the {MAX_WEEKS} row.",
    ),
    Rule(
        name="test_measure_weeks_unique",
        column="test",
        message="repeats a row already given for the same test, measure and weeks waited",
        fn=_key_not_repeated,
        hint="Send each test, measure and week once: add the repeated rows together. A test "
        "given by number and by key is the same test.",
    ),
]

SCHEMA = schema_with_rules(Dm01Return, RULES)

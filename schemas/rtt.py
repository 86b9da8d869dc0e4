"""Waiting list return (RETURNS.md section 1): RTT incomplete pathways at a weekly snapshot.

The snapshot is taken at the end of the Sunday that ends the week; ``period`` holds that date.
Two forms are accepted and both feed ``staging.stg_rtt_pathways``:

- **aggregate**: pathways counted by treatment function, pathway type and whole weeks waited
  (0 to 104, 104 meaning 104 or more). Combinations with no pathways may be left out.
- **patient-level PTL**: one row per pathway with its clock start date. It is reduced on load to
  counts by clock start date; pathway ids are checked (unique, pseudonymised) and then dropped.

Treatment function codes are the national list used by NHS England's RTT statistics, kept in
``data/reference/treatment_functions.csv`` (the 18 specific functions and X02 to X06 "other").
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.reference import reference_table
from schemas.rules import Rule

MAX_WEEKS = 104  # the last band: 104 weeks or more
PATHWAY_TYPES = ("ADMITTED", "NON_ADMITTED")  # as read (codes are upper-cased); stored lower
PRIORITIES = ("P1", "P2", "P3", "P4")
#: A pseudonymised pathway id: letters, digits and _ . / - only, up to 64 characters. The same
#: pattern is used by the bulk check in SQL, so it avoids anything RE2 would read differently.
PATHWAY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$"
SNAPSHOT_DAY = 6  # Sunday, as pandas numbers weekdays


def treatment_functions() -> pd.DataFrame:
    """The national treatment function codes: treatment_function_code, treatment_function_name."""
    return reference_table("treatment_functions.csv")


def known_tfc(values: pd.Series) -> pd.Series:
    return values.isin(set(treatment_functions()["treatment_function_code"]))


def _known_or_blank(values: pd.Series, known: pd.Series) -> pd.Series:
    # Blank cells are reported once, as blanks, by the column checks.
    return known | values.isna()


def _once_per_value(bad: pd.Series, values: pd.Series) -> pd.Series:
    # A file carries one period: a wrong one is reported at its first row, not on every row.
    return ~(bad & ~values.duplicated()).fillna(False).astype(bool)


def _not_after(dates: pd.Series, period: pd.Series) -> pd.Series:
    snapshot = pd.to_datetime(period, format="%Y-%m-%d", errors="coerce")
    # A missing date is reported once by its own column's checks.
    return (dates <= snapshot) | dates.isna() | snapshot.isna()


def _is_sunday(period: pd.Series) -> pd.Series:
    return pd.to_datetime(period, format="%Y-%m-%d", errors="coerce").dt.day_of_week == SNAPSHOT_DAY


_TFC = fields.code(
    "Treatment function code from the national list: 100 General Surgery, 101 Urology, "
    "110 Trauma and Orthopaedics, ... 502 Gynaecology; X02 to X06 for other services.",
    example="110",
)
_PATHWAY_TYPE = fields.code(
    "admitted (a decision to admit has been made: inpatient or day case) or non_admitted "
    "(waiting for outpatient care).",
    example="non_admitted",
)


class RttAggregate(pa.DataFrameModel):
    """One row per treatment function, pathway type and whole weeks waited at the snapshot."""

    org_code: Series[str] = fields.org_code()
    period: Series[str] = fields.period_week()
    treatment_function_code: Series[str] = _TFC
    pathway_type: Series[str] = _PATHWAY_TYPE
    weeks_waited: Series[pd.Int64Dtype] = fields.count(
        "Whole weeks from clock start to the snapshot date (0 to 6 days = 0), 0 to 104; "
        "put pathways that have waited 104 weeks or more in 104.",
        example="12",
    )
    pathways: Series[pd.Int64Dtype] = fields.count(
        "Incomplete pathways of this function, type and weeks waited at the snapshot.", "37"
    )

    class Config:
        strict = True
        unique = ["treatment_function_code", "pathway_type", "weeks_waited"]


class RttPtl(pa.DataFrameModel):
    """One row per incomplete pathway on the PTL at the snapshot (pseudonymised)."""

    org_code: Series[str] = fields.org_code()
    period: Series[str] = fields.period_week()
    pathway_id: Series[str] = fields.text(
        "The pathway's pseudonymised id, unique in the file. Never an NHS number, hospital "
        "number or other identifier. Letters, digits and _ . / - only.",
        example="PW7F3A21C9",
        str_matches=PATHWAY_ID_PATTERN,
        unique=True,
    )
    clock_start_date: Series[pd.Timestamp] = fields.date(
        "The date the RTT clock started, on or before the snapshot date.", example="2023-06-14"
    )
    treatment_function_code: Series[str] = _TFC
    pathway_type: Series[str] = _PATHWAY_TYPE
    priority: Series[str] = fields.code(
        "Clinical priority P1 to P4, if recorded; may be left blank.",
        example="P3",
        nullable=True,
    )

    class Config:
        strict = True


_COMMON_RULES = [
    Rule(
        name="period_is_a_sunday",
        column="period",
        message="The snapshot date must be a Sunday (the day that ends the week)",
        fn=lambda df: _once_per_value(
            ~_is_sunday(df["period"]) & df["period"].notna(), df["period"]
        ),
        hint="Give the Sunday at the end of the week the snapshot was taken, e.g. 2023-10-29.",
    ),
    Rule(
        name="tfc_is_on_the_national_list",
        column="treatment_function_code",
        message="is not a treatment function code on the national RTT list",
        fn=lambda df: _known_or_blank(
            df["treatment_function_code"], known_tfc(df["treatment_function_code"])
        ),
        hint="Use the 3-digit code without the C_ prefix (e.g. 110), or X02 to X06 for other "
        "services; do not send a total (999) row.",
    ),
    Rule(
        name="pathway_type_is_known",
        column="pathway_type",
        message="must be admitted or non_admitted",
        fn=lambda df: _known_or_blank(df["pathway_type"], df["pathway_type"].isin(PATHWAY_TYPES)),
        hint="admitted = has a decision to admit; non_admitted = waiting for outpatient care.",
    ),
]

AGGREGATE_RULES = [
    *_COMMON_RULES,
    Rule(
        name="weeks_waited_at_most_104",
        column="weeks_waited",
        message=f"Weeks waited must be 0 to {MAX_WEEKS}",
        fn=lambda df: df["weeks_waited"] <= MAX_WEEKS,
        hint=f"Put pathways that have waited {MAX_WEEKS} weeks or more in {MAX_WEEKS}.",
    ),
]

PTL_RULES = [
    *_COMMON_RULES,
    Rule(
        name="priority_is_known",
        column="priority",
        message="must be P1, P2, P3 or P4, or left blank",
        fn=lambda df: _known_or_blank(df["priority"], df["priority"].isin(PRIORITIES)),
        hint="Leave the cell blank if the pathway has no recorded priority.",
    ),
    Rule(
        name="clock_start_not_after_snapshot",
        column="clock_start_date",
        message="The clock start date is after the snapshot date",
        fn=lambda df: _not_after(df["clock_start_date"], df["period"]),
        hint="A pathway on the list at the snapshot started on or before it: check the date "
        "(day and month the right way round?).",
    ),
]

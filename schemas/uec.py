"""Urgent and emergency care return (RETURNS.md section 4): one row per site and day.

A&E attendances and those that left within 4 hours of arrival by department type (1, 2, 3) and
for booked appointments; 12-hour waits from arrival at type 1 departments; general and acute beds
occupied and those held by patients who have stayed 7, 14 and 21 days or more.

The return is complete by day: every day of the month for every site it reports, a day the site
was closed marked so in ``site_closed`` (with 0 in every count) rather than left out, so a short
export is told apart from a site that saw no one.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.rules import Rule, not_above, schema_with_rules


class UecReturn(pa.DataFrameModel):
    """One row per site and day of the month the return covers."""

    org_code: Series[str] = fields.org_code()
    period: Series[str] = fields.period_month()
    site_code: Series[str] = fields.code(
        "ODS code of the hospital site (5 characters), one of the trust's sites.",
        example="REM21",
        str_matches=r"^[A-Z0-9]{5}$",
    )
    date: Series[pd.Timestamp] = fields.date(
        "The calendar day, inside the month of the return.", example="2023-10-01"
    )
    type1_attendances: Series[pd.Int64Dtype] = fields.count(
        "Attendances at the type 1 (major emergency) department. 0 if the site has none.", "310"
    )
    type1_within_4h: Series[pd.Int64Dtype] = fields.count(
        "Type 1 attendances admitted, transferred or discharged within 4 hours of arrival.", "205"
    )
    type2_attendances: Series[pd.Int64Dtype] = fields.count(
        "Attendances at type 2 (single-specialty, e.g. eye) departments.", "0"
    )
    type2_within_4h: Series[pd.Int64Dtype] = fields.count(
        "Type 2 attendances that left within 4 hours of arrival.", "0"
    )
    type3_attendances: Series[pd.Int64Dtype] = fields.count(
        "Attendances at type 3 departments (urgent treatment centre, minor injuries, walk-in).",
        "120",
    )
    type3_within_4h: Series[pd.Int64Dtype] = fields.count(
        "Type 3 attendances that left within 4 hours of arrival.", "114"
    )
    booked_attendances: Series[pd.Int64Dtype] = fields.count(
        "Booked appointments at any A&E department type.", "15"
    )
    booked_within_4h: Series[pd.Int64Dtype] = fields.count(
        "Booked appointments seen and left within 4 hours of arrival.", "15"
    )
    type1_over_12h_from_arrival: Series[pd.Int64Dtype] = fields.count(
        "Type 1 attendances that spent more than 12 hours in the department from arrival.", "18"
    )
    ga_beds_occupied: Series[pd.Int64Dtype] = fields.count(
        "General and acute beds occupied at midnight.", "850"
    )
    beds_stay_7plus: Series[pd.Int64Dtype] = fields.count(
        "Occupied G&A beds held by patients who have stayed 7 days or more.", "400"
    )
    beds_stay_14plus: Series[pd.Int64Dtype] = fields.count(
        "Occupied G&A beds held by patients who have stayed 14 days or more.", "220"
    )
    beds_stay_21plus: Series[pd.Int64Dtype] = fields.count(
        "Occupied G&A beds held by patients who have stayed 21 days or more.", "140"
    )
    site_closed: Series[str] = fields.code(
        "yes if the site was closed all day (every count 0); blank on a day it was open. "
        "The column may be left out of a file with no closed days.",
        example="",
        nullable=True,
    )

    class Config:
        strict = True
        unique = ["site_code", "date"]


#: The one value ``site_closed`` takes, as read (codes are upper-cased); blank means open.
CLOSED = "YES"
#: The columns a file may leave out: a trust with no closed days need not add the column.
OPTIONAL_COLUMNS = frozenset({"site_closed"})
COUNTS = [
    name
    for name in UecReturn.to_schema().columns
    if (UecReturn.to_schema().columns[name].metadata or {}).get("kind") == "count"
]


def _closed(df: pd.DataFrame) -> pd.Series:
    return df["site_closed"].eq(CLOSED).fillna(False).astype(bool)


_WITHIN_4H_HINT = "Check the two figures: those seen within 4 hours are part of the attendances."

RULES = [
    *(
        not_above(
            f"{kind}_within_4h",
            f"{kind}_attendances",
            f"{label} within 4 hours cannot be more than {label.lower()} attendances",
            _WITHIN_4H_HINT,
        )
        for kind, label in [
            ("type1", "Type 1"),
            ("type2", "Type 2"),
            ("type3", "Type 3"),
            ("booked", "Booked"),
        ]
    ),
    Rule(
        name="over_12h_not_above_over_4h",
        column="type1_over_12h_from_arrival",
        message="12-hour waits cannot be more than the type 1 attendances that took over 4 hours",
        fn=lambda df: (
            df["type1_over_12h_from_arrival"] <= df["type1_attendances"] - df["type1_within_4h"]
        ),
        hint="A patient who waited 12 hours also waited more than 4: check all three figures.",
    ),
    not_above(
        "beds_stay_21plus",
        "beds_stay_14plus",
        "Beds held 21+ days cannot be more than beds held 14+ days",
        "Patients who have stayed 21 days are also counted in 14+ days.",
    ),
    not_above(
        "beds_stay_14plus",
        "beds_stay_7plus",
        "Beds held 14+ days cannot be more than beds held 7+ days",
        "Patients who have stayed 14 days are also counted in 7+ days.",
    ),
    not_above(
        "beds_stay_7plus",
        "ga_beds_occupied",
        "Beds held 7+ days cannot be more than G&A beds occupied",
        "Long-stay beds are part of the occupied beds.",
    ),
    Rule(
        name="site_closed_is_yes_or_blank",
        column="site_closed",
        message="must be yes (the site was closed all day) or blank",
        fn=lambda df: df["site_closed"].isna() | _closed(df),
        hint="Pick yes from the drop-down for a closed day; leave it blank on a day the site "
        "was open.",
    ),
    Rule(
        name="closed_day_has_no_counts",
        column="site_closed",
        message="A day marked closed cannot have attendances or occupied beds",
        # A blank count is reported as a blank by its column: here it is no contradiction.
        fn=lambda df: ~_closed(df) | (df[COUNTS].fillna(0) == 0).all(axis="columns"),
        hint="Put 0 in every count of a day the site was closed, or clear site_closed if it "
        "was open.",
    ),
    Rule(
        name="date_inside_period",
        column="date",
        message="The date is outside the month in the period column",
        fn=lambda df: df["date"].dt.strftime("%Y-%m") == df["period"],
        hint="Send one month per file, with every date inside that month.",
    ),
]

SCHEMA = schema_with_rules(UecReturn, RULES)

"""The urgent and emergency care return, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from pipeline.validation.completeness import missing_days
from pipeline.validation.problems import Problem
from schemas.uec import CLOSED, OPTIONAL_COLUMNS, RULES, UecReturn


def template_rows(org_code: str, period: str, sites: list[str]) -> pd.DataFrame:
    """One pre-filled row per site and day of the month, counts left for the trust to fill."""
    start = pd.Period(period, freq="M").start_time
    days = pd.date_range(start, periods=pd.Period(period, freq="M").days_in_month, freq="D")
    keys = pd.MultiIndex.from_product([sites, days], names=["site_code", "date"]).to_frame(
        index=False
    )
    keys.insert(0, "period", period)
    keys.insert(0, "org_code", org_code)
    return keys


def to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """``site_closed`` stored as true or false, so a closed day is never read as missing."""
    return rows.assign(site_closed=rows["site_closed"].eq(CLOSED).fillna(False).astype(bool))


def every_day_given(typed: pd.DataFrame, context) -> list[Problem]:
    """Every day of the month for each site the file reports (closed days marked)."""
    return missing_days(typed, "site_code")


SPEC = ReturnSpec(
    return_type="uec",
    title="Urgent and emergency care",
    template_version="1",
    model=UecReturn,
    rules=RULES,
    raw_table="raw.uec_daily",
    frequency="monthly",
    site_column="site_code",
    to_raw=to_raw,
    template_rows=template_rows,
    context_check=every_day_given,
    optional_columns=OPTIONAL_COLUMNS,
    choices={"site_closed": ["yes"]},
    notes=(
        "One row per site and day of the month, every day of the month for every site you "
        "report: a file with days missing is refused. Sites without an A&E department of a "
        "type enter 0 for that type.",
        "A day a site was closed all day: put yes in site_closed and 0 in every count. Leave "
        "site_closed blank on the days it was open (the column may be left out if none was "
        "closed).",
        "Count attendances by arrival date. Within 4 hours means admitted, transferred or "
        "discharged within 4 hours of arrival.",
        "Beds: general and acute beds occupied at midnight, and of those the beds held by "
        "patients who have stayed 7, 14 and 21 days or more (each includes the next).",
    ),
)

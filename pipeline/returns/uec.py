"""The urgent and emergency care return, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.uec import RULES, UecReturn


def template_rows(org_code: str, period: str, sites: list[str]) -> pd.DataFrame:
    """One pre-filled row per site and day of the month, counts left for the trust to fill."""
    start = pd.Period(period, freq="M").start_time
    days = pd.date_range(start, periods=pd.Period(period, freq="M").days_in_month, freq="D")
    keys = pd.MultiIndex.from_product([sites, days], names=["site_code", "date"]).to_frame(
        index=False)
    keys.insert(0, "period", period)
    keys.insert(0, "org_code", org_code)
    return keys


SPEC = ReturnSpec(
    return_type="uec",
    title="Urgent and emergency care",
    template_version="1",
    model=UecReturn,
    rules=RULES,
    raw_table="raw.uec_daily",
    frequency="monthly",
    site_column="site_code",
    template_rows=template_rows,
    notes=(
        "One row per site and day of the month. Sites without an A&E department of a type "
        "enter 0 for that type.",
        "Count attendances by arrival date. Within 4 hours means admitted, transferred or "
        "discharged within 4 hours of arrival.",
        "Beds: general and acute beds occupied at midnight, and of those the beds held by "
        "patients who have stayed 7, 14 and 21 days or more (each includes the next).",
    ),
)

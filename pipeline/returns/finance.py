"""The finance return, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.finance import RULES, FinanceReturn, financial_year_month


def template_rows(org_code: str, period: str, sites: list[str]) -> pd.DataFrame:
    """The one row, with the organisation, month and financial-year month filled in."""
    periods = pd.Series([period])
    return pd.DataFrame(
        {
            "org_code": [org_code],
            "period": periods,
            "fy_month": financial_year_month(periods).astype("Int64"),
        }
    )


SPEC = ReturnSpec(
    return_type="finance",
    title="Finance",
    template_version="1",
    model=FinanceReturn,
    rules=RULES,
    raw_table="raw.finance_monthly",
    frequency="monthly",
    template_rows=template_rows,
    notes=(
        "One row: the position at the end of the month. Every amount in £ thousands "
        "(£1.5m = 1500), decimals allowed.",
        "Surplus positive, deficit negative (e.g. -6150). CIP, capital and cash figures are 0 "
        "or more.",
        "Year to date runs from April (fy_month 1) to this month; cash support requested and "
        "received are cumulative for the financial year so far.",
        "The ICB sends its own return the same way, under QYG.",
    ),
)

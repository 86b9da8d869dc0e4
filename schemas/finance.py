"""Finance return (RETURNS.md section 5): one row, the organisation's position at a month end.

All money is in £ thousands. Income and expenditure is a surplus (positive) or deficit
(negative). Year-to-date (YTD) figures run from April, month 1 of the financial year, to the
month of the return; cash support is cumulative over the financial year so far. Each CMAST
trust sends its own; the ICB sends its own under its code (``QYG``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.rules import Rule, not_above, schema_with_rules

#: No CMAST organisation's figure comes near £10bn: a larger one is a slip (pounds, not £k).
PLAUSIBLE_LIMIT = 10_000_000
_MONEY = Series[pd.Float64Dtype]


def financial_year_month(period: pd.Series) -> pd.Series:
    """Month of the financial year for YYYY-MM periods: April 1 ... March 12."""
    month = pd.to_numeric(period.str.slice(5, 7), errors="coerce")
    return (month - 4) % 12 + 1


class FinanceReturn(pa.DataFrameModel):
    """One row: the organisation and month; every figure in £ thousands."""

    org_code: Series[str] = fields.org_code(
        "ODS code of the trust sending the return, e.g. REM (QYG for the ICB's own return)."
    )
    period: Series[str] = fields.period_month("The month end the position is at, as YYYY-MM.")
    fy_month: Series[pd.Int64Dtype] = fields.count(
        "Month of the financial year: 1 = April ... 7 = October ... 12 = March.", "7"
    )
    ytd_plan_surplus_deficit: _MONEY = fields.money(
        "Year-to-date planned surplus (+) or deficit (-), £k.", "-4200"
    )
    ytd_actual_surplus_deficit: _MONEY = fields.money(
        "Year-to-date actual surplus (+) or deficit (-), £k.", "-6150.5"
    )
    fy_plan_surplus_deficit: _MONEY = fields.money(
        "Full-year planned surplus (+) or deficit (-), £k.", "-7200"
    )
    fy_forecast_outturn: _MONEY = fields.money(
        "Full-year forecast outturn, surplus (+) or deficit (-), £k.", "-7200"
    )
    cip_ytd_plan: _MONEY = fields.money("Cost improvement (CIP) planned year to date, £k.", "9800")
    cip_ytd_delivered: _MONEY = fields.money("CIP delivered year to date, £k.", "8420")
    cip_ytd_recurrent: _MONEY = fields.money(
        "Of the CIP delivered year to date, the part that is recurrent, £k.", "5100"
    )
    capital_fy_plan: _MONEY = fields.money("Capital (CDEL) plan for the full year, £k.", "31000")
    capital_ytd_spend: _MONEY = fields.money("Capital (CDEL) spent year to date, £k.", "10400")
    cash_support_requested: _MONEY = fields.money(
        "Revenue cash support requested, cumulative for the financial year so far, £k.", "0"
    )
    cash_support_received: _MONEY = fields.money(
        "Revenue cash support received, cumulative for the financial year so far, £k.", "0"
    )

    class Config:
        strict = True
        unique = ["org_code", "period"]


_MONEY_COLUMNS = [
    c for c in FinanceReturn.to_schema().columns if c not in ("org_code", "period", "fy_month")
]
_NOT_NEGATIVE = {
    "cip_ytd_plan": "CIP planned",
    "cip_ytd_delivered": "CIP delivered",
    "cip_ytd_recurrent": "Recurrent CIP",
    "capital_fy_plan": "The capital plan",
    "cash_support_requested": "Cash support requested",
    "cash_support_received": "Cash support received",
}

RULES = [
    Rule(
        name="fy_month_matches_period",
        column="fy_month",
        message="fy_month is not the financial-year month of the period",
        fn=lambda df: df["fy_month"] == financial_year_month(df["period"]),
        hint="The financial year starts in April: April = 1, October = 7, March = 12.",
    ),
    *(
        Rule(
            name=f"{column}_plausible",
            column=column,
            message="is not a plausible amount in £ thousands",
            fn=lambda df, column=column: df[column].abs() < PLAUSIBLE_LIMIT,
            hint="Give money in £ thousands (£1.5m is 1500), not in pounds.",
        )
        for column in _MONEY_COLUMNS
    ),
    *(
        Rule(
            name=f"{column}_not_negative",
            column=column,
            message=f"{label} cannot be negative",
            fn=lambda df, column=column: df[column] >= 0,
            hint="Only surplus/deficit figures take a minus sign.",
        )
        for column, label in _NOT_NEGATIVE.items()
    ),
    not_above(
        "cip_ytd_recurrent",
        "cip_ytd_delivered",
        "Recurrent CIP cannot be more than CIP delivered",
        "The recurrent savings are part of the savings delivered.",
    ),
    not_above(
        "cash_support_received",
        "cash_support_requested",
        "Cash support received cannot be more than cash support requested",
        "Both are cumulative for the year so far: check the two figures.",
    ),
]

SCHEMA = schema_with_rules(FinanceReturn, RULES)

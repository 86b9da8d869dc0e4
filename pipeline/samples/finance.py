"""Sample finance returns, £ thousands.

Each trust's income scales with its size (REM = 1.0, about £1.25bn a year). About half plan a
deficit; most run a little behind plan through the year, so the provider position ends up
somewhat worse than planned with about half the trusts in deficit. Cost improvement is
back-loaded and under-delivered, capital spend is back-loaded, and the trusts deepest in
deficit ask for cash support. The ICB's own return (QYG) plans a small surplus and stays close
to it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.samples.demo import WORKBOOK_TRUSTS, arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for
from schemas.finance import financial_year_month

ICB = "QYG"
INCOME_PER_SIZE = 1_250_000  # £k a year
ICB_ALLOCATION = 6_100_000  # £k a year
#: Planned full-year surplus (+) or deficit (-) as a share of income.
PLANNED_MARGIN = {
    "REM": -0.012,
    "RBL": -0.010,
    "RBN": 0.002,
    "RWW": -0.018,
    "RJR": -0.015,
    "RBT": 0.004,
    "RJN": -0.025,
    "RBS": 0.003,
    "REP": -0.030,
    "RBQ": 0.006,
    "REN": 0.004,
    "RET": 0.003,
}
#: How far behind plan a trust runs, as a share of income (0 = on plan).
SLIPPAGE = {
    "REM": 0.005,
    "RBL": 0.004,
    "RBN": 0.001,
    "RWW": 0.007,
    "RJR": 0.004,
    "RBT": 0.002,
    "RJN": 0.008,
    "RBS": 0.0,
    "REP": 0.010,
    "RBQ": 0.0,
    "REN": 0.001,
    "RET": 0.001,
}
#: Trusts that ask for revenue cash support once their deficit has built up.
CASH_SUPPORT = {"REP", "RJN", "RWW"}


def _k(value: float) -> float:
    return round(float(value), 1)


def sample_finance(org: str, period: str) -> pd.DataFrame:
    """One organisation's finance return for a month: its one row."""
    month = int(financial_year_month(pd.Series([period])).iloc[0])
    fy_start = int(period[:4]) - (1 if int(period[5:7]) < 4 else 0)
    rng = rng_for("finance", org, str(fy_start))  # one set of plans per organisation and year
    share = month / 12
    income: float
    if org == ICB:
        income, margin, slip, cip_rate, capital = ICB_ALLOCATION, 0.0025, 0.0, 0.010, 0.0
    else:
        income = INCOME_PER_SIZE * PROFILES[org].size
        margin, slip = PLANNED_MARGIN[org], SLIPPAGE[org]
        cip_rate, capital = 0.045, 35_000 * PROFILES[org].size
    fy_plan = income * margin
    # Plans put more of the deficit in the early months, before savings start to land.
    ytd_plan = fy_plan * share * (1 + 0.25 * (1 - share))
    drift = rng.normal(1.0, 0.15) * (1 + 0.2 * np.sin(month))  # month-to-month noise
    ytd_actual = ytd_plan - income * share * (slip * drift + rng.normal(0, 0.0004))
    # Trusts hold their forecast at plan until the gap is too big to close (from month 6).
    forecast = fy_plan - (income * slip * 0.8 if month >= 6 and slip >= 0.006 else 0.0)
    cip_plan = income * cip_rate * share * (0.8 + 0.4 * share)
    cip_delivered = cip_plan * rng.uniform(0.78, 0.96)
    cip_recurrent = cip_delivered * rng.uniform(0.5, 0.7)
    capital_spend = capital * share**1.4 * rng.uniform(0.8, 1.05)
    requested = received = 0.0
    if org in CASH_SUPPORT and month >= 4:
        requested = abs(ytd_actual) * 0.8
        received = abs(ytd_plan - income * slip * (month - 1) / 12) * 0.8 * (month - 1) / month
    return pd.DataFrame(
        [
            {
                "org_code": org,
                "period": period,
                "fy_month": month,
                "ytd_plan_surplus_deficit": _k(ytd_plan),
                "ytd_actual_surplus_deficit": _k(ytd_actual),
                "fy_plan_surplus_deficit": _k(fy_plan),
                "fy_forecast_outturn": _k(forecast),
                "cip_ytd_plan": _k(cip_plan),
                "cip_ytd_delivered": _k(cip_delivered),
                "cip_ytd_recurrent": _k(cip_recurrent),
                "capital_fy_plan": _k(capital),
                "capital_ytd_spend": _k(capital_spend),
                "cash_support_requested": _k(requested),
                "cash_support_received": _k(min(received, requested)),
            }
        ]
    )


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's and the ICB's finance return for each month, plus a slip in pounds."""
    written = []
    for org in [*sorted(PROFILES), ICB]:
        for period in months:
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            written.append(
                write_sample(
                    "finance",
                    sample_finance(org, period),
                    settings.inbox / org / f"{org}_finance_{period}{suffix}",
                    arrival(period, day=14),
                    org=org,
                    period=period,
                )
            )
    # East Cheshire's first October return calls October month 10 and puts all CIP delivered
    # down as recurrent plus a slip: quarantined, and the corrected file (above) loads after it.
    latest = months[-1]
    slip = sample_finance("RJN", latest)
    slip["cip_ytd_recurrent"] = slip["cip_ytd_delivered"] + 120
    slip["fy_month"] = 10
    written.append(
        write_sample(
            "finance",
            slip,
            settings.inbox / "RJN" / f"RJN_finance_{latest}_first.csv",
            arrival(latest, day=13),
            org="RJN",
            period=latest,
        )
    )
    return written

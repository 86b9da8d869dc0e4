"""Numbers and months written as briefings write them.

Approximate phrases are only offered where they are true of the exact value: "over 55,000" for
55,123 but never for 55,000 itself; "nearly 40,000" only just below 40,000.
"""

from __future__ import annotations

import math

import pandas as pd


def month_name(period: str) -> str:
    """``2023-10`` -> ``October 2023``."""
    return pd.Period(period[:7], freq="M").strftime("%B %Y")


def day_name(iso: str) -> str:
    """``2023-10-29`` -> ``29 October 2023``."""
    day = pd.Timestamp(iso)
    return f"{day.day} {day:%B %Y}"


def count(value: float | int | None) -> str:
    return "-" if value is None or pd.isna(value) else f"{round(value):,}"


def percent(value: float | None, places: int = 1) -> str:
    return "-" if value is None or pd.isna(value) else f"{value:.{places}f}%"


def money_thousands(value: float | None) -> str:
    """£ thousands as briefings quote them: £12.3m, or £850k under a million."""
    if value is None or pd.isna(value):
        return "-"
    sign = "-" if value < 0 else ""
    amount = abs(value)
    return f"{sign}£{amount / 1000:,.1f}m" if amount >= 1000 else f"{sign}£{amount:,.0f}k"


def _step(value: float) -> int:
    """A round step suited to the size of the value: 1,000 for tens of thousands, and so on."""
    return 10 ** max(0, int(math.log10(abs(value))) - 1) if value else 1


def approximately(value: int) -> str:
    """An approximate phrase that is true of ``value``, or the exact count when none fits.

    "nearly N" when value is below a round N by under 1%; "over N" when above a round N by
    under 10%; otherwise the exact number.
    """
    if value < 100:
        return count(value)
    step = _step(value)
    above = math.ceil(value / step) * step
    below = math.floor(value / step) * step
    if value < above and (above - value) / above < 0.01:
        return f"nearly {above:,}"
    if value > below and (value - below) / below < 0.10:
        return f"over {below:,}"
    return count(value)

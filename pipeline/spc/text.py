"""Figures written as a board paper writes them, for SPC charts, notes and summaries.

``format_value`` gives a bare number (fewer decimals the larger it is); ``format_with_unit``
adds the unit where it is known, so that a target of 92 on a percentage reads ``92%`` and one of
-42,489.6 on a measure in £ thousands reads ``-£42.5m``.
"""

from __future__ import annotations

import math

#: Unit names the catalogue uses (and a few spellings of them), by how they are written.
PERCENT_UNITS = frozenset({"percent", "pct", "%"})
MONEY_THOUSANDS_UNITS = frozenset({"gbp_thousands"})


def format_value(x: float | None) -> str:
    """A figure as a board paper prints it: fewer decimals the larger it is, no trailing zeros."""
    if x is None or not math.isfinite(x):
        return "-"
    size = abs(x)
    if size >= 1000:
        return f"{x:,.0f}"
    if 0 < size < 1:
        return f"{x:.3g}"
    text = f"{x:.1f}" if size >= 100 else f"{x:.2f}"
    return text.rstrip("0").rstrip(".")


def format_with_unit(x: float | None, unit: str | None) -> str:
    """``format_value`` with its unit: ``92%`` for a percentage, ``-£42.5m`` for £ thousands.

    Units not listed here (counts, ranks, rates, or None) give the bare figure.
    """
    if x is None or not math.isfinite(x):
        return "-"
    if unit in PERCENT_UNITS:
        return f"{format_value(x)}%"
    if unit in MONEY_THOUSANDS_UNITS:
        sign = "-" if x < 0 else ""
        return f"{sign}£{abs(x) / 1000:,.1f}m"
    return format_value(x)

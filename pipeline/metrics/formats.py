"""One display rule per unit, used by every output a person reads (pack, workbook, Markdown).

The rules follow the house style of NHS board papers:

* counts of people, trusts and ranks: whole numbers with thousands separators;
* rates of people per week: whole numbers too ("1,415 patients a week", never "1,414.7");
* weeks: one decimal (a duration, not a count of people);
* percentages: one decimal and a ``%`` sign;
* money (returns give £ thousands): £ millions to one decimal, the unit always named, either in
  the text (``-£42.5m``) or in the column header (``(£m)``), never a bare ``-42,489.6``.

Machine outputs (JSON, CSV) keep exact values; :func:`exact` makes a whole float an int there.
"""

from __future__ import annotations

import math

import pandas as pd

#: Units whose values are counts of things: whole numbers everywhere a person reads them.
WHOLE_UNITS = frozenset({"count", "trusts", "rank", "per_week"})
#: The unit named in a table's column header, where the cells carry none.
HEADER_UNITS = {"percent": "%", "gbp_thousands": "£m", "weeks": "weeks", "per_week": "a week"}
#: Excel number formats matching the rules above (money cells hold £ millions).
EXCEL_FORMATS = {
    "percent": '0.0"%"',
    "count": "#,##0",
    "trusts": "0",
    "rank": "0",
    "per_week": "#,##0",
    "weeks": "0.0",
    "gbp_thousands": "#,##0.0;-#,##0.0",
}


def missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def display(value: float | int | None, unit: str) -> str:
    """A value as a person reads it, with its unit: ``68.4%``, ``31,123``, ``-£42.5m``."""
    if value is None or missing(value):
        return "-"
    value = float(value)
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "gbp_thousands":
        sign = "-" if value < 0 else ""
        return f"{sign}£{abs(value) / 1000:,.1f}m"
    if unit == "weeks":
        return f"{value:,.1f}"
    return f"{half_up(value):,}"


def half_up(value: float) -> int:
    """Rounded as people round (2.5 -> 3), not to even as Python's ``round`` does (2.5 -> 2)."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def cell(value: float | int | None, unit: str) -> str:
    """A table cell: as :func:`display`, but without the unit the column header carries."""
    if value is None or missing(value):
        return ""
    if isinstance(value, str):
        return value
    if unit == "percent":
        return f"{float(value):.1f}"
    if unit == "gbp_thousands":
        return f"{float(value) / 1000:,.1f}"
    return display(value, unit)


def table_number(value: float | int | None, unit: str) -> float | int | None:
    """The number a workbook cell holds: money in £ millions (its header says so), whole units
    as ints, everything else as it is (the cell's number format does the rounding)."""
    if value is None or missing(value):
        return None
    if isinstance(value, str):
        return value
    if unit == "gbp_thousands":
        return float(value) / 1000
    if unit in WHOLE_UNITS:
        return int(round(float(value)))
    return float(value)


def header(label: str, unit: str) -> str:
    """A column header naming the unit of its cells: ``Deficit, year to date (£m)``."""
    named = HEADER_UNITS.get(unit)
    if not named or label.endswith(f"({named})"):
        return label
    if unit == "percent" and label.endswith("(%)"):
        return label
    return f"{label} ({named})"


def exact(value: object) -> object:
    """A value for JSON or CSV: a whole float becomes an int (13148, not 13148.0)."""
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and abs(value) < 2**53
    ):
        return int(value)
    return value


def integers_as_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for CSV or JSON with each float column holding only whole numbers made an
    integer column (DuckDB hands sums of counts over as floats: 13148.0)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            finite = values.dropna()
            if not finite.empty and (finite == finite.round()).all() and finite.abs().max() < 2**53:
                out[column] = values.astype("Int64")
    return out

"""Field builders shared by the return models.

Each builder records the column's *kind* in the field metadata. The kind tells the reader how to
turn the text of a cell into a value (``pipeline.validation.parse``) and the template how to set
up data validation, so a column is declared once, here in the schema, with its description.
"""

from __future__ import annotations

from typing import Any

import pandera.pandas as pa

#: A time typed without a date (08:30) is read as on this day, Excel's day zero; the return's
#: schema then places it on the row's own date (see ``schemas.theatres``).
TIME_ONLY_DATE = "1899-12-30"


def _field(kind: str, description: str, *, example: str = "", **checks: Any) -> Any:
    return pa.Field(
        description=description,
        coerce=True,
        metadata={"kind": kind, "example": example},
        **checks,
    )


def org_code(description: str = "ODS code of the trust sending the return, e.g. REM.") -> Any:
    return _field("code", description, example="REM", str_matches=r"^[A-Z0-9]{3,5}$")


def period_month(description: str = "The month the return covers, as YYYY-MM.") -> Any:
    return _field("period", description, example="2023-10", str_matches=r"^\d{4}-(0[1-9]|1[0-2])$")


def period_week(
    description: str = "The snapshot date: the Sunday that ends the week, as YYYY-MM-DD.",
) -> Any:
    return _field("week", description, example="2023-10-29", str_matches=r"^\d{4}-\d{2}-\d{2}$")


def code(description: str, example: str = "", **checks: Any) -> Any:
    return _field("code", description, example=example, **checks)


def text(description: str, example: str = "", **checks: Any) -> Any:
    return _field("text", description, example=example, **checks)


def date(description: str, example: str = "", **checks: Any) -> Any:
    return _field("date", description, example=example, **checks)


def count(description: str, example: str = "0", **checks: Any) -> Any:
    return _field("count", description, example=example, ge=0, **checks)


def time(description: str, example: str = "", **checks: Any) -> Any:
    """A time of day (HH:MM) or a full date and time; see ``pipeline.validation.parse``."""
    return _field("time", description, example=example, **checks)


def money(description: str, example: str = "0", **checks: Any) -> Any:
    """£ thousands, decimals allowed; negative for a deficit."""
    return _field("money", description, example=example, **checks)


def number(description: str, example: str = "", **checks: Any) -> Any:
    """Any decimal number, e.g. a percentage or a planned count."""
    return _field("number", description, example=example, **checks)


def financial_year(description: str = "The financial year, April to March, as YYYY-YY.") -> Any:
    """The financial year as YYYY-YY, e.g. 2023-24."""
    return _field("financial_year", description, example="2023-24", str_matches=r"^\d{4}-\d{2}$")

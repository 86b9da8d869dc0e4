"""What every parsed NHS England publication has in common: its kind, month and dates.

A parsed file is a small dataclass holding the month it covers (read from the file's content,
never from its name), the publication and revision dates where the file states them, and one
tidy DataFrame per table. Every table carries a ``period`` column, so each can be appended to a
warehouse table as it is (``INSERT INTO t SELECT * FROM df``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime

import pandas as pd


class PublicationError(ValueError):
    """The file is of a known kind but its content is not as that kind is published."""


class UnrecognisedPublication(PublicationError):
    """The file is not one of the NHS England publications that the pipeline reads."""


MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


def period_from_text(text: str) -> str:
    """``YYYY-MM`` from a month name and year anywhere in the text.

    Covers ``MSitAE-OCTOBER-2023`` (A&E CSV), ``June 2025`` (workbook metadata) and
    ``RTT-April-2026`` (RTT extract).
    """
    match = re.search(
        r"(?i)\b(" + "|".join(MONTHS) + r")\b[\s\-_]*(\d{4})\b", text.replace("-", " ")
    )
    if not match:
        raise PublicationError(f"no month and year in period {text!r}")
    return f"{int(match.group(2)):04d}-{MONTHS[match.group(1).lower()]:02d}"


def date_from_text(text: str | None) -> date | None:
    """A date written as NHS England writes them (``10th July 2025``); None when blank."""
    if text is None or not str(text).strip():
        return None
    cleaned = re.sub(r"(?i)(\d+)(st|nd|rd|th)\b", r"\1", str(text).strip())
    for pattern in ("%d %B %Y", "%d %b %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise PublicationError(f"not a date: {text!r}")


@dataclass(frozen=True)
class Publication:
    """A parsed file: kind, month covered, and the dates stated in the file (None if absent)."""

    kind: str
    period: str
    published: date | None
    revised: date | None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every tidy table of the file by field name, ready to be appended to the warehouse."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), pd.DataFrame)
        }

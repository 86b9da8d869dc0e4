"""Putting an SPC series into time order, or refusing it when its order cannot be known.

SPC reads a series as a sequence in time: runs and trends mean nothing in file order. So a
series whose period labels are dates, or text a reader knows as a date, is sorted by that date;
a series whose labels are not dates is taken as given only when the labels are already in their
natural order (``P1, P2, ..., P10``), and refused otherwise, since nothing can say which point
came first.

Labels read as dates, all of one kind in a series:

* ``date`` and ``datetime`` objects (and pandas Timestamps, which are datetimes);
* any other label by its text (a pandas Period of a month reads ``2023-01``), in these forms:
  ``YYYY-MM-DD`` (ISO date) and ``DD/MM/YYYY`` (the UK convention of trust returns);
  ``YYYY-MM`` (a month, as the warehouse stores it), ``YYYY-Www`` (an ISO week, e.g.
  ``2023-W05``, taken as its Monday) and ``YYYY-Qn`` (a calendar quarter; also ``2023Q1``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

_PATTERNS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str]], date]]] = {
    "ISO date": (
        re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
        lambda m: date(int(m[1]), int(m[2]), int(m[3])),
    ),
    "UK date": (
        re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"),
        lambda m: date(int(m[3]), int(m[2]), int(m[1])),
    ),
    "month": (re.compile(r"(\d{4})-(\d{2})"), lambda m: date(int(m[1]), int(m[2]), 1)),
    "ISO week": (
        re.compile(r"(\d{4})-?W(\d{2})", re.IGNORECASE),
        lambda m: date.fromisocalendar(int(m[1]), int(m[2]), 1),
    ),
    "quarter": (
        re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE),
        lambda m: date(int(m[1]), 3 * int(m[2]) - 2, 1),
    ),
}


def time_order(periods: list[Any], labels: list[str]) -> tuple[list[int], bool]:
    """The positions of the points in time order, and whether that differs from the order given.

    ``periods`` are the labels as given (strings, dates or datetimes) and ``labels`` their text,
    used in messages. Raises ValueError when the labels are not dates and are not already in
    their natural order.
    """
    keys = date_keys(periods, labels)
    given = list(range(len(periods)))
    if keys is not None:
        order = sorted(given, key=lambda i: keys[i])
        return order, order != given
    natural = [_natural_key(label) for label in labels]
    for i in range(1, len(labels)):
        if natural[i] < natural[i - 1]:
            raise ValueError(
                f"periods are out of order ({labels[i - 1]} comes before {labels[i]}) and are "
                "not dates, so their time order cannot be worked out; give the periods as "
                "dates (YYYY-MM-DD), months (YYYY-MM), ISO weeks (YYYY-Www) or quarters "
                "(YYYY-Qn), or put the rows in time order with labels that sort"
            )
    return given, False


def date_keys(periods: list[Any], labels: list[str]) -> list[datetime] | None:
    """Each period as a datetime to sort by, or None unless every one reads as the same kind.
    Date objects are taken as they are; anything else by its text, ``labels``."""
    if all(isinstance(p, (date, datetime)) for p in periods):
        # A date and a datetime do not compare with each other: bring both to datetimes.
        return [p if isinstance(p, datetime) else datetime(p.year, p.month, p.day) for p in periods]
    for pattern, to_date in _PATTERNS.values():
        matches = [pattern.fullmatch(label.strip()) for label in labels]
        if all(matches):
            try:
                days = [to_date(m) for m in matches if m is not None]
            except ValueError:
                return None  # 2023-13 or 31/02/2023: not a date, so not sorted as one
            return [datetime(d.year, d.month, d.day) for d in days]
    return None


def _natural_key(label: str) -> tuple[tuple[int, int | str], ...]:
    """Text with its digit runs read as numbers, so that P2 sorts before P10."""
    parts = re.split(r"(\d+)", label.strip().lower())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)

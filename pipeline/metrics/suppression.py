"""Disclosure control for published outputs: figures resting on 1 to 7 patients show as ``*``.

The warehouse and the JSON for internal use keep exact values (records say ``values_are:
exact``); the briefing files apply this on the way out.
"""

from __future__ import annotations

import pandas as pd

from pipeline.metrics.record import Headline

SUPPRESSED = "*"
SMALLEST_SHOWN = 8


def is_small(count: int | float | None) -> bool:
    return count is not None and not pd.isna(count) and 1 <= count < SMALLEST_SHOWN


def suppressed(record: Headline) -> bool:
    return is_small(record.patients)


def published_text(record: Headline) -> str:
    if suppressed(record):
        return (f"{record.id}: not shown for {record.scope}, as it rests on fewer than "
                f"{SMALLEST_SHOWN} patients.")
    return record.text


def published_count(value: int | float | None) -> int | float | str | None:
    """A patient count as published: the value, or ``*`` when 1 to 7."""
    return SUPPRESSED if is_small(value) else value

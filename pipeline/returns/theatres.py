"""The theatre sessions return, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.theatres import RULES, TIME_COLUMNS, TheatreSessionsReturn, on_session_day


def to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """Times stored as full date-times (an evening list's end after midnight on the next day),
    so durations are a subtraction; status in lower case."""
    raw = rows.copy()
    for column in TIME_COLUMNS:
        raw[column] = on_session_day(rows, column)
    raw["status"] = rows["status"].str.lower()
    return raw


SPEC = ReturnSpec(
    return_type="theatres",
    title="Theatre sessions",
    template_version="1",
    model=TheatreSessionsReturn,
    rules=RULES,
    raw_table="raw.theatre_sessions",
    frequency="monthly",
    site_column="site_code",
    to_raw=to_raw,
    notes=(
        "List every session that was planned for the month, held or cancelled: a cancelled "
        "session keeps its planned times, with status CANCELLED, a reason, no actual times and "
        "0 cases.",
        "Times on the 24-hour clock, HH:MM, on the session date. Actual start: first patient "
        "into the anaesthetic room or theatre; actual end: last patient out. Early starts and "
        "overruns are fine: give the real times.",
        "Only an evening (EVE) list may run past midnight: on an EVE row a time before 12:00 is "
        "the next morning (write 00:40, not 24:40). A full date and time is also accepted.",
    ),
)

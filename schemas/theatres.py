"""Theatre sessions return (RETURNS.md section 3): one row per planned session in the month.

A session is a planned block of operating time in one theatre: AM, PM, EVE (evening) or ALL
(all day). Every planned session is listed, held or cancelled: cancelled sessions keep their
planned times, because a cancelled list is lost time in the utilisation denominator. Actual
start is when the first patient went into the anaesthetic room or theatre, actual end when the
last patient left; a held session may start early or overrun (both are accepted and measured).

Times are on the 24-hour clock, as a time alone (``08:30``) on the session date, or as a full
date and time (``2023-10-02 08:30``). Only an evening list may run past midnight: on an EVE row,
a time alone before 12:00 is read as the next morning (an evening list that ends at 00:40 is
written 00:40). A session may not last more than 24 hours.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.rules import Rule, schema_with_rules

SESSIONS = ("AM", "PM", "EVE", "ALL")
HELD, CANCELLED = "HELD", "CANCELLED"
TIME_COLUMNS = ("planned_start", "planned_end", "actual_start", "actual_end")
_DAY_ZERO = pd.Timestamp(fields.TIME_ONLY_DATE)
_NOON = pd.Timedelta(hours=12)
_ONE_DAY = pd.Timedelta(days=1)


class TheatreSessionsReturn(pa.DataFrameModel):
    """One row per planned theatre session (held or cancelled) in the month."""

    org_code: Series[str] = fields.org_code()
    period: Series[str] = fields.period_month()
    site_code: Series[str] = fields.code(
        "ODS code of the hospital site (5 characters), one of the trust's sites.",
        example="REM21",
        str_matches=r"^[A-Z0-9]{5}$",
    )
    theatre: Series[str] = fields.text(
        "The theatre's name as the trust knows it, the same every month.", example="Theatre 3"
    )
    session_date: Series[pd.Timestamp] = fields.date(
        "The day the session was planned for, inside the month of the return.",
        example="2023-10-02",
    )
    session: Series[str] = fields.code("AM, PM, EVE (evening) or ALL (all day).", example="AM")
    specialty_tfc: Series[str] = fields.code(
        "Treatment function code (3 digits) of the specialty the list was planned for.",
        example="110",
        str_matches=r"^\d{3}$",
    )
    planned_start: Series[pd.Timestamp] = fields.time(
        "Planned start, HH:MM on the session date (or a full date and time).", example="08:30"
    )
    planned_end: Series[pd.Timestamp] = fields.time(
        "Planned end, HH:MM. Evening lists may end after midnight.", example="12:30"
    )
    actual_start: Series[pd.Timestamp] = fields.time(
        "Time the first patient went into the anaesthetic room or theatre, HH:MM. Blank if "
        "cancelled.",
        example="08:42",
        nullable=True,
    )
    actual_end: Series[pd.Timestamp] = fields.time(
        "Time the last patient left theatre, HH:MM. Blank if cancelled.",
        example="12:51",
        nullable=True,
    )
    status: Series[str] = fields.code("HELD or CANCELLED.", example="HELD")
    cancellation_reason: Series[str] = fields.text(
        "Why the session was cancelled (required when cancelled), e.g. surgeon unavailable, "
        "list not needed, no beds.",
        example="",
        nullable=True,
    )
    cases: Series[pd.Int64Dtype] = fields.count(
        "Patients operated on in the session; 0 if cancelled.", "4"
    )

    class Config:
        strict = True
        unique = ["site_code", "theatre", "session_date", "session"]


def on_session_day(df: pd.DataFrame, column: str) -> pd.Series:
    """The column as full date-times: a time alone is placed on the session date, or, on an
    evening list, before noon, on the next morning. Full date-times are kept as given."""
    value = df[column]
    time_only = (value.dt.normalize() == _DAY_ZERO).fillna(False)
    clock = value - _DAY_ZERO
    next_morning = (df["session"].eq("EVE").fillna(False) & (clock < _NOON)).fillna(False)
    placed = df["session_date"] + clock + next_morning.astype("int64") * _ONE_DAY
    return value.where(~time_only, placed)


def _is(df: pd.DataFrame, status: str) -> pd.Series:
    return df["status"].eq(status).fillna(False).astype(bool)


def _after(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    begun, ended = on_session_day(df, start), on_session_day(df, end)
    return (ended > begun) | begun.isna() | ended.isna()


def _within_a_day(df: pd.DataFrame, start: str, end: str) -> pd.Series:
    begun, ended = on_session_day(df, start), on_session_day(df, end)
    return ((ended - begun) <= _ONE_DAY) | begun.isna() | ended.isna()


def _on_session_day(df: pd.DataFrame, column: str) -> pd.Series:
    # A full date-time must be on the session date; only an evening list reaches the next day.
    day = on_session_day(df, column).dt.normalize()
    evening = df["session"].eq("EVE").fillna(False)
    ok = (day == df["session_date"]) | (evening & (day == df["session_date"] + _ONE_DAY))
    return ok | day.isna() | df["session_date"].isna()


_CLOCK_HINT = (
    "Times are HH:MM on the session date. Only an evening (EVE) list may run past "
    "midnight: on an EVE row a time before 12:00 is read as the next morning."
)

RULES = [
    Rule(
        name="session_is_known",
        column="session",
        message="is not a session type",
        fn=lambda df: df["session"].isin(SESSIONS) | df["session"].isna(),
        hint="Use AM, PM, EVE (evening) or ALL (all day).",
    ),
    Rule(
        name="status_is_known",
        column="status",
        message="is not a session status",
        fn=lambda df: df["status"].isin([HELD, CANCELLED]) | df["status"].isna(),
        hint="Use HELD or CANCELLED.",
    ),
    Rule(
        name="session_date_inside_period",
        column="session_date",
        message="The session date is outside the month in the period column",
        fn=lambda df: df["session_date"].dt.strftime("%Y-%m") == df["period"],
        hint="Send one month per file, with every session date inside that month.",
    ),
    *(
        Rule(
            name=f"{column}_on_session_day",
            column=column,
            message="The date and time is not on the session date",
            fn=lambda df, column=column: _on_session_day(df, column),
            hint="Give the time alone (HH:MM), or the session date with it; only an evening "
            "(EVE) list may end on the next day.",
        )
        for column in TIME_COLUMNS
    ),
    Rule(
        name="planned_end_after_planned_start",
        column="planned_end",
        message="The planned end is not after the planned start",
        fn=lambda df: _after(df, "planned_start", "planned_end"),
        hint=_CLOCK_HINT,
    ),
    Rule(
        name="actual_end_after_actual_start",
        column="actual_end",
        message="The actual end is before the actual start",
        fn=lambda df: _after(df, "actual_start", "actual_end"),
        hint=_CLOCK_HINT,
    ),
    Rule(
        name="planned_session_within_24_hours",
        column="planned_end",
        message="A session cannot last more than 24 hours",
        fn=lambda df: _within_a_day(df, "planned_start", "planned_end"),
        hint="Check the dates given with the planned times.",
    ),
    Rule(
        name="actual_session_within_24_hours",
        column="actual_end",
        message="A session cannot last more than 24 hours",
        fn=lambda df: _within_a_day(df, "actual_start", "actual_end"),
        hint="Check the dates given with the actual times.",
    ),
    *(
        Rule(
            name=f"held_session_has_{column}",
            column=column,
            message=f"A held session needs its {column.replace('_', ' ')} time",
            fn=lambda df, column=column: ~(_is(df, HELD) & df[column].isna()),
            hint="Give the times the first patient went in and the last came out; a list that "
            "did not go ahead is CANCELLED, with the reason.",
        )
        for column in ("actual_start", "actual_end")
    ),
    Rule(
        name="held_session_has_cases",
        column="cases",
        message="A held session must have at least one case",
        fn=lambda df: ~(_is(df, HELD) & (df["cases"] == 0)).fillna(False),
        hint="A list where nobody was operated on did not go ahead: mark it CANCELLED with the "
        "reason.",
    ),
    Rule(
        name="cancelled_session_has_no_actual_times",
        column="actual_start",
        message="A cancelled session cannot have actual start or end times",
        fn=lambda df: (
            ~(_is(df, CANCELLED) & (df["actual_start"].notna() | df["actual_end"].notna()))
        ),
        hint="Leave the actual times blank, or mark the session HELD if it went ahead.",
    ),
    Rule(
        name="cancelled_session_has_no_cases",
        column="cases",
        message="A cancelled session cannot have cases",
        fn=lambda df: ~(_is(df, CANCELLED) & (df["cases"] > 0)).fillna(False),
        hint="Enter 0 cases, or mark the session HELD if it went ahead.",
    ),
    Rule(
        name="cancelled_session_has_reason",
        column="cancellation_reason",
        message="A cancelled session needs its cancellation reason",
        fn=lambda df: ~(_is(df, CANCELLED) & df["cancellation_reason"].isna()),
        hint="Say why the list did not go ahead, e.g. surgeon unavailable, no beds.",
    ),
]

SCHEMA = schema_with_rules(TheatreSessionsReturn, RULES)

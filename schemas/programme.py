"""Programme return (METRICS.md, "Programme figures"): the figures the ICB's programme teams own
and no trust return carries: procurement savings, community diagnostic centre (CDC) activity,
OPEL escalation levels, the Alternative Choice programme and teledermatology implementation.

Long form, one row per figure: a programme id from :data:`CATALOGUE`, who it is for (the
system, a trust or a CDC site, as the id allows), the day it is for (an OPEL level's day, the
Sunday ending a week of texts; a monthly figure's date may be left blank and is then the month's
last day), the value in the id's unit, and a note. The file's period is the month its days lie
in. The ICB's programme team sends it under the ICB's code (``QYG``); a trust may send its own
rows under its own code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.finance import PLAUSIBLE_LIMIT
from schemas.rules import Rule, schema_with_rules

SYSTEM, TRUST, CDC = "system", "trust", "cdc"
DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
_ICB_CODE = r"^Q[A-Z0-9]{2}$"  # ODS codes of ICBs are Q and two characters


@dataclass(frozen=True)
class ProgrammeMetric:
    """What a programme id is: its unit, who it may be for, how often and what values it takes."""

    id: str
    what: str  # the value a row gives, for the template and docs
    unit: str  # gbp_thousands, count, level or percent
    scopes: tuple[str, ...]
    frequency: str
    low: float
    high: float
    whole: bool  # whole numbers only

    @property
    def range_text(self) -> str:
        if self.unit == "gbp_thousands":
            return "£ thousands, 0 or more (£1.5m = 1500)"
        if self.unit == "percent":
            return "a percentage, 0 to 100"
        if self.unit == "level":
            return f"a whole number, {self.low:g} to {self.high:g}"
        return "a whole number, 0 or more"


_MONEY = dict(
    unit="gbp_thousands",
    scopes=(SYSTEM, TRUST),
    frequency=MONTHLY,
    low=0,
    high=PLAUSIBLE_LIMIT,
    whole=False,
)
_COUNT = dict(unit="count", low=0, high=10**9, whole=True)

#: The programme ids a return may carry: a row with any other metric is refused.
CATALOGUE: dict[str, ProgrammeMetric] = {
    m.id: m
    for m in [
        ProgrammeMetric(
            "procurement.savings.pipeline",
            "£ value of the procurement savings pipeline at the month end",
            **_MONEY,
        ),
        ProgrammeMetric(
            "procurement.savings.delivered_fye",
            "savings delivered in the financial year to date, full-year effect",
            **_MONEY,
        ),
        ProgrammeMetric(
            "procurement.savings.delivered_iye",
            "savings delivered in the financial year to date, in-year effect",
            **_MONEY,
        ),
        ProgrammeMetric(
            "diagnostics.cdc.activity",
            "tests delivered by a community diagnostic centre in the month",
            scopes=(CDC,),
            frequency=MONTHLY,
            **_COUNT,
        ),
        ProgrammeMetric(
            "uec.opel.level",
            "OPEL escalation level on the day",
            unit="level",
            scopes=(SYSTEM, TRUST),
            frequency=DAILY,
            low=1,
            high=4,
            whole=True,
        ),
        ProgrammeMetric(
            "elective.alternative_choice.texts_sent",
            "patients texted since the programme began, at the week's end",
            scopes=(SYSTEM, TRUST),
            frequency=WEEKLY,
            **_COUNT,
        ),
        ProgrammeMetric(
            "elective.alternative_choice.willing_to_travel",
            "patients who have said they are willing to travel, at the week's end",
            scopes=(SYSTEM, TRUST),
            frequency=WEEKLY,
            **_COUNT,
        ),
        ProgrammeMetric(
            "outpatients.teledermatology.implementation_pct",
            "teledermatology implementation at the month end, %",
            unit="percent",
            scopes=(SYSTEM, TRUST),
            frequency=MONTHLY,
            low=0,
            high=100,
            whole=False,
        ),
    ]
}

_SCOPE_WORDS = {
    SYSTEM: "the system (QYG)",
    TRUST: "a CMAST trust's code",
    CDC: "a community diagnostic centre's code",
}


def scope_kind(scope: pd.Series) -> pd.Series:
    """What a scope code is by its shape: an ICB code (the system), a trust's three characters,
    or a site's longer code (a CDC). Whether the code is known is checked against reference
    data in the return's context check."""
    system = scope.str.match(_ICB_CODE).fillna(False).astype(bool)
    trust = scope.str.len().eq(3).fillna(False).astype(bool) & ~system
    return pd.Series(CDC, index=scope.index).mask(trust, TRUST).mask(system, SYSTEM)


def allowed_scopes(metric_id: str) -> str:
    metric = CATALOGUE[metric_id]
    return " or ".join(_SCOPE_WORDS[kind] for kind in metric.scopes)


class ProgrammeReturn(pa.DataFrameModel):
    """One row per programme figure, scope and day; the month's figures for one organisation."""

    org_code: Series[str] = fields.org_code(
        "ODS code of the organisation sending the return: QYG for the ICB's programme teams, "
        "or a trust's own code for its own rows."
    )
    period: Series[str] = fields.period_month("The month the return covers, as YYYY-MM.")
    metric: Series[str] = fields.text(
        "The programme id, from the drop-down (the list is in docs/programme-return.md).",
        example="uec.opel.level",
    )
    scope: Series[str] = fields.code(
        "Who the value is for: QYG for the system, a trust's code (e.g. REM), or a community "
        "diagnostic centre's code, as the metric allows.",
        example="QYG",
        str_matches=r"^[A-Z0-9]{3,5}$",
    )
    date: Series[pd.Timestamp] = fields.date(
        "The day the value is for, in the period: the day for a daily figure (OPEL), the "
        "Sunday that ends the week for a weekly one (texts). Blank for a monthly figure means "
        "the month's last day.",
        example="2023-10-29",
        nullable=True,
    )
    value: Series[pd.Float64Dtype] = fields.number(
        "The value in the metric's unit: £ thousands for money (£1.5m = 1500), a count, an "
        "OPEL level 1 to 4, or a percentage out of 100 (80 for 80%).",
        example="3",
    )
    note: Series[str] = fields.text(
        "Anything the reader should know about the value (optional).",
        nullable=True,
    )

    class Config:
        # One row per metric, scope and day is the rule one_value_a_day, which also counts an
        # undated monthly row as on the month's last day.
        strict = True


def _known(df: pd.DataFrame) -> pd.Series:
    return df["metric"].isin(list(CATALOGUE)).fillna(False).astype(bool)


def _attribute(df: pd.DataFrame, name: str) -> pd.Series:
    """Each row's metric's catalogue attribute (missing for an unknown metric)."""
    return df["metric"].map({k: getattr(m, name) for k, m in CATALOGUE.items()})


def _scope_allowed(df: pd.DataFrame) -> pd.Series:
    kinds = scope_kind(df["scope"])
    allowed = _attribute(df, "scopes")
    fits = [
        pd.isna(s) or not isinstance(a, tuple) or k in a
        for k, a, s in zip(kinds, allowed, df["scope"], strict=True)
    ]
    return pd.Series(fits, index=df.index)


def _in_range(df: pd.DataFrame) -> pd.Series:
    low, high = _attribute(df, "low").astype("Float64"), _attribute(df, "high").astype("Float64")
    return ~_known(df) | df["value"].between(low, high)


def _whole(df: pd.DataFrame) -> pd.Series:
    whole = _attribute(df, "whole").fillna(False).astype(bool)
    return ~whole | (df["value"] == df["value"].round())


def _frequency(df: pd.DataFrame) -> pd.Series:
    return _attribute(df, "frequency")


def _month_end(df: pd.DataFrame) -> pd.Series:
    months = pd.to_datetime(df["period"], format="%Y-%m", errors="coerce")
    return months + pd.offsets.MonthEnd(0)


def _once_a_day(df: pd.DataFrame) -> pd.Series:
    """A monthly figure left undated is for the month's last day: given again with that date,
    it would be two values for one day (the model's unique check sees only the dates typed)."""
    day = df["date"].fillna(_month_end(df))
    return ~pd.DataFrame({"m": df["metric"], "s": df["scope"], "d": day}).duplicated(keep=False)


RULES = [
    Rule(
        name="metric_in_catalogue",
        column="metric",
        message="is not a programme id of the catalogue",
        fn=lambda df: _known(df) | df["metric"].isna(),
        hint="Choose the id from the drop-down; the ids, and what each holds, are listed in "
        "docs/programme-return.md. Figures that trust returns carry are not sent here.",
    ),
    Rule(
        name="scope_allowed_for_metric",
        column="scope",
        message="This metric is not given for this kind of scope",
        fn=_scope_allowed,
        hint="OPEL levels, savings, texts and teledermatology are for the system (QYG) or a "
        "trust; CDC activity is for each community diagnostic centre by its code.",
    ),
    Rule(
        name="value_in_range",
        column="value",
        message="The value is outside the range the metric takes",
        fn=_in_range,
        hint="OPEL levels are 1 to 4; percentages 0 to 100 (80 for 80%); money in £ thousands "
        "(£1.5m = 1500) and counts are 0 or more.",
    ),
    Rule(
        name="value_whole",
        column="value",
        message="This metric takes whole numbers only",
        fn=_whole,
        hint="OPEL levels, tests and patients are whole numbers.",
    ),
    Rule(
        name="date_needed",
        column="date",
        message="A daily or weekly figure needs the day it is for",
        fn=lambda df: ~_frequency(df).isin([DAILY, WEEKLY]) | df["date"].notna(),
        hint="Give the day of an OPEL level, or the Sunday that ends the week of texts.",
    ),
    Rule(
        name="date_in_period",
        column="date",
        message="The date is outside the period of the return",
        fn=lambda df: df["date"].isna() | (df["date"].dt.strftime("%Y-%m") == df["period"]),
        hint="Every date must be in the month in the period column; send other months' "
        "figures in that month's return.",
    ),
    Rule(
        name="one_value_a_day",
        column="date",
        message="The figure is given twice for this scope and day (a blank date is the "
        "month's last day)",
        fn=_once_a_day,
        hint="Keep one row per metric, scope and day.",
    ),
    Rule(
        name="weekly_date_is_sunday",
        column="date",
        message="A weekly figure's date must be the Sunday that ends the week",
        fn=lambda df: (
            ~_frequency(df).eq(WEEKLY).fillna(False).astype(bool)
            | df["date"].isna()
            | (df["date"].dt.day_of_week == 6)
        ),
        hint="Give the week-ending Sunday, e.g. 2023-10-29.",
    ),
]

SCHEMA = schema_with_rules(ProgrammeReturn, RULES)

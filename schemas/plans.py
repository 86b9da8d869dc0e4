"""Plans and targets (RETURNS.md, "Plans and targets"): the ICB team's reference file for a
financial year, validated like a return.

One row per figure: a metric id from the metrics catalogue (METRICS.md, e.g.
``diagnostics.activity.ct``, ``uec.four_hour_pct``), the organisation it is for (a trust's code,
or the ICB's code for the whole system), the month it is for, and whether it is an operational
``plan`` value (a monthly trajectory) or a ``target`` (a national or local goal with the date it
must be met by). ``parameter`` carries what the metric needs beyond its id: the cohort threshold
in weeks for ``rtt.cohort.*`` (65), the utilisation measure a theatre target applies to
(``capped`` or ``uncapped``).

The file's period is the financial year it covers (``2023-24``): a new file for the same year
replaces the previous one whole. Targets change from year to year, so they live here as data.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from schemas import fields
from schemas.rules import Rule, schema_with_rules

PLAN, TARGET = "PLAN", "TARGET"
_METRIC_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"
_ICB_CODE = r"^Q[A-Z0-9]{2}$"  # ODS codes of ICBs are Q and two characters


def months_of_year(financial_year: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(first, last) month of each financial year, as YYYY-MM: April to March."""
    start = pd.to_numeric(financial_year.str.slice(0, 4), errors="coerce").astype("Int64")
    return (start.astype("string") + "-04", (start + 1).astype("string") + "-03")


class PlansReturn(pa.DataFrameModel):
    """One row per metric, organisation, month and kind (plan or target)."""

    org_code: Series[str] = fields.org_code(
        "ODS code of the ICB sending the file: QYG for NHS Cheshire and Merseyside."
    )
    period: Series[str] = fields.financial_year(
        "The financial year the file covers, April to March, as YYYY-YY."
    )
    metric: Series[str] = fields.text(
        "The metric id, as in the metrics catalogue (lower case, dotted).",
        example="uec.four_hour_pct",
    )
    scope: Series[str] = fields.code(
        "Who the value is for: a trust's code (e.g. REM), or the ICB's code for the system.",
        example="QYG",
        str_matches=r"^[A-Z0-9]{3,5}$",
    )
    month: Series[str] = fields.period_month(
        "The month the value is for, YYYY-MM. For a target: the month it must be met in."
    )
    kind: Series[str] = fields.code("plan (operational plan value) or target.", example="plan")
    value: Series[pd.Float64Dtype] = fields.number(
        "The value, in the metric's unit: a count, or a percentage out of 100 (76 for 76%).",
        example="76",
    )
    deadline: Series[pd.Timestamp] = fields.date(
        "Targets only: the date the target must be met by, in its month. Blank for plans.",
        example="2024-03-31",
        nullable=True,
    )
    parameter: Series[str] = fields.text(
        "What the metric needs beyond its id, if anything: the cohort threshold in weeks for "
        "rtt.cohort (e.g. 65), the measure a theatre target applies to (capped or uncapped).",
        example="65",
        nullable=True,
    )

    class Config:
        strict = True
        unique = ["metric", "scope", "month", "kind", "parameter"]


def _is(df: pd.DataFrame, kind: str) -> pd.Series:
    return df["kind"].eq(kind).fillna(False).astype(bool)


def _metric_starts(df: pd.DataFrame, prefix: str) -> pd.Series:
    return df["metric"].str.startswith(prefix).fillna(False).astype(bool)


def _inside_year(df: pd.DataFrame) -> pd.Series:
    first, last = months_of_year(df["period"])
    return (df["month"] >= first) & (df["month"] <= last)


RULES = [
    Rule(
        name="sent_by_an_icb",
        column="org_code",
        message="Plans and targets are sent by the ICB team, under the ICB's own code",
        fn=lambda df: df["org_code"].str.match(_ICB_CODE),
        hint="Send the file from the ICB's inbox (inbox/QYG/) with org_code QYG.",
    ),
    Rule(
        name="metric_is_an_id",
        column="metric",
        message="is not a metric id",
        fn=lambda df: df["metric"].str.match(_METRIC_ID),
        hint="Use the id from the metrics catalogue, lower case with dots, e.g. "
        "diagnostics.activity.ct or uec.four_hour_pct.",
    ),
    Rule(
        name="kind_is_plan_or_target",
        column="kind",
        message="is not plan or target",
        fn=lambda df: df["kind"].isin([PLAN, TARGET]) | df["kind"].isna(),
        hint="Use plan for an operational plan value, target for a goal with a deadline.",
    ),
    Rule(
        name="month_inside_financial_year",
        column="month",
        message="The month is outside the financial year in the period column",
        fn=_inside_year,
        hint="A file covers April to March of one financial year: put other years' values in "
        "that year's file.",
    ),
    Rule(
        name="target_has_deadline",
        column="deadline",
        message="A target needs the date it must be met by",
        fn=lambda df: ~(_is(df, TARGET) & df["deadline"].isna()),
        hint="Give the deadline as a date, e.g. 2024-03-31.",
    ),
    Rule(
        name="plan_has_no_deadline",
        column="deadline",
        message="A plan value has no deadline",
        fn=lambda df: ~(_is(df, PLAN) & df["deadline"].notna()),
        hint="Leave the deadline blank on plan rows, or mark the row as a target.",
    ),
    Rule(
        name="deadline_in_month",
        column="deadline",
        message="The deadline is not in the month given",
        fn=lambda df: (df["deadline"].dt.strftime("%Y-%m") == df["month"]) | df["deadline"].isna(),
        hint="For a target to be met by 31 March 2024, give month 2024-03 and deadline 2024-03-31.",
    ),
    Rule(
        name="percentage_out_of_100",
        column="value",
        message="A percentage must be between 0 and 100",
        fn=lambda df: (
            ~df["metric"].str.endswith("_pct").fillna(False).astype(bool)
            | df["value"].between(0, 100)
        ),
        hint="Type percentages out of 100: 76 for 76%.",
    ),
    Rule(
        name="cohort_threshold_in_weeks",
        column="parameter",
        message="A waiting-list cohort figure needs its threshold in whole weeks",
        fn=lambda df: (
            ~_metric_starts(df, "rtt.cohort.")
            | df["parameter"].str.fullmatch(r"\d{1,3}").fillna(False).astype(bool)
        ),
        hint="Give the long-wait threshold the cohort is for, e.g. 65.",
    ),
    Rule(
        name="theatre_target_measure",
        column="parameter",
        message="A theatre utilisation target must say which measure it applies to",
        fn=lambda df: (
            ~(_metric_starts(df, "theatres.utilisation.") & _is(df, TARGET))
            | df["parameter"].isin(["capped", "uncapped"])
        ),
        hint="Give capped or uncapped (in lower case).",
    ),
]

SCHEMA = schema_with_rules(PlansReturn, RULES)

"""The plans and targets file from the ICB team, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.plans import RULES, PlansReturn


def to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """Kinds in lower case (plan, target), as the figures look them up."""
    return rows.assign(kind=rows["kind"].str.lower())


SPEC = ReturnSpec(
    return_type="plans",
    title="Plans and targets",
    template_version="1",
    model=PlansReturn,
    rules=RULES,
    raw_table="raw.plans",
    frequency="yearly",
    to_raw=to_raw,
    notes=(
        "Sent by the ICB team from inbox/QYG/. The period is the financial year the file "
        "covers (2023-24); a new file for the same year replaces the whole of the previous one, "
        "so always send the complete set.",
        "plan rows: the operational plan value of a metric for an organisation and month, e.g. "
        "diagnostics.activity.ct for REM in 2023-10. scope QYG means the whole system.",
        "target rows: the value to reach and the date it must be met by, e.g. uec.four_hour_pct "
        "76 for QYG, month 2024-03, deadline 2024-03-31.",
        "parameter: the cohort threshold in weeks for rtt.cohort metrics (65), capped or "
        "uncapped for a theatre utilisation target; blank otherwise.",
    ),
)

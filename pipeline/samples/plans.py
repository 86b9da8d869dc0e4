"""The sample plans and targets file for 2023-24, as the ICB team would keep it.

National targets for the year (65-week cohort cleared by 31 March 2024, 4-hour performance 76%
by March 2024, theatre utilisation 85% capped); each trust's monthly diagnostic activity plan
by test, set close to what the sample returns deliver (each trust a few per cent above or below
it); long-stay bed share plans; and the system's 4-hour and 65-week cohort trajectories.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from pipeline.config import Settings
from pipeline.samples.demo import write_sample
from pipeline.samples.dm01 import expected_tests
from pipeline.samples.profiles import PROFILES, rng_for
from pipeline.samples.programme import cdc_plans
from schemas.dm01 import dm01_tests

ICB = "QYG"
YEAR = "2023-24"
MONTHS = [str(pd.Period("2023-04", freq="M") + i) for i in range(12)]
FINAL_MONTH, DEADLINE = "2024-03", pd.Timestamp("2024-03-31")
#: The 65-week cohort planned for the end of April 2023, cleared in equal steps by March: shaped
#: on the sample waiting lists (about 95,000 in early May), so the demo's plan is believable.
COHORT_WEEKS, COHORT_AT_START = "65", 98_000
#: Planned share of occupied G&A beds held by long-stay patients, per trust and system.
LONG_STAY_PLAN = {"over_21d_pct": (15.0, 14.0), "over_14d_pct": (25.0, 24.0)}  # April -> March


def _row(
    metric: str,
    scope: str,
    month: str,
    value: float,
    kind: str = "plan",
    deadline: pd.Timestamp | None = None,
    parameter: str | None = None,
) -> dict:
    return {
        "org_code": ICB,
        "period": YEAR,
        "metric": metric,
        "scope": scope,
        "month": month,
        "kind": kind,
        "value": value,
        "deadline": deadline,
        "parameter": parameter,
    }


def _along(first: float, last: float, i: int) -> float:
    """The i-th monthly step of a straight trajectory from April (first) to March (last)."""
    return round(first + (last - first) * i / 11, 1)


def diagnostics_plan(org: str, month: str) -> dict[str, float]:
    """A trust's planned tests by modality for a month: what it is expected to do, give or
    take the few per cent its plan was set above or below that."""
    bias = rng_for("dm01-plan", org).uniform(-0.04, 0.05)
    modality = dict(zip(dm01_tests()["test_id"], dm01_tests()["modality"], strict=True))
    return {
        modality[test]: round(expected * (1 + bias))
        for test, expected in expected_tests(org, month).items()
    }


def sample_plans() -> pd.DataFrame:
    rows = [
        _row("rtt.cohort.remaining", ICB, FINAL_MONTH, 0, "target", DEADLINE, COHORT_WEEKS),
        _row("uec.four_hour_pct", ICB, FINAL_MONTH, 76, "target", DEADLINE),
        # Diagnostic long waits are compared with April, the start of the plan year.
        _row("diagnostics.waiting.reference_month", ICB, "2023-04", 0),
        # The NHS constitutional standard: 92% of the waiting list under 18 weeks.
        _row("rtt.within_18w_pct", ICB, FINAL_MONTH, 92, "target", DEADLINE),
        _row("theatres.utilisation.capped_pct", ICB, FINAL_MONTH, 85, "target", DEADLINE, "capped"),
        # The dermatology programme expects teledermatology to be 80% implemented by year end.
        _row(
            "outpatients.teledermatology.implementation_pct",
            ICB,
            FINAL_MONTH,
            80,
            "target",
            DEADLINE,
        ),
        # The system's community diagnostic centre activity plan, month by month.
        *(
            _row(plan["metric"], plan["scope"], plan["month"], plan["value"])
            for plan in cdc_plans(YEAR)
        ),
    ]
    for i, month in enumerate(MONTHS):
        rows.append(_row("uec.four_hour_pct", ICB, month, _along(69.5, 76.0, i)))
        rows.append(
            _row(
                "rtt.cohort.remaining",
                ICB,
                month,
                round(COHORT_AT_START * (11 - i) / 11),
                parameter=COHORT_WEEKS,
            )
        )
        for scope in [*sorted(PROFILES), ICB]:
            for measure, (first, last) in LONG_STAY_PLAN.items():
                rows.append(_row(f"uec.long_stay.{measure}", scope, month, _along(first, last, i)))
        for org in sorted(PROFILES):
            rows += [
                _row(f"diagnostics.activity.{modality}", org, month, value)
                for modality, value in diagnostics_plan(org, month).items()
            ]
    return pd.DataFrame(rows)


#: The year before's file, kept for the targets it set: 104 and 78 weeks by 31 March 2023 (the
#: briefing says what was cleared for them), and the CDC activity plan of 2022/23.
EARLIER_YEAR, EARLIER_DEADLINE = "2022-23", pd.Timestamp("2023-03-31")


def earlier_plans() -> pd.DataFrame:
    rows = [
        {
            **_row("rtt.cohort.remaining", ICB, "2023-03", 0, "target", EARLIER_DEADLINE, weeks),
            "period": EARLIER_YEAR,
        }
        for weeks in ("104", "78")
    ]
    rows += [
        {
            **_row(plan["metric"], plan["scope"], plan["month"], plan["value"]),
            "period": EARLIER_YEAR,
        }
        for plan in cdc_plans(EARLIER_YEAR)
    ]
    return pd.DataFrame(rows)


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """The ICB team's draft plans in April (CSV) and the agreed plans in June (the template),
    which supersede the draft; and the year before's plans file."""
    plans = sample_plans()
    draft = plans.assign(
        value=plans["value"].where(
            ~plans["metric"].str.startswith("diagnostics."), (plans["value"] * 1.03).round()
        )
    )
    written = []
    for frame, name, when in [
        (draft, f"plans_{YEAR}_draft.csv", dt.datetime(2023, 4, 20, 9)),
        (plans, f"plans_{YEAR}.xlsx", dt.datetime(2023, 6, 15, 9)),
    ]:
        written.append(
            write_sample(
                "plans", frame, settings.inbox / ICB / name, when.timestamp(), org=ICB, period=YEAR
            )
        )
    written.append(
        write_sample(
            "plans",
            earlier_plans(),
            settings.inbox / ICB / f"plans_{EARLIER_YEAR}.csv",
            dt.datetime(2022, 6, 15, 9).timestamp(),
            org=ICB,
            period=EARLIER_YEAR,
        )
    )
    return written

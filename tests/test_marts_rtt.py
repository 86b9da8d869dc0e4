"""The waiting-list marts on raw rows given by hand: rtt_weekly, rtt_weekly_figures,
rtt_cohort_weekly, rtt_cohort_progress, rtt_cohort_cleared, rtt_headlines and rtt_cleared_headlines.

The target is the 65-week cohort by Sunday 31 March 2024. An aggregate row at W whole weeks on
snapshot S has its clock start placed at S - 7W days, so it is in the cohort when
S - 7W <= 31 March 2024 - 65 weeks, that is when W >= 65 - (weeks from S to the target):
from 22 October 2023 (23 weeks before) W >= 42; from 29 October (22 weeks before) W >= 43.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_plan, raw_rtt_aggregate

MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"
MISSING_BUT_RJR = "RBL,RBN,RBQ,RBS,RBT,REM,REN,REP,RET,RJN,RWW"


@pytest.fixture
def october(settings):
    """RJR sent the snapshots of 22 and 29 October, REM only the 29th."""
    build(
        settings,
        ledger=[
            ledger(1, "RJR", "rtt_aggregate", "2023-10-22"),
            ledger(2, "RJR", "rtt_aggregate", "2023-10-29"),
            ledger(3, "REM", "rtt_aggregate", "2023-10-29"),
            ledger(4, "QYG", "plans", "2023-24"),
        ],
        raw={
            "rtt_aggregate": [
                # RJR on the 22nd: 60 waiting, 50 under 18 weeks, 4 at 52+; cohort (42+) 6 + 4 = 10.
                raw_rtt_aggregate(1, "RJR", "2023-10-22", 0, 40),
                raw_rtt_aggregate(1, "RJR", "2023-10-22", 17, 10),
                raw_rtt_aggregate(1, "RJR", "2023-10-22", 42, 6, pathway_type="non_admitted"),
                raw_rtt_aggregate(1, "RJR", "2023-10-22", 60, 4),
                # RJR on the 29th: 49 waiting, 30 under 18 (18 weeks is not under), 52+ 3 + 1, 65+,
                # 78+ and 104+ 1 each; cohort (43+) 5 + 3 + 1 = 9, 4 admitted and 5 not.
                raw_rtt_aggregate(2, "RJR", "2023-10-29", 0, 30),
                raw_rtt_aggregate(2, "RJR", "2023-10-29", 18, 10),
                raw_rtt_aggregate(2, "RJR", "2023-10-29", 43, 5, pathway_type="non_admitted"),
                raw_rtt_aggregate(2, "RJR", "2023-10-29", 61, 3),
                raw_rtt_aggregate(2, "RJR", "2023-10-29", 104, 1),
                # REM on the 29th: 22 waiting, 20 under 18; cohort the 2 admitted at 50 weeks.
                raw_rtt_aggregate(3, "REM", "2023-10-29", 10, 20, pathway_type="non_admitted"),
                raw_rtt_aggregate(3, "REM", "2023-10-29", 50, 2),
            ],
            "plans": [
                raw_plan(
                    4,
                    "rtt.cohort.remaining",
                    "QYG",
                    "2024-03",
                    0,
                    kind="target",
                    deadline="2024-03-31",
                    parameter="65",
                ),
            ],
        },
    )
    return settings


def test_rtt_weekly_sums_each_snapshot_of_those_that_sent_it(october):
    columns = (
        "scope, snapshot_date::VARCHAR AS snapshot, is_month_snapshot, waiting_total, "
        "within_18w, over_52w, over_65w, over_78w, over_104w, threshold_weeks, cohort, "
        "cohort_admitted, cohort_non_admitted, trusts_submitted, missing_trusts"
    )
    assert mart(october, "rtt_weekly", where="scope = 'QYG'", columns=columns) == [
        {
            "scope": "QYG",
            "snapshot": "2023-10-22",
            "is_month_snapshot": False,
            "waiting_total": 60,
            "within_18w": 50,
            "over_52w": 4,
            "over_65w": 0,
            "over_78w": 0,
            "over_104w": 0,
            "threshold_weeks": 65,
            "cohort": 10,
            "cohort_admitted": 4,
            "cohort_non_admitted": 6,
            "trusts_submitted": 1,
            "missing_trusts": MISSING_BUT_RJR,
        },
        # 49 + 22 waiting, 30 + 20 under 18 weeks, cohort 9 + 2 (admitted 4 + 2).
        {
            "scope": "QYG",
            "snapshot": "2023-10-29",
            "is_month_snapshot": True,
            "waiting_total": 71,
            "within_18w": 50,
            "over_52w": 4,
            "over_65w": 1,
            "over_78w": 1,
            "over_104w": 1,
            "threshold_weeks": 65,
            "cohort": 11,
            "cohort_admitted": 6,
            "cohort_non_admitted": 5,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
    ]


def test_rtt_weekly_figures_give_every_snapshot_in_long_form(october):
    """The series the charts draw: one row per figure, scope and snapshot, the same counts as
    rtt_weekly; the under-18-weeks share is 50 of 60, then 50 of 71."""
    rows = mart(
        october,
        "rtt_weekly_figures",
        where="scope = 'QYG' AND id IN ('rtt.waiting_list.total', 'rtt.within_18w_pct', "
        "'rtt.waits_over.65w', 'rtt.cohort.remaining.admitted')",
        columns="id, snapshot_date::VARCHAR AS snapshot, is_month_snapshot, value, numerator, "
        "denominator, threshold_weeks",
    )
    assert [(r["id"], r["snapshot"], r["is_month_snapshot"], r["numerator"]) for r in rows] == [
        ("rtt.cohort.remaining.admitted", "2023-10-22", False, 4),
        ("rtt.cohort.remaining.admitted", "2023-10-29", True, 6),
        ("rtt.waiting_list.total", "2023-10-22", False, 60),
        ("rtt.waiting_list.total", "2023-10-29", True, 71),
        ("rtt.waits_over.65w", "2023-10-22", False, 0),
        ("rtt.waits_over.65w", "2023-10-29", True, 1),
        ("rtt.within_18w_pct", "2023-10-22", False, 50),
        ("rtt.within_18w_pct", "2023-10-29", True, 50),
    ]
    shares = [r for r in rows if r["id"] == "rtt.within_18w_pct"]
    assert [r["denominator"] for r in shares] == [60, 71]
    assert [r["value"] for r in shares] == [
        pytest.approx(100 * 50 / 60),
        pytest.approx(100 * 50 / 71),
    ]
    assert all(r["value"] == r["numerator"] for r in rows if r["id"] != "rtt.within_18w_pct")
    assert {r["threshold_weeks"] for r in rows} == {65}


def test_rtt_cohort_weekly_counts_each_trusts_cohort(october):
    assert mart(
        october,
        "rtt_cohort_weekly",
        columns="scope, snapshot_date::VARCHAR AS snapshot, cohort, is_active",
    ) == [
        {"scope": "REM", "snapshot": "2023-10-29", "cohort": 2, "is_active": True},
        {"scope": "RJR", "snapshot": "2023-10-22", "cohort": 10, "is_active": True},
        {"scope": "RJR", "snapshot": "2023-10-29", "cohort": 9, "is_active": True},
    ]


def test_cohort_progress_and_cleared_start_at_the_plan_years_first_snapshot(october):
    # The plan year's first snapshot is 22 October. By the 29th RJR has cleared 10 - 9 = 1;
    # REM has no snapshot on the 22nd, so nothing to compare. 22 weeks left (154 days).
    progress = mart(
        october,
        "rtt_cohort_progress",
        order_by="scope",
        columns="scope, as_of, weeks_left, remaining, prior, fall_6w, start_date, "
        "at_start, cleared_since",
    )
    assert progress == [
        {
            "scope": "QYG",
            "as_of": dt.date(2023, 10, 29),
            "weeks_left": 22,
            "remaining": 11,
            "prior": None,
            "fall_6w": None,
            "start_date": dt.date(2023, 10, 22),
            "at_start": 10,
            "cleared_since": 1,
        },
        {
            "scope": "REM",
            "as_of": dt.date(2023, 10, 29),
            "weeks_left": 22,
            "remaining": 2,
            "prior": None,
            "fall_6w": None,
            "start_date": dt.date(2023, 10, 22),
            "at_start": None,
            "cleared_since": None,
        },
        {
            "scope": "RJR",
            "as_of": dt.date(2023, 10, 29),
            "weeks_left": 22,
            "remaining": 9,
            "prior": None,
            "fall_6w": None,
            "start_date": dt.date(2023, 10, 22),
            "at_start": 10,
            "cleared_since": 1,
        },
    ]
    # The cleared mart sums only trusts with both snapshots: RJR alone.
    assert mart(
        october,
        "rtt_cohort_cleared",
        order_by="scope",
        columns="scope, period, threshold_weeks, at_start, at_end, cleared",
    ) == [
        {
            "scope": "QYG",
            "period": "2023-10",
            "threshold_weeks": 65,
            "at_start": 10,
            "at_end": 9,
            "cleared": 1,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "threshold_weeks": 65,
            "at_start": 10,
            "at_end": 9,
            "cleared": 1,
        },
    ]
    assert mart(
        october,
        "rtt_cleared_headlines",
        where="scope = 'QYG'",
        columns="id, value, as_of, trusts_submitted, missing_trusts",
    ) == [
        {
            "id": "rtt.cohort.cleared_since.65w",
            "value": 1.0,
            "as_of": "2023-10-29",
            "trusts_submitted": 1,
            "missing_trusts": MISSING_BUT_RJR,
        },
    ]


def test_rtt_headlines_for_the_system(october):
    rows = {r["id"]: r for r in mart(october, "rtt_headlines", where="scope = 'QYG'")}
    assert rows["rtt.waiting_list.total"]["value"] == 71.0
    assert rows["rtt.waiting_list.total"]["as_of"] == "2023-10-29"
    # 50 of 71 within 18 weeks: 70.4225...%.
    assert rows["rtt.within_18w_pct"]["value"] == pytest.approx(70.4225352, abs=1e-6)
    assert [rows[f"rtt.waits_over.{n}w"]["value"] for n in (52, 65, 78, 104)] == [4, 1, 1, 1]
    assert rows["rtt.cohort.remaining"]["value"] == 11.0
    # 11 to clear in 22 weeks: 0.5 a week.
    assert rows["rtt.cohort.required_rate"]["value"] == 0.5
    assert (rows["rtt.cohort.at_start"]["value"], rows["rtt.cohort.at_start"]["as_of"]) == (
        10.0,
        "2023-10-22",
    )
    # Coverage is per figure: both trusts have a waiting list, only RJR a cleared count.
    assert (
        rows["rtt.waiting_list.total"]["trusts_submitted"],
        rows["rtt.waiting_list.total"]["missing_trusts"],
    ) == (2, MISSING_BUT_RJR_REM)
    assert (
        rows["rtt.cohort.cleared_since"]["trusts_submitted"],
        rows["rtt.cohort.cleared_since"]["missing_trusts"],
    ) == (1, MISSING_BUT_RJR)
    # No snapshot four or six weeks back: no prior, clearance rate or weeks to clear.
    assert not {
        "rtt.cohort.remaining_prior",
        "rtt.cohort.clearance_rate_6w",
        "rtt.cohort.weeks_to_clear",
    } & set(rows)

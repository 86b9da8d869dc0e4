"""The DM01 marts on raw rows given by hand: diagnostics_monthly, diagnostics_activity_ytd and
diagnostics_headlines."""

from __future__ import annotations

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_dm01, raw_plan

MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"
MISSING_BUT_RJR = "RBL,RBN,RBQ,RBS,RBT,REM,REN,REP,RET,RJN,RWW"
MRI, CT, COLONOSCOPY = 1, 2, 12  # DM01 test numbers (ref.dm01_tests)


@pytest.fixture
def dm01(settings):
    """RJR sent September and October; REM sent October's tests done but no waiting list."""
    build(
        settings,
        ledger=[
            ledger(1, "RJR", "dm01", "2023-09"),
            ledger(2, "RJR", "dm01", "2023-10"),
            ledger(3, "REM", "dm01", "2023-10"),
            ledger(4, "QYG", "plans", "2023-24"),
        ],
        raw={
            "dm01": [
                raw_dm01(1, "RJR", "2023-09", MRI, "waiting", 7, weeks_waited=0),
                raw_dm01(1, "RJR", "2023-09", MRI, "tests_waiting_list", 30),
                raw_dm01(2, "RJR", "2023-10", MRI, "waiting", 10, weeks_waited=0),
                raw_dm01(2, "RJR", "2023-10", MRI, "waiting", 4, weeks_waited=5),
                raw_dm01(2, "RJR", "2023-10", MRI, "waiting", 3, weeks_waited=6),
                raw_dm01(2, "RJR", "2023-10", MRI, "waiting", 1, weeks_waited=104),
                raw_dm01(2, "RJR", "2023-10", COLONOSCOPY, "waiting", 5, weeks_waited=2),
                raw_dm01(2, "RJR", "2023-10", COLONOSCOPY, "waiting", 1, weeks_waited=13),
                raw_dm01(2, "RJR", "2023-10", MRI, "tests_waiting_list", 20),
                raw_dm01(2, "RJR", "2023-10", MRI, "tests_planned", 5),
                raw_dm01(2, "RJR", "2023-10", COLONOSCOPY, "tests_unscheduled", 3),
                raw_dm01(3, "REM", "2023-10", CT, "tests_waiting_list", 12),
            ],
            "plans": [
                raw_plan(4, "diagnostics.activity.mri", "RJR", "2023-09", 40),
                raw_plan(4, "diagnostics.activity.mri", "RJR", "2023-10", 50),
                # A system plan row is not used: the system's plan is the sum of its trusts'.
                raw_plan(4, "diagnostics.activity.mri", "QYG", "2023-10", 999),
            ],
        },
    )
    return settings


def test_diagnostics_monthly_counts_waits_by_whole_weeks(dm01):
    # RJR October: 24 waiting (10 + 4 + 3 + 1 MRI, 5 + 1 colonoscopy); under 6 weeks 10 + 4 + 5
    # = 19; 6+ weeks 3 + 1 + 1 = 5; 13+ the 104-week MRI and the 13-week colonoscopy = 2; 26+
    # and 40+ the 104-week MRI = 1. Colonoscopy 1 of 6 at 13+ weeks: 16.7% > 15%, so 1.
    # Tests 20 + 5 + 3 = 28. REM sent tests only (12 CT): its waiting counts are 0.
    columns = (
        "scope, waiting_total, under_6w, over_6w, over_13w, over_26w, over_40w, "
        "colonoscopy_waiting, colonoscopy_13w, colonoscopy_over_15pct_13w, tests, "
        "trusts_submitted, missing_trusts"
    )
    assert mart(
        dm01, "diagnostics_monthly", where="period = '2023-10'", columns=columns, order_by="scope"
    ) == [
        {
            "scope": "QYG",
            "waiting_total": 24,
            "under_6w": 19,
            "over_6w": 5,
            "over_13w": 2,
            "over_26w": 1,
            "over_40w": 1,
            "colonoscopy_waiting": 6,
            "colonoscopy_13w": 1,
            "colonoscopy_over_15pct_13w": 1,
            "tests": 40,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "scope": "REM",
            "waiting_total": 0,
            "under_6w": 0,
            "over_6w": 0,
            "over_13w": 0,
            "over_26w": 0,
            "over_40w": 0,
            "colonoscopy_waiting": 0,
            "colonoscopy_13w": 0,
            "colonoscopy_over_15pct_13w": 0,
            "tests": 12,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "waiting_total": 24,
            "under_6w": 19,
            "over_6w": 5,
            "over_13w": 2,
            "over_26w": 1,
            "over_40w": 1,
            "colonoscopy_waiting": 6,
            "colonoscopy_13w": 1,
            "colonoscopy_over_15pct_13w": 1,
            "tests": 28,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
    ]


def test_activity_year_to_date_compares_the_months_and_tests_planned(dm01):
    # RJR's MRI: September 30 done against 40 planned; October 25 against 50, so year to date
    # 55 against 90. Its colonoscopy tests have no plan and are left out. REM has no plan rows,
    # so no figure, though it counts as submitted. The system is RJR's, not the 999 row.
    assert mart(
        dm01,
        "diagnostics_activity_ytd",
        columns="scope, period, modality, ytd_tests, ytd_plan, trusts_submitted, missing_trusts",
    ) == [
        {
            "scope": "QYG",
            "period": "2023-09",
            "modality": "all",
            "ytd_tests": 30,
            "ytd_plan": 40,
            "trusts_submitted": 1,
            "missing_trusts": MISSING_BUT_RJR,
        },
        {
            "scope": "QYG",
            "period": "2023-09",
            "modality": "mri",
            "ytd_tests": 30,
            "ytd_plan": 40,
            "trusts_submitted": 1,
            "missing_trusts": MISSING_BUT_RJR,
        },
        {
            "scope": "QYG",
            "period": "2023-10",
            "modality": "all",
            "ytd_tests": 55,
            "ytd_plan": 90,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "scope": "QYG",
            "period": "2023-10",
            "modality": "mri",
            "ytd_tests": 55,
            "ytd_plan": 90,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "scope": "RJR",
            "period": "2023-09",
            "modality": "all",
            "ytd_tests": 30,
            "ytd_plan": 40,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "period": "2023-09",
            "modality": "mri",
            "ytd_tests": 30,
            "ytd_plan": 40,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "modality": "all",
            "ytd_tests": 55,
            "ytd_plan": 90,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "modality": "mri",
            "ytd_tests": 55,
            "ytd_plan": 90,
            "trusts_submitted": 1,
            "missing_trusts": None,
        },
    ]


def test_diagnostics_headlines_for_the_system(dm01):
    rows = {
        r["id"]: r
        for r in mart(dm01, "diagnostics_headlines", where="scope = 'QYG' AND period = '2023-10'")
    }
    # 19 of 24 within 6 weeks: 79.1666...%.
    assert rows["diagnostics.waiting.within_6w_pct"]["value"] == pytest.approx(79.1666667, abs=1e-6)
    # The trust with the most 6+ week waiters is RJR: 5 of its own 24.
    largest = rows["diagnostics.waiting.largest_over_6w"]
    assert (largest["numerator"], largest["denominator"]) == (5, 24)
    # 55 done against 90 planned: 35 below plan, -38.888...%.
    vs_plan = rows["diagnostics.activity.vs_plan_ytd_pct"]
    assert (vs_plan["numerator"], vs_plan["denominator"]) == (-35, 90)
    assert vs_plan["value"] == pytest.approx(-38.8888889, abs=1e-6)
    assert rows["diagnostics.activity.total"]["value"] == 40.0
    assert rows["diagnostics.colonoscopy.trusts_over_15pct_13w"]["value"] == 1.0
    assert rows["diagnostics.waiting.total"]["missing_trusts"] == MISSING_BUT_RJR_REM

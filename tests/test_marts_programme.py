"""The programme marts on raw rows given by hand: opel_monthly, programme_latest,
cdc_activity_ytd and programme_headlines."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_plan, raw_programme

MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"
OPEL, CDC = "uec.opel.level", "diagnostics.cdc.activity"


@pytest.fixture
def october(settings):
    build(
        settings,
        ledger=[ledger(1, "QYG", "programme", "2023-10"), ledger(2, "QYG", "plans", "2023-24")],
        raw={
            "programme": [
                # RJR at OPEL 3+ on 2 of its 3 days (more than half); REM on 1 of 2 (not).
                raw_programme(1, OPEL, "RJR", "2023-10-01", 3),
                raw_programme(1, OPEL, "RJR", "2023-10-02", 4),
                raw_programme(1, OPEL, "RJR", "2023-10-03", 2),
                raw_programme(1, OPEL, "REM", "2023-10-01", 3),
                raw_programme(1, OPEL, "REM", "2023-10-02", 2),
                # The system's own level, never a sum of the trusts'.
                raw_programme(1, OPEL, "QYG", "2023-10-02", 3),
                raw_programme(1, CDC, "REM90", "2023-09-30", 100),
                raw_programme(1, CDC, "REM90", "2023-10-31", 120),
                raw_programme(1, CDC, "RBN90", "2023-10-31", 80),
            ],
            "plans": [
                raw_plan(2, CDC, "REM90", "2023-09", 110),
                raw_plan(2, CDC, "REM90", "2023-10", 110),
                raw_plan(2, CDC, "REM90", "2024-03", 200),
                raw_plan(2, CDC, "QYG", "2023-10", 250),
            ],
        },
    )
    return settings


def test_opel_monthly_counts_the_trusts_at_3_plus_on_most_days(october):
    # System: 3 + 2 = 5 days reported, 2 + 1 = 3 at 3+, 1 trust on most days; the ICB's own row
    # is not a trust's.
    assert mart(october, "opel_monthly", order_by="scope") == [
        {
            "scope": "QYG",
            "period": "2023-10",
            "days_reported": 5,
            "days_at_3_plus": 3,
            "at_3_plus_most_days": 1,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
            "trusts_expected": 12,
        },
        {
            "scope": "REM",
            "period": "2023-10",
            "days_reported": 2,
            "days_at_3_plus": 1,
            "at_3_plus_most_days": 0,
            "trusts_submitted": 1,
            "missing_trusts": None,
            "trusts_expected": 12,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "days_reported": 3,
            "days_at_3_plus": 2,
            "at_3_plus_most_days": 1,
            "trusts_submitted": 1,
            "missing_trusts": None,
            "trusts_expected": 12,
        },
    ]


def test_programme_latest_takes_each_scopes_last_day(october):
    assert mart(
        october,
        "programme_latest",
        where=f"metric = '{OPEL}'",
        order_by="scope",
        columns="scope, value, as_of, days_reported",
    ) == [
        {"scope": "QYG", "value": 3.0, "as_of": dt.date(2023, 10, 2), "days_reported": 1},
        {"scope": "REM", "value": 2.0, "as_of": dt.date(2023, 10, 2), "days_reported": 2},
        {"scope": "RJR", "value": 2.0, "as_of": dt.date(2023, 10, 3), "days_reported": 3},
    ]


def test_cdc_activity_adds_the_centres_from_april(october):
    # REM90: 100 in September, 220 by October, against its plan of 110 and 110 + 110 (year
    # 110 + 110 + 200 = 420). RBN90 has no plan. The system: 100, then 100 + 120 + 80 = 300,
    # against its own plan row (250 in October, none before).
    assert mart(
        october,
        "cdc_activity_ytd",
        order_by="period, scope",
        columns="scope, period, ytd_tests, ytd_plan, year_plan, centres_reporting",
    ) == [
        {
            "scope": "QYG",
            "period": "2023-09",
            "ytd_tests": 100,
            "ytd_plan": None,
            "year_plan": 250.0,
            "centres_reporting": 1,
        },
        {
            "scope": "REM90",
            "period": "2023-09",
            "ytd_tests": 100,
            "ytd_plan": 110.0,
            "year_plan": 420.0,
            "centres_reporting": 1,
        },
        {
            "scope": "QYG",
            "period": "2023-10",
            "ytd_tests": 300,
            "ytd_plan": 250.0,
            "year_plan": 250.0,
            "centres_reporting": 2,
        },
        {
            "scope": "RBN90",
            "period": "2023-10",
            "ytd_tests": 80,
            "ytd_plan": None,
            "year_plan": None,
            "centres_reporting": 2,
        },
        {
            "scope": "REM90",
            "period": "2023-10",
            "ytd_tests": 220,
            "ytd_plan": 220.0,
            "year_plan": 420.0,
            "centres_reporting": 2,
        },
    ]


def test_programme_headlines(october):
    rows = {
        (r["id"], r["scope"]): r
        for r in mart(october, "programme_headlines", where="period = '2023-10'")
    }
    assert rows[(OPEL, "QYG")]["value"] == 3.0
    assert (
        rows[("uec.opel.trusts_at_3_plus", "QYG")]["value"],
        rows[("uec.opel.trusts_at_3_plus", "QYG")]["missing_trusts"],
    ) == (1.0, MISSING_BUT_RJR_REM)
    assert rows[(CDC, "QYG")]["value"] == 300.0
    # 300 against 250 planned: 20% above plan; REM90 220 against 220: on plan. RBN90 has no
    # plan, so no comparison.
    assert rows[("diagnostics.cdc.activity_vs_plan_pct", "QYG")]["value"] == pytest.approx(
        20.0, abs=1e-9
    )
    assert rows[("diagnostics.cdc.activity_vs_plan_pct", "REM90")]["value"] == pytest.approx(
        0.0, abs=1e-9
    )
    assert ("diagnostics.cdc.activity_vs_plan_pct", "RBN90") not in rows

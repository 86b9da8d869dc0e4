"""The theatre marts on raw rows given by hand: theatres_monthly and theatres_headlines."""

from __future__ import annotations

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_theatre_session

MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"


@pytest.fixture
def october(settings):
    build(
        settings,
        ledger=[ledger(1, "RJR", "theatres", "2023-10"), ledger(2, "REM", "theatres", "2023-10")],
        raw={
            "theatre_sessions": [
                # RJR, planned 08:30-12:30 (240 min), held 08:15-12:50: 275 touch minutes, 240
                # inside the plan. Planned 13:30-17:30, cancelled: 240 planned, no touch time.
                raw_theatre_session(1, "RJR", "2023-10-02", ("08:30", "12:30"), ("08:15", "12:50")),
                raw_theatre_session(1, "RJR", "2023-10-02", ("13:30", "17:30"), None, session="PM"),
                # REM, planned 18:00-22:00 (240), held 18:10 to 00:40 next morning: 390 touch
                # minutes, 230 inside the plan (18:10-22:00).
                raw_theatre_session(
                    2, "REM", "2023-10-03", ("18:00", "22:00"), ("18:10", "00:40"), session="EVE"
                ),
            ]
        },
    )
    return settings


def test_theatres_monthly_counts_cancelled_lists_as_planned_time(october):
    # RJR: 2 sessions, 1 cancelled, 480 planned, 275 touch, 240 capped. REM: 1, 0, 240, 390,
    # 230. QYG: 3, 1, 720, 665, 470 from 2 of 12 trusts.
    assert mart(october, "theatres_monthly", order_by="scope") == [
        {
            "scope": "QYG",
            "period": "2023-10",
            "sessions": 3,
            "cancelled_sessions": 1,
            "planned_minutes": 720,
            "touch_minutes": 665,
            "capped_touch_minutes": 470,
            "trusts_submitted": 2,
            "trusts_expected": 12,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "scope": "REM",
            "period": "2023-10",
            "sessions": 1,
            "cancelled_sessions": 0,
            "planned_minutes": 240,
            "touch_minutes": 390,
            "capped_touch_minutes": 230,
            "trusts_submitted": 1,
            "trusts_expected": 12,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "sessions": 2,
            "cancelled_sessions": 1,
            "planned_minutes": 480,
            "touch_minutes": 275,
            "capped_touch_minutes": 240,
            "trusts_submitted": 1,
            "trusts_expected": 12,
            "missing_trusts": None,
        },
    ]


def test_theatres_headlines_divide_the_summed_minutes(october):
    # Capped: 470 / 720 = 65.2777...%; uncapped 665 / 720 = 92.3611...%. RJR capped 240 / 480.
    rows = {(r["id"], r["scope"]): r for r in mart(october, "theatres_headlines")}
    capped = rows[("theatres.utilisation.capped_pct", "QYG")]
    assert (capped["numerator"], capped["denominator"]) == (470, 720)
    assert capped["value"] == pytest.approx(65.2777778, abs=1e-6)
    assert rows[("theatres.utilisation.uncapped_pct", "QYG")]["value"] == pytest.approx(
        92.3611111, abs=1e-6
    )
    assert rows[("theatres.utilisation.capped_pct", "RJR")]["value"] == 50.0
    assert capped["missing_trusts"] == MISSING_BUT_RJR_REM

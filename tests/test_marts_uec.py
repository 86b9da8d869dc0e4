"""The UEC marts on raw rows given by hand: uec_monthly, uec_headlines, uec_long_stay_daily,
uec_long_stay_at, long_stay_at_headlines and the coverage they take from marts.coverage."""

from __future__ import annotations

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_uec

# The twelve CMAST members less RJR and REM, in code order.
MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"
MISSING_BUT_RJR = "RBL,RBN,RBQ,RBS,RBT,REM,REN,REP,RET,RJN,RWW"


@pytest.fixture
def october(settings):
    """RJR sent October twice (the first file superseded by the second) and REM once; the
    other ten members sent nothing."""
    build(
        settings,
        ledger=[
            ledger(1, "RJR", "uec", "2023-10", status="superseded", superseded_by=2),
            ledger(2, "RJR", "uec", "2023-10"),
            ledger(3, "REM", "uec", "2023-10"),
        ],
        raw={
            "uec_daily": [
                # The superseded file: its 999 attendances must count nowhere.
                raw_uec(1, "RJR", "2023-10-01", type1_attendances=999, type1_within_4h=999),
                raw_uec(
                    2,
                    "RJR",
                    "2023-10-01",
                    type1_attendances=100,
                    type1_within_4h=70,
                    type3_attendances=50,
                    type3_within_4h=49,
                    type1_over_12h_from_arrival=3,
                    ga_beds_occupied=500,
                    beds_stay_14plus=110,
                    beds_stay_21plus=60,
                ),
                raw_uec(
                    2,
                    "RJR",
                    "2023-10-02",
                    type1_attendances=200,
                    type1_within_4h=140,
                    type3_attendances=50,
                    type3_within_4h=49,
                    type1_over_12h_from_arrival=6,
                    ga_beds_occupied=400,
                    beds_stay_14plus=100,
                    beds_stay_21plus=50,
                ),
                raw_uec(
                    3,
                    "REM",
                    "2023-10-01",
                    type1_attendances=300,
                    type1_within_4h=150,
                    ga_beds_occupied=800,
                    beds_stay_14plus=200,
                    beds_stay_21plus=80,
                ),
            ]
        },
    )
    return settings


def test_uec_monthly_sums_each_trust_and_the_system_of_those_that_submitted(october):
    # RJR: attendances 100 + 50 + 200 + 50 = 400, within 4h 70 + 49 + 140 + 49 = 308; type 1
    # 300 and 210; over 12h 3 + 6 = 9; beds from its latest day (2 October): 400, 100, 50.
    # REM: 300 attendances, 150 within, beds from 1 October: 800, 200, 80.
    # QYG: the sum of the two (700, 458, 600, 360, 9; beds 1,200, 300, 130), 2 of 12 submitted.
    assert mart(october, "uec_monthly", order_by="scope") == [
        {
            "scope": "QYG",
            "period": "2023-10",
            "attendances": 700,
            "within_4h": 458,
            "type1_attendances": 600,
            "type1_within_4h": 360,
            "type1_over_12h": 9,
            "beds_occupied": 1200,
            "beds_14plus": 300,
            "beds_21plus": 130,
            "trusts_submitted": 2,
            "trusts_expected": 12,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "scope": "REM",
            "period": "2023-10",
            "attendances": 300,
            "within_4h": 150,
            "type1_attendances": 300,
            "type1_within_4h": 150,
            "type1_over_12h": 0,
            "beds_occupied": 800,
            "beds_14plus": 200,
            "beds_21plus": 80,
            "trusts_submitted": 1,
            "trusts_expected": 12,
            "missing_trusts": None,
        },
        {
            "scope": "RJR",
            "period": "2023-10",
            "attendances": 400,
            "within_4h": 308,
            "type1_attendances": 300,
            "type1_within_4h": 210,
            "type1_over_12h": 9,
            "beds_occupied": 400,
            "beds_14plus": 100,
            "beds_21plus": 50,
            "trusts_submitted": 1,
            "trusts_expected": 12,
            "missing_trusts": None,
        },
    ]


def test_uec_headlines_give_the_system_percentage_from_the_summed_counts(october):
    # 458 of 700 within 4 hours: 65.428571...%; long stays 300 of 1,200 beds (25%) and 130 of
    # 1,200 (10.8333...%); type 1 over 12 hours 9.
    rows = {r["id"]: r for r in mart(october, "uec_headlines", where="scope = 'QYG'")}
    assert (rows["uec.four_hour_pct"]["numerator"], rows["uec.four_hour_pct"]["denominator"]) == (
        458,
        700,
    )
    assert rows["uec.four_hour_pct"]["value"] == pytest.approx(65.4285714, abs=1e-6)
    assert rows["uec.long_stay.over_14d_pct"]["value"] == 25.0
    assert rows["uec.long_stay.over_21d_pct"]["value"] == pytest.approx(10.8333333, abs=1e-6)
    assert rows["uec.type1_over_12h"]["value"] == 9.0
    assert rows["uec.attendances"]["value"] == 700.0
    assert {r["missing_trusts"] for r in rows.values()} == {MISSING_BUT_RJR_REM}
    assert {r["trusts_submitted"] for r in rows.values()} == {2}


def test_long_stay_daily_counts_each_day_who_reported_it(october):
    # 1 October: RJR 500/110/60 and REM 800/200/80, the system 1,300/310/140 from 2 trusts.
    # 2 October: only RJR (400/100/50), so the system is RJR's and REM is missing that day.
    rows = mart(
        october,
        "uec_long_stay_daily",
        where="scope = 'QYG'",
        columns="date::VARCHAR AS day, beds_occupied, beds_14plus, beds_21plus, "
        "trusts_submitted, missing_trusts",
    )
    assert rows == [
        {
            "day": "2023-10-01",
            "beds_occupied": 1300,
            "beds_14plus": 310,
            "beds_21plus": 140,
            "trusts_submitted": 2,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "day": "2023-10-02",
            "beds_occupied": 400,
            "beds_14plus": 100,
            "beds_21plus": 50,
            "trusts_submitted": 1,
            "missing_trusts": MISSING_BUT_RJR,
        },
    ]


def test_coverage_names_who_submitted_each_month_and_day(october):
    assert mart(
        october,
        "coverage",
        columns="return_type, reported_for, system_code, "
        "trusts_submitted, trusts_expected, missing_trusts",
    ) == [
        {
            "return_type": "uec",
            "reported_for": "2023-10",
            "system_code": "QYG",
            "trusts_submitted": 2,
            "trusts_expected": 12,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "return_type": "uec_day",
            "reported_for": "2023-10-01",
            "system_code": "QYG",
            "trusts_submitted": 2,
            "trusts_expected": 12,
            "missing_trusts": MISSING_BUT_RJR_REM,
        },
        {
            "return_type": "uec_day",
            "reported_for": "2023-10-02",
            "system_code": "QYG",
            "trusts_submitted": 1,
            "trusts_expected": 12,
            "missing_trusts": MISSING_BUT_RJR,
        },
    ]


def test_long_stay_at_takes_the_months_last_sunday(settings):
    # The last Sunday of October 2023 is the 29th. RJR reported the 28th and 29th, REM only the
    # 28th: at the 29th the system is RJR's 600 beds, 150 at 14+ (25%) and 90 at 21+ (15%),
    # and REM is missing.
    build(
        settings,
        ledger=[ledger(1, "RJR", "uec", "2023-10"), ledger(2, "REM", "uec", "2023-10")],
        raw={
            "uec_daily": [
                raw_uec(
                    1,
                    "RJR",
                    "2023-10-28",
                    ga_beds_occupied=500,
                    beds_stay_14plus=100,
                    beds_stay_21plus=50,
                ),
                raw_uec(
                    1,
                    "RJR",
                    "2023-10-29",
                    ga_beds_occupied=600,
                    beds_stay_14plus=150,
                    beds_stay_21plus=90,
                ),
                raw_uec(
                    2,
                    "REM",
                    "2023-10-28",
                    ga_beds_occupied=900,
                    beds_stay_14plus=300,
                    beds_stay_21plus=200,
                ),
            ]
        },
    )
    assert mart(
        settings,
        "uec_long_stay_at",
        columns="scope, date::VARCHAR AS day, "
        "beds_occupied, beds_14plus, beds_21plus, missing_trusts",
        order_by="scope",
    ) == [
        {
            "scope": "QYG",
            "day": "2023-10-29",
            "beds_occupied": 600,
            "beds_14plus": 150,
            "beds_21plus": 90,
            "missing_trusts": MISSING_BUT_RJR,
        },
        {
            "scope": "RJR",
            "day": "2023-10-29",
            "beds_occupied": 600,
            "beds_14plus": 150,
            "beds_21plus": 90,
            "missing_trusts": None,
        },
    ]
    assert mart(
        settings,
        "long_stay_at_headlines",
        where="scope = 'QYG'",
        columns="id, value, numerator, denominator, as_of, missing_trusts",
        order_by="id",
    ) == [
        {
            "id": "uec.long_stay.over_14d_pct_at",
            "value": 25.0,
            "numerator": 150,
            "denominator": 600,
            "as_of": "2023-10-29",
            "missing_trusts": MISSING_BUT_RJR,
        },
        {
            "id": "uec.long_stay.over_21d_pct_at",
            "value": 15.0,
            "numerator": 90,
            "denominator": 600,
            "as_of": "2023-10-29",
            "missing_trusts": MISSING_BUT_RJR,
        },
    ]


def test_headline_values_gather_every_sections_rows(october):
    # Only UEC returns were sent, and none for October's last Sunday: the five monthly UEC
    # figures for each of QYG, REM and RJR, 15 rows.
    rows = mart(october, "headline_values", columns="id, scope, value")
    assert {(r["id"], r["scope"]) for r in rows} == {
        (figure, scope)
        for figure in (
            "uec.four_hour_pct",
            "uec.long_stay.over_14d_pct",
            "uec.long_stay.over_21d_pct",
            "uec.attendances",
            "uec.type1_over_12h",
        )
        for scope in ("QYG", "REM", "RJR")
    }
    assert len(rows) == 15
    # REM: 150 of 300 within 4 hours.
    assert {(r["id"], r["scope"]): r["value"] for r in rows}[("uec.four_hour_pct", "REM")] == 50.0

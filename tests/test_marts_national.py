"""The marts built on NHS England's A&E publication, on raw rows given by hand:
benchmark_four_hour, benchmark_unmapped_providers, benchmark_headlines and reconciliation."""

from __future__ import annotations

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_nhse_ae, raw_uec

NORTH_WEST = "NHS ENGLAND NORTH WEST"  # region Y62 in ref.regions


@pytest.fixture
def october(settings):
    """The publication for October names RJR and REM (ICB QYG), R0A (QOP) and ZZZ01, a provider
    no mapping places in an ICB; all four in the North West. RJR's own return is beside it."""
    build(
        settings,
        ledger=[ledger(1, "NHSE", "nhse_ae", "2023-10"), ledger(2, "RJR", "uec", "2023-10")],
        raw={
            "nhse_ae_providers": [
                # within 4 hours: RJR 1,000 - 300 = 700 (type 1), 60 (type 3); REM 500 - 200 + 500
                # = 800; R0A 2,000 - 1,000 = 1,000; ZZZ01 100.
                raw_nhse_ae(
                    1,
                    "RJR",
                    "2023-10",
                    NORTH_WEST,
                    attendances_type1=1000,
                    over_4h_type1=300,
                    attendances_other=60,
                ),
                raw_nhse_ae(
                    1,
                    "REM",
                    "2023-10",
                    NORTH_WEST,
                    attendances_type1=500,
                    over_4h_type1=200,
                    attendances_other=500,
                ),
                raw_nhse_ae(
                    1, "R0A", "2023-10", NORTH_WEST, attendances_type1=2000, over_4h_type1=1000
                ),
                raw_nhse_ae(1, "ZZZ01", "2023-10", NORTH_WEST, attendances_other=100),
            ],
            "uec_daily": [
                # RJR's return: type 1 as published; type 3 50, 10 fewer than published.
                raw_uec(
                    2,
                    "RJR",
                    "2023-10-01",
                    type1_attendances=1000,
                    type1_within_4h=700,
                    type3_attendances=50,
                    type3_within_4h=50,
                ),
            ],
        },
    )
    return settings


def test_four_hour_benchmark_by_icb_region_and_england(october):
    # RJR published 1,060 attendances (700 + 60 within), REM 1,000 (800 within), so QYG has
    # 2,060 attendances and 1,560 within: 75.728...%, ranked 1 of 2; QOP 1,000 of 2,000, 50%.
    # The region and England count all four providers: 4,160 attendances, 2,660 within.
    assert mart(
        october,
        "benchmark_four_hour",
        columns="scope_type, scope, attendances, within_4h, rank, ranked_of",
        order_by="scope_type, scope",
    ) == [
        {
            "scope_type": "england",
            "scope": "ENG",
            "attendances": 4160,
            "within_4h": 2660,
            "rank": None,
            "ranked_of": None,
        },
        {
            "scope_type": "icb",
            "scope": "QOP",
            "attendances": 2000,
            "within_4h": 1000,
            "rank": 2,
            "ranked_of": 2,
        },
        {
            "scope_type": "icb",
            "scope": "QYG",
            "attendances": 2060,
            "within_4h": 1560,
            "rank": 1,
            "ranked_of": 2,
        },
        {
            "scope_type": "region",
            "scope": "Y62",
            "attendances": 4160,
            "within_4h": 2660,
            "rank": None,
            "ranked_of": None,
        },
    ]


def test_a_provider_in_no_icb_is_listed_not_dropped(october):
    assert mart(
        october,
        "benchmark_unmapped_providers",
        columns="dataset, provider_code, volume, no_icb, no_region",
    ) == [
        {
            "dataset": "ae",
            "provider_code": "ZZZ01",
            "volume": 100,
            "no_icb": True,
            "no_region": False,
        },
    ]


def test_benchmark_headlines_at_the_system_its_region_and_england(october):
    rows = {(r["id"], r["scope"]): r for r in mart(october, "benchmark_headlines")}
    # QOP is another ICB: ranked, but not quoted.
    assert {scope for _, scope in rows} == {"QYG", "Y62", "ENG"}
    four_hour = rows[("benchmark.uec.four_hour_pct", "QYG")]
    assert (four_hour["numerator"], four_hour["denominator"]) == (1560, 2060)
    assert four_hour["value"] == pytest.approx(75.7281553, abs=1e-6)
    # 2,660 of 4,160: 63.9423...%.
    assert rows[("benchmark.uec.four_hour_pct", "ENG")]["value"] == pytest.approx(
        63.9423077, abs=1e-6
    )
    rank = rows[("benchmark.uec.four_hour_rank", "QYG")]
    assert (rank["numerator"], rank["denominator"]) == (1, 2)


def test_reconciliation_pairs_the_trusts_return_with_the_publication(october):
    rows = {
        (r["measure"], r["breakdown"]): r
        for r in mart(
            october,
            "reconciliation",
            where="org_code = 'RJR'",
            columns="measure, breakdown, return_value, published_value, difference, status",
        )
    }
    assert rows[("ae.attendances", "type1")] == {
        "measure": "ae.attendances",
        "breakdown": "type1",
        "return_value": 1000,
        "published_value": 1000,
        "difference": 0,
        "status": "agrees",
    }
    # 50 against 60: -10, -16.7%, beyond the 0.5% tolerance.
    assert rows[("ae.attendances", "type3")] == {
        "measure": "ae.attendances",
        "breakdown": "type3",
        "return_value": 50,
        "published_value": 60,
        "difference": -10,
        "status": "differs",
    }
    # 12-hour waits are defined differently in the two: paired but not compared.
    assert rows[("ae.over_12h", "type1")]["status"] == "not_compared"
    assert rows[("ae.over_12h", "type1")]["return_value"] is None
    # REM sent no return: it has no row to reconcile.
    assert not mart(october, "reconciliation", where="org_code = 'REM'")


@pytest.fixture
def waits(settings):
    """October's DM01 and RTT publications for RJR (ICB QYG) and R0A (QOP), both in region Y62."""
    build(
        settings,
        ledger=[
            ledger(1, "NHSE", "nhse_dm01", "2023-10"),
            ledger(2, "NHSE", "nhse_rtt", "2023-10"),
        ],
        raw={
            "nhse_dm01_providers": [
                {
                    "submission_id": 1,
                    "period": "2023-10",
                    "region_code": "Y62",
                    "provider_code": "RJR",
                    "provider_name": "RJR",
                    "waiting_total": 100,
                    "waiting_6w_plus": 10,
                    "waiting_13w_plus": 2,
                    "activity_waiting_list": 50,
                    "activity_planned": 20,
                    "activity_unscheduled": 30,
                },
                {
                    "submission_id": 1,
                    "period": "2023-10",
                    "region_code": "Y62",
                    "provider_code": "R0A",
                    "provider_name": "R0A",
                    "waiting_total": 200,
                    "waiting_6w_plus": 80,
                    "waiting_13w_plus": 40,
                    "activity_waiting_list": 300,
                    "activity_planned": 0,
                    "activity_unscheduled": 0,
                },
            ],
            "nhse_rtt_incomplete": [
                {
                    "submission_id": 2,
                    "period": "2023-10",
                    "provider_code": "RJR",
                    "provider_name": "RJR",
                    "provider_parent_code": "QYG",
                    "tfc_code": "C_999",
                    "pathway_type": "incomplete",
                    "total": 1000,
                    "within_18w": 600,
                    "over_52w": 30,
                    "over_65w": 10,
                    "over_78w": 4,
                    "over_104w": 1,
                },
                {
                    "submission_id": 2,
                    "period": "2023-10",
                    "provider_code": "R0A",
                    "provider_name": "R0A",
                    "provider_parent_code": "QOP",
                    "tfc_code": "C_999",
                    "pathway_type": "incomplete",
                    "total": 3000,
                    "within_18w": 2100,
                    "over_52w": 90,
                    "over_65w": 20,
                    "over_78w": 5,
                    "over_104w": 0,
                },
            ],
        },
    )
    return settings


def test_diagnostics_benchmark_ranks_the_icbs_by_share_within_6_weeks(waits):
    # QYG: 90 of 100 within 6 weeks (90%), rank 1; QOP 120 of 200 (60%), rank 2. The region
    # and England: 210 of 300, activity 100 + 300.
    assert mart(
        waits,
        "benchmark_diagnostics",
        columns="scope_type, scope, waiting_total, within_6w, over_13w, activity, rank",
        order_by="scope_type, scope",
    ) == [
        {
            "scope_type": "england",
            "scope": "ENG",
            "waiting_total": 300,
            "within_6w": 210,
            "over_13w": 42,
            "activity": 400,
            "rank": None,
        },
        {
            "scope_type": "icb",
            "scope": "QOP",
            "waiting_total": 200,
            "within_6w": 120,
            "over_13w": 40,
            "activity": 300,
            "rank": 2,
        },
        {
            "scope_type": "icb",
            "scope": "QYG",
            "waiting_total": 100,
            "within_6w": 90,
            "over_13w": 2,
            "activity": 100,
            "rank": 1,
        },
        {
            "scope_type": "region",
            "scope": "Y62",
            "waiting_total": 300,
            "within_6w": 210,
            "over_13w": 42,
            "activity": 400,
            "rank": None,
        },
    ]


def test_rtt_benchmark_by_provider_parent(waits):
    # QYG 600 of 1,000 within 18 weeks (60%) ranks below QOP's 2,100 of 3,000 (70%).
    assert mart(
        waits,
        "benchmark_rtt",
        where="basis = 'provider'",
        columns="scope_type, scope, waiting_total, within_18w, over_52w, over_104w, "
        "rank, ranked_of",
        order_by="scope_type, scope",
    ) == [
        {
            "scope_type": "england",
            "scope": "ENG",
            "waiting_total": 4000,
            "within_18w": 2700,
            "over_52w": 120,
            "over_104w": 1,
            "rank": None,
            "ranked_of": None,
        },
        {
            "scope_type": "icb",
            "scope": "QOP",
            "waiting_total": 3000,
            "within_18w": 2100,
            "over_52w": 90,
            "over_104w": 0,
            "rank": 1,
            "ranked_of": 2,
        },
        {
            "scope_type": "icb",
            "scope": "QYG",
            "waiting_total": 1000,
            "within_18w": 600,
            "over_52w": 30,
            "over_104w": 1,
            "rank": 2,
            "ranked_of": 2,
        },
        {
            "scope_type": "region",
            "scope": "Y62",
            "waiting_total": 4000,
            "within_18w": 2700,
            "over_52w": 120,
            "over_104w": 1,
            "rank": None,
            "ranked_of": None,
        },
    ]
    rows = {r["id"]: r for r in mart(waits, "benchmark_headlines", where="scope = 'QYG'")}
    assert rows["benchmark.rtt.within_18w_pct"]["value"] == pytest.approx(60.0, abs=1e-9)
    assert (
        rows["benchmark.rtt.within_18w_rank"]["numerator"],
        rows["benchmark.rtt.within_18w_rank"]["denominator"],
    ) == (2, 2)
    assert rows["benchmark.diagnostics.within_6w_pct"]["value"] == pytest.approx(90.0, abs=1e-9)

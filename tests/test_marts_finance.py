"""The finance marts on raw rows given by hand: finance_monthly and finance_headlines, with the
ICB's own return beside the providers' and money summed exactly."""

from __future__ import annotations

import pytest

from tests.mart_warehouse import build, mart
from tests.rows import ledger, raw_finance

MISSING_BUT_RJR_REM = "RBL,RBN,RBQ,RBS,RBT,REN,REP,RET,RJN,RWW"


@pytest.fixture
def october(settings):
    build(
        settings,
        ledger=[
            ledger(1, "RJR", "finance", "2023-10"),
            ledger(2, "REM", "finance", "2023-10"),
            ledger(3, "QYG", "finance", "2023-10"),
        ],
        raw={
            "finance_monthly": [
                raw_finance(
                    1,
                    "RJR",
                    "2023-10",
                    7,
                    ytd_plan_surplus_deficit=-4200,
                    ytd_actual_surplus_deficit=-6150.5,
                    fy_plan_surplus_deficit=-7200,
                    fy_forecast_outturn=-7200,
                    cip_ytd_plan=9800,
                    cip_ytd_delivered=8420,
                    cip_ytd_recurrent=5100,
                    capital_fy_plan=31000,
                    capital_ytd_spend=10400,
                    cash_support_requested=3000,
                    cash_support_received=2500,
                ),
                raw_finance(
                    2,
                    "REM",
                    "2023-10",
                    7,
                    ytd_plan_surplus_deficit=100.1,
                    ytd_actual_surplus_deficit=200.2,
                    cip_ytd_plan=200,
                    cip_ytd_delivered=180,
                    cip_ytd_recurrent=90,
                    capital_fy_plan=1000,
                    capital_ytd_spend=600,
                ),
                raw_finance(
                    3,
                    "QYG",
                    "2023-10",
                    7,
                    ytd_plan_surplus_deficit=50,
                    ytd_actual_surplus_deficit=70.3,
                    fy_plan_surplus_deficit=100,
                    fy_forecast_outturn=110,
                ),
            ]
        },
    )
    return settings


def test_finance_monthly_sums_providers_and_keeps_the_icbs_return_apart(october):
    rows = {r["scope"]: r for r in mart(october, "finance_monthly")}
    # The ICB's return is not a provider: it has no row of its own, only the icb_ columns.
    assert sorted(rows) == ["QYG", "REM", "RJR"]
    system = rows["QYG"]
    # Providers: YTD plan -4,200 + 100.1 = -4,099.9; actual -6,150.5 + 200.2 = -5,950.3.
    assert (system["ytd_plan"], system["ytd_actual"]) == (-4099.9, -5950.3)
    assert (system["cip_plan"], system["cip_delivered"], system["cip_recurrent"]) == (
        10000.0,
        8600.0,
        5190.0,
    )
    assert (system["capital_plan"], system["capital_spend"]) == (32000.0, 11000.0)
    # RJR is in deficit (-6,150.5) and asked for cash; REM (+200.2) neither.
    assert (system["in_deficit"], system["requested_cash"]) == (1, 1)
    assert (rows["RJR"]["in_deficit"], rows["REM"]["in_deficit"]) == (1, 0)
    assert (system["trusts_submitted"], system["missing_trusts"]) == (2, MISSING_BUT_RJR_REM)
    assert (
        system["icb_ytd_plan"],
        system["icb_ytd_actual"],
        system["icb_fy_plan"],
        system["icb_forecast"],
    ) == (50.0, 70.3, 100.0, 110.0)
    assert rows["RJR"]["icb_ytd_actual"] is None


def test_finance_sums_are_exact_whatever_the_order(settings):
    # 0.1 + 0.2 + 0.3 in doubles is 0.6000000000000001 one way and 0.6 the other; summed as
    # decimals it is 0.6 exactly, in any order.
    build(
        settings,
        ledger=[
            ledger(n, org, "finance", "2023-10") for n, org in [(1, "RJR"), (2, "REM"), (3, "RBL")]
        ],
        raw={
            "finance_monthly": [
                raw_finance(1, "RJR", "2023-10", 7, ytd_actual_surplus_deficit=0.1),
                raw_finance(2, "REM", "2023-10", 7, ytd_actual_surplus_deficit=0.2),
                raw_finance(3, "RBL", "2023-10", 7, ytd_actual_surplus_deficit=0.3),
            ]
        },
    )
    assert mart(settings, "finance_monthly", where="scope = 'QYG'", columns="ytd_actual") == [
        {"ytd_actual": 0.6}
    ]


def test_finance_headlines_add_the_icb_to_the_providers_for_the_system(october):
    rows = {r["id"]: r["value"] for r in mart(october, "finance_headlines", where="scope = 'QYG'")}
    assert rows["finance.providers.ytd_surplus_deficit"] == -5950.3
    assert rows["finance.icb.ytd_surplus_deficit"] == 70.3
    # -5,950.3 + 70.3 = -5,880; plans -4,099.9 + 50 = -4,049.9; forecast -7,200 + 110.
    assert rows["finance.system.ytd_surplus_deficit"] == pytest.approx(-5880.0, abs=1e-9)
    assert rows["finance.system.ytd_plan"] == pytest.approx(-4049.9, abs=1e-9)
    assert rows["finance.forecast_outturn"] == pytest.approx(-7090.0, abs=1e-9)
    assert rows["finance.system.fy_plan"] == pytest.approx(-7100.0, abs=1e-9)
    # CIP 8,600 of 10,000 delivered (86%), 5,190 of it recurrent (60.348...%); capital 11,000
    # of 32,000 (34.375%); 1 provider asked for cash, 2,500 received.
    assert rows["finance.cip.delivery_pct"] == pytest.approx(86.0, abs=1e-9)
    assert rows["finance.cip.recurrent_pct"] == pytest.approx(60.3488372, abs=1e-6)
    assert rows["finance.capital.spend_pct_of_plan"] == pytest.approx(34.375, abs=1e-9)
    assert (rows["finance.cash_support.providers"], rows["finance.cash_support.amount"]) == (
        1.0,
        2500.0,
    )
    assert rows["finance.providers.in_deficit"] == 1.0


def test_finance_headlines_have_no_system_figures_without_the_icbs_return(settings):
    build(
        settings,
        ledger=[ledger(1, "RJR", "finance", "2023-10")],
        raw={
            "finance_monthly": [raw_finance(1, "RJR", "2023-10", 7, ytd_actual_surplus_deficit=-10)]
        },
    )
    ids = {r["id"] for r in mart(settings, "finance_headlines", where="scope = 'QYG'")}
    assert "finance.providers.ytd_surplus_deficit" in ids
    assert not ids & {
        "finance.system.ytd_surplus_deficit",
        "finance.icb.ytd_surplus_deficit",
        "finance.forecast_outturn",
        "finance.system.fy_plan",
    }

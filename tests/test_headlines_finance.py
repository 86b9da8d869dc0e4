"""Finance headlines: provider and system positions, counts of trusts, capital, cash and cost
improvement, worked out by hand from small returns across a financial year end (March, month
12, then April, month 1, when every year-to-date figure starts again)."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.metrics.checks import ConsistencyError, check
from tests.headline_fixtures import TRUSTS, headlines, load
from tests.rows import finance_row

F = "finance."
#: A provider with nothing special about it, in each month (£ thousands).
ORDINARY = {
    "2024-03": dict(
        ytd_plan_surplus_deficit=0,
        ytd_actual_surplus_deficit=200,
        fy_plan_surplus_deficit=0,
        fy_forecast_outturn=200,
        cip_ytd_plan=1000,
        cip_ytd_delivered=900,
        cip_ytd_recurrent=450,
        capital_fy_plan=1000,
        capital_ytd_spend=800,
        cash_support_requested=0,
        cash_support_received=0,
    ),
    "2024-04": dict(
        ytd_plan_surplus_deficit=0,
        ytd_actual_surplus_deficit=-10,
        fy_plan_surplus_deficit=0,
        fy_forecast_outturn=-100,
        cip_ytd_plan=100,
        cip_ytd_delivered=50,
        cip_ytd_recurrent=25,
        capital_fy_plan=1000,
        capital_ytd_spend=50,
        cash_support_requested=0,
        cash_support_received=0,
    ),
}
SPECIAL = {
    "2024-03": {
        "RJR": dict(
            ytd_plan_surplus_deficit=-4200,
            ytd_actual_surplus_deficit=-6150.5,
            fy_plan_surplus_deficit=-4200,
            fy_forecast_outturn=-6150.5,
            cip_ytd_plan=9800,
            cip_ytd_delivered=8420,
            cip_ytd_recurrent=5100,
            capital_fy_plan=31000,
            capital_ytd_spend=29000,
            cash_support_requested=3000,
            cash_support_received=2500,
        ),
        "REM": dict(
            ytd_plan_surplus_deficit=1000,
            ytd_actual_surplus_deficit=1500,
            fy_plan_surplus_deficit=1000,
            fy_forecast_outturn=1500,
            cip_ytd_plan=5000,
            cip_ytd_delivered=5000,
            cip_ytd_recurrent=2500,
            capital_fy_plan=20000,
            capital_ytd_spend=21000,
        ),
        "QYG": dict(
            ytd_plan_surplus_deficit=500,
            ytd_actual_surplus_deficit=650.5,
            fy_plan_surplus_deficit=500,
            fy_forecast_outturn=650.5,
            cip_ytd_plan=100,
            cip_ytd_delivered=100,
            cip_ytd_recurrent=100,
            capital_fy_plan=0,
            capital_ytd_spend=0,
        ),
    },
    "2024-04": {
        "RJR": dict(
            ytd_plan_surplus_deficit=-350,
            ytd_actual_surplus_deficit=-500,
            fy_plan_surplus_deficit=-4000,
            fy_forecast_outturn=-4000,
            cip_ytd_plan=800,
            cip_ytd_delivered=600,
            cip_ytd_recurrent=300,
            capital_fy_plan=30000,
            capital_ytd_spend=1000,
        ),
        "REM": dict(
            ytd_plan_surplus_deficit=100,
            ytd_actual_surplus_deficit=120,
            fy_plan_surplus_deficit=1200,
            fy_forecast_outturn=1200,
            cip_ytd_plan=400,
            cip_ytd_delivered=400,
            cip_ytd_recurrent=400,
            capital_fy_plan=20000,
            capital_ytd_spend=500,
        ),
        "RWW": dict(cash_support_requested=400, cash_support_received=300),
        "QYG": dict(
            ytd_plan_surplus_deficit=40,
            ytd_actual_surplus_deficit=45,
            fy_plan_surplus_deficit=500,
            fy_forecast_outturn=500,
            cip_ytd_plan=10,
            cip_ytd_delivered=10,
            cip_ytd_recurrent=10,
            capital_fy_plan=0,
            capital_ytd_spend=0,
        ),
    },
}
FY_MONTH = {"2024-03": 12, "2024-04": 1}
APRIL_COVERAGE = "Figures are for 11 of 12 trusts: WCFT (RET) has not submitted for April 2024."


def load_finance(settings, months=("2024-03", "2024-04")) -> None:
    """Every provider and the ICB for March 2024; in April 2024 The Walton Centre (RET) has
    not sent its return."""
    for period in months:
        for org in [*TRUSTS, "QYG"]:
            if org == "RET" and period == "2024-04":
                continue
            figures = {**ORDINARY[period], **SPECIAL[period].get(org, {})}
            row = finance_row(org, period, fy_month=FY_MONTH[period], **figures)
            load(settings, row, org, f"{org}_finance_{period}.csv")


def test_year_end_positions_by_hand(settings):
    load_finance(settings)
    found, records, inputs = headlines(settings, "2024-03")
    providers = found[f"{F}providers.ytd_surplus_deficit"]
    # Providers: COCH -6,150.5 + LUHFT 1,500 + ten others 10 x 200 = -2,650.5 (a deficit of
    # £2.7m) against a plan of -4,200 + 1,000 + 0 = -3,200: variance +549.5. Only COCH is in
    # deficit.
    assert providers.value == pytest.approx(-2650.5)
    assert providers.unit == "gbp_thousands"
    assert providers.comparators["plan"]["value"] == -3200
    assert providers.comparators["variance"]["value"] == pytest.approx(549.5)
    assert found[f"{F}providers.in_deficit"].value == 1
    assert found[f"{F}providers.in_deficit"].detail == {"trusts": ["RJR"]}
    assert providers.text == (
        "The overall provider position at month 12 (March 2024) is a deficit of £2.7m against a "
        "planned deficit of £3.2m. 1 CMAST trust is reporting a deficit."
    )
    # The system adds the ICB's own return: -2,650.5 + 650.5 = -2,000 against -3,200 + 500.
    system = found[f"{F}system.ytd_surplus_deficit"]
    assert system.value == pytest.approx(-2000)
    assert found[f"{F}icb.ytd_surplus_deficit"].value == pytest.approx(650.5)
    assert system.comparators["plan"]["value"] == -2700
    assert system.text == (
        "With the ICB's own surplus of £650k, the system position at month 12 (March 2024) is "
        "a deficit of £2.0m against a planned deficit of £2.7m."
    )
    # Forecast (month 12: the outturn): providers -2,650.5 + ICB 650.5 = -2,000; plan -2,700.
    assert found[f"{F}forecast_outturn"].text == (
        "The system forecasts a deficit of £2.0m for 2023/24 against a planned deficit of £2.7m."
    )
    # Capital: (29,000 + 21,000 + 10 x 800) / (31,000 + 20,000 + 10 x 1,000) = 58,000 / 61,000.
    assert found[f"{F}capital.spend_pct_of_plan"].value == pytest.approx(100 * 58000 / 61000)
    # CIP: (8,420 + 5,000 + 10 x 900) / (9,800 + 5,000 + 10 x 1,000) = 22,420 / 24,800 (90.4%);
    # recurrent (5,100 + 2,500 + 10 x 450) / 22,420 = 12,100 / 22,420 (54.0%).
    assert found[f"{F}cip.delivery_pct"].text == (
        "CMAST trusts have delivered 90.4% of their cost improvement plan for the year to date; "
        "54.0% of the savings delivered are recurrent."
    )
    # Cash support: only COCH asked (3,000) and received 2,500.
    assert found[f"{F}cash_support.providers"].value == 1
    assert found[f"{F}cash_support.amount"].value == 2500
    assert found[f"{F}cash_support.providers"].text == (
        "1 of 12 CMAST trusts has requested revenue cash support this financial year: COCH (RJR)."
    )
    check(records, inputs)


def test_april_starts_a_new_year_with_a_missing_trust(settings):
    load_finance(settings)
    found, records, inputs = headlines(settings, "2024-04")
    providers = found[f"{F}providers.ytd_surplus_deficit"]
    # April's year to date is April alone: -500 + 120 + nine others 9 x -10 = -470 (not
    # March's -2,650.5 plus April), plan -350 + 100 = -250. RET is missing, not a zero.
    assert providers.value == pytest.approx(-470)
    assert providers.comparators["plan"]["value"] == -250
    assert providers.coverage == {"trusts_submitted": 11, "trusts_expected": 12, "missing": ["RET"]}
    # March closed the year before: no comparison with it.
    assert all("previous_period" not in r.comparators for r in records if r.id.startswith(F))
    # In deficit: COCH and the nine ordinary trusts (-10 each).
    assert found[f"{F}providers.in_deficit"].value == 10
    assert found[f"{F}providers.in_deficit"].text.startswith(
        "10 of 11 CMAST trusts report a deficit for the year to date: WUTH (RBL), MWL (RBN), "
    )
    assert providers.text == (
        "The overall provider position at month 1 (April 2024) is a deficit of £470k against a "
        "planned deficit of £250k. 10 CMAST trusts are reporting deficits. " + APRIL_COVERAGE
    )
    # System: -470 + 45 = -425 against -250 + 40 = -210. Forecast: -4,000 + 1,200 + 9 x -100
    # + 500 = -3,200 against -4,000 + 1,200 + 500 = -2,300.
    assert found[f"{F}system.ytd_surplus_deficit"].value == pytest.approx(-425)
    assert found[f"{F}system.ytd_plan"].value == pytest.approx(-210)
    assert found[f"{F}forecast_outturn"].value == pytest.approx(-3200)
    assert found[f"{F}forecast_outturn"].comparators["plan"]["value"] == -2300
    assert found[f"{F}forecast_outturn"].text.startswith(
        "The system forecasts a deficit of £3.2m for 2024/25 against a planned deficit of £2.3m."
    )
    # Capital 1,950 / 59,000 (3.3%); CIP 1,450 / 2,100 (69.0%), recurrent 925 / 1,450 (63.8%).
    assert found[f"{F}capital.spend_pct_of_plan"].value == pytest.approx(100 * 1950 / 59000)
    assert found[f"{F}cip.delivery_pct"].value == pytest.approx(100 * 1450 / 2100)
    assert found[f"{F}cip.recurrent_pct"].value == pytest.approx(100 * 925 / 1450)
    # Cash support is cumulative for the year: COCH's 2,500 of last year is gone; RWW's 300.
    assert found[f"{F}cash_support.amount"].value == 300
    assert found[f"{F}cash_support.amount"].text == (
        "£300k of revenue cash support has been advanced to CMAST trusts this financial year, "
        "to month 1 (April 2024). " + APRIL_COVERAGE
    )
    check(records, inputs)


def test_a_surplus_is_called_a_surplus(settings):
    load_finance(settings, months=("2024-03",))
    found, _, _ = headlines(settings, "2024-03", scope="REM")
    assert found[f"{F}providers.ytd_surplus_deficit"].text == (
        "LUHFT's position at month 12 (March 2024) is a surplus of £1.5m against a planned "
        "surplus of £1.0m."
    )
    assert found[f"{F}providers.in_deficit"].value == 0


def test_system_is_the_sum_of_providers_not_of_every_return(settings):
    load_finance(settings, months=("2024-03",))
    _, _, inputs = headlines(settings, "2024-03")
    values = inputs.values.query("period == '2024-03'")
    providers = values[values["id"] == f"{F}providers.ytd_surplus_deficit"]
    trusts = providers[providers["scope"] != "QYG"]
    assert len(trusts) == 12  # the ICB's own return is not a provider
    assert trusts["value"].sum() == pytest.approx(
        providers.loc[providers["scope"] == "QYG", "value"].iloc[0]
    )
    # System figures are the system's only: no trust has one.
    system_only = values[
        values["id"].str.startswith((f"{F}system.", f"{F}icb.", f"{F}forecast_outturn"))
    ]
    assert set(system_only["scope"]) == {"QYG"}


def test_checks_refuse_a_contradictory_record(settings):
    load_finance(settings, months=("2024-03",))
    _, records, inputs = headlines(settings, "2024-03")
    # The system position must be the providers' plus the ICB's own.
    wrong = [
        dataclasses.replace(r, value=700.0) if r.id == f"{F}icb.ytd_surplus_deficit" else r
        for r in records
    ]
    with pytest.raises(ConsistencyError, match="but its parts add to"):
        check(wrong, inputs)
    # A deficit written as a surplus does not quote the figure.
    wrong = [
        dataclasses.replace(r, text=r.text.replace("deficit of £2.7m", "surplus of £2.7m"))
        if r.id == f"{F}providers.ytd_surplus_deficit"
        else r
        for r in records
    ]
    with pytest.raises(ConsistencyError, match="does not quote the figure -£2.7m"):
        check(wrong, inputs)
    # A count of trusts that is not the sum of the trusts' own figures.
    wrong = [
        dataclasses.replace(r, value=2) if r.id == f"{F}providers.in_deficit" else r
        for r in records
    ]
    with pytest.raises(ConsistencyError, match="not the sum of the trusts"):
        check(wrong, inputs)

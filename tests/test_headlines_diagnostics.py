"""Diagnostics (DM01) headlines: waits, long waits against a reference month, the trust with
the most 6+ week waiters, colonoscopy, and activity against plan for the financial year to
date, all worked out by hand from small returns."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipeline.metrics.catalogue import MODALITIES, figure
from pipeline.metrics.checks import ConsistencyError, check
from schemas.dm01 import dm01_tests
from tests.headline_fixtures import TRUSTS, headlines, load, load_plans, plan

D = "diagnostics."
COVERAGE = "Figures are for 11 of 12 trusts: WCFT (RET) has not submitted for October 2023."


def dm01(org: str, period: str, rows: list[tuple]) -> pd.DataFrame:
    """A DM01 return: (test, measure, weeks waited or None, number) rows."""
    frame = pd.DataFrame(rows, columns=["test", "measure", "weeks_waited", "number"])
    frame["weeks_waited"] = frame["weeks_waited"].astype("Int64")
    frame.insert(0, "period", period)
    frame.insert(0, "org_code", org)
    return frame


def waits(test: str, weeks: dict[int, int]) -> list[tuple]:
    return [(test, "waiting", w, n) for w, n in weeks.items()]


def done(test: str, number: int, measure: str = "tests_waiting_list") -> list[tuple]:
    return [(test, measure, None, number)]


#: September 2023, the reference month, and October 2023.
RETURNS = {
    "2023-09": {
        "RJR": waits("mri", {6: 5, 13: 5}) + done("mri", 10),  # 6+: 10
        "REM": waits("ct", {8: 40}) + done("ct", 90),  # 6+: 40
        "other": waits("mri", {0: 10, 6: 1}) + done("mri", 10),  # 6+: 1
    },
    "2023-10": {
        # COCH: MRI 22 waiting: 14 under 6 weeks (10 at week 0, 4 at week 5); 8 at 6+ (3 at
        # exactly 6 weeks, so not "under 6 weeks"; 2 at 13, 1 at 26, 1 at 40, 1 at 104+).
        # Colonoscopy 20 waiting, 3 of them at 13 weeks: exactly 15%, so not "more than 15%".
        # Tests: MRI 20 + 5 + 7 = 32, colonoscopy 10.
        "RJR": (
            waits("mri", {0: 10, 5: 4, 6: 3, 13: 2, 26: 1, 40: 1, 104: 1})
            + waits("colonoscopy", {2: 17, 13: 3})
            + done("mri", 20)
            + done("mri", 5, "tests_planned")
            + done("mri", 7, "tests_unscheduled")
            + done("colonoscopy", 10)
        ),
        # LUHFT: CT 75 waiting (50 at week 0, 20 at 7, 5 at 14); colonoscopy 20, 4 at 13
        # weeks: 20%. Tests: CT 100.
        "REM": (
            waits("ct", {0: 50, 7: 20, 14: 5})
            + waits("colonoscopy", {1: 16, 13: 4})
            + done("ct", 100)
        ),
        # Nine other trusts: MRI 11 waiting, 1 at 6 weeks; 10 tests. The Walton Centre (RET)
        # sends nothing for October.
        "other": waits("mri", {0: 10, 6: 1}) + done("mri", 10),
    },
}
REFERENCE = plan("diagnostics.waiting.reference_month", "QYG", "2023-09", 0)


def load_months(settings, months=("2023-09", "2023-10"), plans=(REFERENCE,)) -> None:
    for period in months:
        for org in TRUSTS:
            if org == "RET" and period == "2023-10":
                continue
            rows = RETURNS[period].get(org, RETURNS[period]["other"])
            load(settings, dm01(org, period, rows), org, f"{org}_dm01_{period}.csv")
    if plans:
        load_plans(settings, list(plans))


def test_catalogue_modalities_are_the_reference_keys():
    assert set(MODALITIES) == set(dm01_tests()["modality"])
    for key in MODALITIES:
        assert figure(f"{D}activity.vs_plan_ytd_pct.{key}").in_contract


def test_waits_by_hand_with_a_missing_trust(settings):
    load_months(settings)
    found, records, inputs = headlines(settings, "2023-10")
    total, within = found[f"{D}waiting.total"], found[f"{D}waiting.within_6w_pct"]
    over = {n: found[f"{D}waiting.over_{n}w"] for n in (6, 13, 26, 40)}
    # October, 11 trusts (RET missing, not a zero). Waiting: COCH 22 + 20 = 42, LUHFT 75 + 20
    # = 95, nine others 9 x 11 = 99: 236. Under 6 weeks (weeks 0 to 5): COCH 10 + 4 + 17 = 31,
    # LUHFT 50 + 16 = 66, others 9 x 10 = 90: 187, 79.2%. The 3 at exactly 6 weeks are not.
    assert total.value == 236
    assert (within.numerator, within.denominator) == (187, 236)
    assert within.value == pytest.approx(100 * 187 / 236)
    # 6+: COCH MRI 3 + 2 + 1 + 1 + 1 and colonoscopy 3 = 11; LUHFT CT 20 + 5 and colonoscopy 4
    # = 29; others 9 x 1: 49 (= 236 - 187). 13+: COCH 2 + 1 + 1 + 1 + 3 = 8, LUHFT 5 + 4 = 9:
    # 17. 26+: COCH 1 + 1 + 1 = 3. 40+: COCH 1 + 1 = 2.
    assert {n: r.value for n, r in over.items()} == {6: 49, 13: 17, 26: 3, 40: 2}
    assert all(r.denominator == 236 for r in over.values())
    # September, the reference month, all 12 trusts: waiting 10 + 40 + 10 x 11 = 160; under
    # 6 weeks 10 x 10 = 100 (62.5%); 6+ 10 + 40 + 10 x 1 = 60; 13+ COCH's 5; 26+ and 40+ none.
    assert [over[n].comparators["reference"] for n in (6, 13, 26, 40)] == [
        {"period": "2023-09", "value": v} for v in (60, 5, 0, 0)
    ]
    assert total.coverage == {"trusts_submitted": 11, "trusts_expected": 12, "missing": ["RET"]}
    assert "RET" not in set(inputs.values.query("period == '2023-10'")["scope"])
    assert total.text == (
        "At the end of October 2023, 236 patients were waiting for a "
        "diagnostic test, compared with 160 at the end of September 2023. " + COVERAGE
    )
    assert within.text == (
        "79.2% of patients waiting for a diagnostic test had waited under 6 "
        "weeks (187 of 236), compared with 62.5% in September 2023. " + COVERAGE
    )
    # 49 / 236 = 20.8%, which with the 79.2% under 6 weeks makes 100%.
    assert over[6].text == (
        "49 patients had waited 6 weeks or more (20.8% of those waiting), "
        "compared with 60 in September 2023. " + COVERAGE
    )
    # Tests: COCH 32 + 10, LUHFT 100, others 9 x 10: 232; September 10 + 90 + 10 x 10 = 200.
    assert found[f"{D}activity.total"].text == (
        "CMAST trusts delivered 232 diagnostic tests in October 2023, compared with 200 in "
        "September 2023. " + COVERAGE
    )
    check(records, inputs)


def test_trust_with_most_long_waiters_and_colonoscopy(settings):
    load_months(settings)
    found, records, inputs = headlines(settings, "2023-10")
    largest = found[f"{D}waiting.largest_over_6w"]
    # LUHFT has 29 of the 49 waiting 6+ weeks, 29 of its own 95 (30.5%); in September 40.
    assert (largest.value, largest.numerator, largest.denominator) == (29, 29, 95)
    assert largest.detail == {
        "trust": "REM",
        "over_6w": 29,
        "waiting": 95,
        "pct": pytest.approx(100 * 29 / 95),
        "reference": {"period": "2023-09", "value": 40},
        "change": -11,
    }
    assert largest.text == (
        "LUHFT (REM) has the most patients waiting 6 weeks or more: 29, "
        "30.5% of its 95 waiting; 11 fewer than in September 2023. " + COVERAGE
    )
    # Colonoscopy 13+: LUHFT 4 of 20 = 20%, over 15%; COCH 3 of 20 = exactly 15%, not over.
    colonoscopy = found[f"{D}colonoscopy.trusts_over_15pct_13w"]
    assert colonoscopy.value == 1
    assert colonoscopy.detail == {
        "trusts": [{"trust": "REM", "pct": 20.0, "over_13w": 4, "waiting": 20}]
    }
    assert colonoscopy.text == (
        "1 of 11 trusts has more than 15% of its colonoscopy patients "
        "waiting 13 weeks or more: LUHFT (REM) 20.0%. " + COVERAGE
    )
    share = found[f"{D}colonoscopy.over_13w_pct"]
    assert (share.numerator, share.denominator) == (7, 40)  # 17.5% across the system
    by_trust = inputs.values.query("id == @colonoscopy.id and period == '2023-10'")
    assert dict(zip(by_trust["scope"], by_trust["value"], strict=True))["RJR"] == 0
    check(records, inputs)


def test_without_a_reference_month_long_waits_compare_with_the_month_before(settings):
    load_months(settings, plans=())
    found, records, inputs = headlines(settings, "2023-10")
    over_13w = found[f"{D}waiting.over_13w"]
    assert "reference" not in over_13w.comparators
    assert over_13w.comparators["previous_period"] == {"period": "2023-09", "value": 5}
    assert "change" not in found[f"{D}waiting.largest_over_6w"].detail
    check(records, inputs)


#: COCH's tests done: February and March 2024 (financial year 2023/24), April 2024 (2024/25).
ACTIVITY = {
    "2024-02": done("mri", 20)
    + done("mri", 5, "tests_planned")
    + done("mri", 7, "tests_unscheduled")
    + done("ct", 30),  # MRI 32, CT 30
    "2024-03": done("mri", 40) + done("ct", 25),  # MRI 40, CT 25, no echocardiography row
    "2024-04": done("mri", 50) + done("ct", 10),  # MRI 50, CT 10
}
ACTIVITY_PLANS = {
    "2023-24": [
        ("mri", "2024-01", 100),  # January: COCH sent no return, so not compared
        ("mri", "2024-02", 30),
        ("ct", "2024-02", 25),
        ("mri", "2024-03", 40),
        ("ct", "2024-03", 30),
        ("echocardiography", "2024-03", 10),
    ],
    "2024-25": [("mri", "2024-04", 40), ("ct", "2024-04", 20)],
}


def load_activity(settings) -> None:
    for period, rows in ACTIVITY.items():
        load(
            settings,
            dm01("RJR", period, waits("mri", {0: 5}) + rows),
            "RJR",
            f"RJR_dm01_{period}.csv",
        )
    for year, rows in ACTIVITY_PLANS.items():
        load_plans(
            settings,
            [plan(f"{D}activity.{test}", "RJR", month, value) for test, month, value in rows],
            year,
        )


def vs_plan(found, test: str = "") -> tuple:
    record = found[f"{D}activity.vs_plan_ytd_pct" + (f".{test}" if test else "")]
    return record.numerator, record.denominator


def test_activity_against_plan_year_to_date_across_months_and_years(settings):
    load_activity(settings)
    february, _, _ = headlines(settings, "2024-02", scope="RJR")
    march, records, inputs = headlines(settings, "2024-03", scope="RJR")
    april, april_records, _ = headlines(settings, "2024-04", scope="RJR")
    # February: MRI 32 vs 30 (+6.7%), CT 30 vs 25 (+20.0%), all 62 vs 55 (+12.7%).
    assert [vs_plan(february, t) for t in ("mri", "ct", "")] == [(2, 30), (5, 25), (7, 55)]
    # March, year to date (February and March; January has a plan but no return): MRI 72 vs
    # 70 (+2.9%), CT 55 vs 55 (0.0%), echocardiography 0 done (no row) vs 10 (-100%), all
    # 127 vs 135 (-5.9%).
    assert [vs_plan(march, t) for t in ("mri", "ct", "echocardiography", "")] == [
        (2, 70),
        (0, 55),
        (-10, 10),
        (-8, 135),
    ]
    assert march[f"{D}activity.vs_plan_ytd_pct"].value == pytest.approx(-800 / 135)
    assert march[f"{D}activity.vs_plan_ytd_pct"].comparators["previous_period"] == {
        "period": "2024-02",
        "value": pytest.approx(700 / 55),
    }
    assert march[f"{D}activity.vs_plan_ytd_pct"].text == (
        "Diagnostic activity at COCH is 5.9% below plan for the year to date (April 2023 to "
        "March 2024): 127 tests against 135 planned."
    )
    assert march[f"{D}activity.vs_plan_ytd_pct.mri"].text == (
        "MRI activity at COCH is 2.9% above plan for the year to date (April 2023 to March "
        "2024): 72 tests against 70 planned."
    )
    # April starts a new year: MRI 50 vs 40 (+25.0%), CT 10 vs 20 (-50.0%), all 60 vs 60.
    assert [vs_plan(april, t) for t in ("mri", "ct", "")] == [(10, 40), (-10, 20), (0, 60)]
    assert f"{D}activity.vs_plan_ytd_pct.echocardiography" not in april
    assert "previous_period" not in april[f"{D}activity.vs_plan_ytd_pct"].comparators
    assert april[f"{D}activity.vs_plan_ytd_pct.ct"].text == (
        "CT activity at COCH is 50.0% below plan for the year to date (April 2024): 10 tests "
        "against 20 planned."
    )
    # The year-to-date figure rests on each month's return and on the year's plans file.
    rests_on = {
        (p["return_type"], p["period"]) for p in march[f"{D}activity.vs_plan_ytd_pct"].provenance
    }
    assert rests_on == {("dm01", "2024-02"), ("dm01", "2024-03"), ("plans", "2023-24")}
    check(records, inputs)
    check(april_records, inputs)


def test_system_activity_against_plan_adds_the_trusts(settings):
    load_activity(settings)
    load(
        settings,
        dm01("REM", "2024-03", waits("ct", {0: 5}) + done("ct", 33)),
        "REM",
        "REM_dm01_2024-03.csv",
    )
    found, records, inputs = headlines(settings, "2024-03")
    # LUHFT has no plan, so it is not in the comparison; COCH's -8 of 135 is the system's.
    assert vs_plan(found) == (-8, 135)
    assert found[f"{D}activity.total"].value == 65 + 33
    check(records, inputs)


def test_checks_refuse_a_contradictory_record(settings):
    load_months(settings)
    found, records, inputs = headlines(settings, "2023-10")
    # A system count that is not the sum of its trusts.
    wrong = [
        dataclasses.replace(r, value=50) if r.id == f"{D}waiting.over_6w" else r for r in records
    ]
    with pytest.raises(ConsistencyError, match="not the sum of the trusts"):
        check(wrong, inputs)
    # A percentage its counts do not give.
    wrong = [
        dataclasses.replace(r, numerator=188) if r.id == f"{D}waiting.within_6w_pct" else r
        for r in records
    ]
    with pytest.raises(ConsistencyError, match="188 / 236"):
        check(wrong, inputs)

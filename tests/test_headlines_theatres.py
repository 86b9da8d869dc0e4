"""Theatre utilisation headlines: minutes worked out by hand, from sessions loaded as returns
through the marts to the records, their sentence and the consistency checks."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from pipeline.metrics.checks import ConsistencyError, check
from pipeline.reference_data import sites_frame
from tests.headline_fixtures import TRUSTS, headlines, load, load_plans, plan
from tests.rows import session, theatre_rows

CAPPED, UNCAPPED = "theatres.utilisation.capped_pct", "theatres.utilisation.uncapped_pct"
TARGET_85_CAPPED = plan(CAPPED, "QYG", "2024-03", 85, "target", "2024-03-31", "capped")


def one_session(settings, org: str) -> pd.DataFrame:
    """One AM list planned 08:00-12:00 (240 min), held 08:30-11:30: 180 min capped and
    uncapped (it started late and finished early, so nothing is cut off)."""
    site = sites_frame(settings).query("org_code == @org")["site_code"].iloc[0]
    row = session(start="08:00", end="12:00", actual_start="08:30", actual_end="11:30")
    return pd.DataFrame([{**row, "org_code": org, "site_code": site}])


def load_october(settings, plans: list[dict] | None = None) -> None:
    """COCH (RJR) sends the three sessions of tests/test_theatres.py: 720 planned minutes
    (the cancelled PM list's 240 included), 665 touch minutes uncapped (AM 275: started 15 min
    early and overran 20 min; EVE 390: 18:10 to 00:40), 470 capped (AM 240 + EVE 230). Ten
    other trusts send one 240-minute list with 180 minutes of touch time. The Walton Centre
    (RET) sends nothing."""
    load(settings, theatre_rows(), "RJR", "RJR_theatres_2023-10.csv")
    for org in TRUSTS:
        if org not in ("RJR", "RET"):
            load(settings, one_session(settings, org), org, f"{org}_theatres_2023-10.csv")
    if plans:
        load_plans(settings, plans)


def test_system_utilisation_by_hand_with_a_missing_trust(settings):
    load_october(settings, [TARGET_85_CAPPED])
    found, records, inputs = headlines(settings, "2023-10")
    capped, uncapped = found[CAPPED], found[UNCAPPED]
    # Planned 720 + 10 x 240 = 3,120 minutes; uncapped touch 665 + 10 x 180 = 2,465 (79.0%);
    # capped 470 + 10 x 180 = 2,270 (72.8%). RET is missing, not a zero.
    assert (uncapped.numerator, uncapped.denominator) == (2465, 3120)
    assert (capped.numerator, capped.denominator) == (2270, 3120)
    assert uncapped.value == pytest.approx(100 * 2465 / 3120)
    assert capped.value == pytest.approx(100 * 2270 / 3120)
    assert uncapped.coverage == {"trusts_submitted": 11, "trusts_expected": 12, "missing": ["RET"]}
    assert capped.comparators["target"] == {
        "value": 85,
        "deadline": "2024-03-31",
        "parameter": "capped",
    }
    assert uncapped.text == (
        "We reported 79.0% uncapped and 72.8% capped utilisation in October 2023, against the "
        "85% capped target. Figures are for 11 of 12 trusts: WCFT (RET) has not submitted for "
        "October 2023."
    )
    assert capped.text == ""  # quoted in the uncapped figure's sentence, not twice
    assert all(r.provenance for r in (capped, uncapped))
    check(records, inputs)


def test_one_trust_early_start_overrun_and_cancelled_list(settings):
    load_october(settings, [TARGET_85_CAPPED])
    found, records, inputs = headlines(settings, "2023-10", scope="RJR")
    # 665 / 720 = 92.4% uncapped; 470 / 720 = 65.3% capped: the cancelled list's 240 planned
    # minutes stay in the denominator with no touch time.
    assert (found[UNCAPPED].numerator, found[UNCAPPED].denominator) == (665, 720)
    assert (found[CAPPED].numerator, found[CAPPED].denominator) == (470, 720)
    # The target row is the system's (scope QYG), so a trust's sentence has no target clause.
    assert found[UNCAPPED].text == (
        "COCH reported 92.4% uncapped and 65.3% capped utilisation in October 2023."
    )
    assert [p["org"] for p in found[UNCAPPED].provenance] == ["RJR"]
    check(records, inputs)


def test_measure_of_the_target_comes_from_the_plans_file(settings):
    load(settings, theatre_rows(), "RJR", "RJR_theatres_2023-10.csv")
    load_plans(settings, [plan(UNCAPPED, "QYG", "2024-03", 85, "target", "2024-03-31", "uncapped")])
    found, _, _ = headlines(settings, "2023-10")
    assert found[UNCAPPED].text.startswith(
        "We reported 92.4% uncapped and 65.3% capped utilisation in October 2023, against the "
        "85% uncapped target. Figures are for 1 of 12 trusts: "
    )


def test_no_target_row_no_target_clause(settings):
    load(settings, theatre_rows(), "RJR", "RJR_theatres_2023-10.csv")
    found, _, _ = headlines(settings, "2023-10")
    assert found[UNCAPPED].text.startswith(
        "We reported 92.4% uncapped and 65.3% capped utilisation in October 2023. Figures are"
    )
    assert "target" not in found[UNCAPPED].comparators


def test_checks_refuse_a_contradictory_record(settings):
    load_october(settings, [TARGET_85_CAPPED])
    found, records, inputs = headlines(settings, "2023-10")
    # A capped figure that its own minutes do not give: 2,270 / 3,120 is 72.8%, not 75%.
    wrong = [dataclasses.replace(r, value=75.0) if r.id == CAPPED else r for r in records]
    with pytest.raises(ConsistencyError, match="theatres.utilisation.capped_pct"):
        check(wrong, inputs)
    # A sentence quoting another figure than its record's.
    misquoted = [
        dataclasses.replace(r, text=r.text.replace("79.0%", "97.0%")) if r.id == UNCAPPED else r
        for r in records
    ]
    with pytest.raises(ConsistencyError, match="does not quote the figure 79.0%"):
        check(misquoted, inputs)

"""The cohort cleared between two snapshots for every waiting-list target, worked out by hand.

Plans: 2022-23 sets 104 and 78 weeks by 31 March 2023; 2023-24 sets 65 weeks by 31 March 2024.
Countess of Chester (RJR) sends aggregate returns (all TFC 110); a row of W whole weeks at
snapshot S is in the cohort of N weeks by target date T when W >= N - (T - S) / 7 weeks:

    S1 Sunday 6 November 2022 (T - S = 145 days): 104 needs W >= 84, 78 needs W >= 58
        admitted 90 weeks x 9 (in both), non-admitted 60 x 40 (78 only), 10 x 200 (neither)
        -> 104-week cohort 9, 78-week cohort 49
    S2 Sunday 26 March 2023 (5 days): 104 needs W >= 104, 78 needs W >= 78
        non-admitted 80 x 5 (78 only), 30 x 150 -> 104-week cohort 0, 78-week cohort 5
    S3 Sunday 2 April 2023, the first of 2023/24 (T = 31 March 2024, 364 days): 65 needs W >= 13
        non-admitted 30 x 150, 81 x 5 (in), admitted 5 x 70 (out) -> 65-week cohort 155
    S4 Sunday 29 October 2023 (154 days): 65 needs W >= 43
        non-admitted 60 x 100 (in), admitted 20 x 80 (out) -> 65-week cohort 100; nobody at 104

October 2023: the 104- and 78-week targets started at S1 (the first snapshot on or after
1 April 2022) and ended at S2 (the last on or before 31 March 2023): 9 - 0 = 9 cleared (the
104-week wait eliminated) and 49 - 5 = 44; the 65-week target runs from S3 to S4: 155 - 100 =
55, the same as rtt.cohort.cleared_since for the active target.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.config import Settings, load_settings
from pipeline.ingest import process_file
from pipeline.metrics.headlines import build_headlines, load_inputs
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from tests.conftest import drop_csv
from tests.rows import aggregate, plans

SNAPSHOTS = {
    "2022-11-06": [("admitted", 90, 9), ("non_admitted", 60, 40), ("non_admitted", 10, 200)],
    "2023-03-26": [("non_admitted", 80, 5), ("non_admitted", 30, 150)],
    "2023-04-02": [("non_admitted", 30, 150), ("non_admitted", 81, 5), ("admitted", 5, 70)],
    "2023-10-29": [("non_admitted", 60, 100), ("admitted", 20, 80)],
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Settings:
    current = load_settings(tmp_path_factory.mktemp("cleared") / "data")
    current = Settings(**{**current.__dict__, "settle_seconds": 0.0})
    current.ensure_dirs()
    files = [
        (plans("2023-24", [("65", "2024-03-31")]), "QYG", "plans_2023-24.csv"),
        (
            plans("2022-23", [("104", "2023-03-31"), ("78", "2023-03-31")]),
            "QYG",
            "plans_2022-23.csv",
        ),
    ]
    files += [
        (aggregate("RJR", day, rows), "RJR", f"rjr_{day}.csv") for day, rows in SNAPSHOTS.items()
    ]
    for frame, org, name in files:
        outcome = process_file(
            drop_csv(current, frame, org=org, name=name), current, today=dt.date(2023, 11, 20)
        )
        assert outcome.status == "loaded", (name, [p.as_line() for p in outcome.problems])
    with connect(current) as conn:
        build_marts(conn, current)
    return current


def month(settings: Settings, period: str):
    with connect(settings) as conn:
        inputs = load_inputs(conn)
    return {r.id: r for r in build_headlines(inputs, period)}


def test_earlier_targets_cleared_by_their_deadline(loaded):
    found = month(loaded, "2023-10")
    over_104 = found["rtt.cohort.cleared_since.104w"]
    assert over_104.value == 9
    assert {
        k: over_104.detail[k]
        for k in ("start", "end", "target_date", "cohort_at_start", "cohort_at_end")
    } == {
        "start": "2022-11-06",
        "end": "2023-03-26",
        "target_date": "2023-03-31",
        "cohort_at_start": 9,
        "cohort_at_end": 0,
    }
    assert over_104.detail["none_over_104w"] is True
    assert over_104.text.startswith(
        "Between 6 November 2022 and 26 March 2023 CMAST trusts eliminated the 104-week wait "
        "(the cohort to wait 104 weeks by 31 March 2023) for 9 people: from 9 to 0. "
        "No patient is waiting over 104 weeks at 29 October 2023."
    )
    over_78 = found["rtt.cohort.cleared_since.78w"]
    assert (over_78.value, over_78.detail["cohort_at_start"], over_78.detail["cohort_at_end"]) == (
        44,
        49,
        5,
    )
    assert over_78.text.startswith(
        "Between 6 November 2022 and 26 March 2023 CMAST trusts reduced the 78-week wait (the "
        "cohort to wait 78 weeks by 31 March 2023) for 44 people: from 49 to 5."
    )
    # Both rest on the two snapshots compared.
    assert {p["period"] for p in over_78.provenance} >= {"2022-11-06", "2023-03-26"}


def test_the_active_target_agrees_with_its_own_figure(loaded):
    found = month(loaded, "2023-10")
    assert found["rtt.cohort.cleared_since.65w"].value == 55
    assert found["rtt.cohort.cleared_since"].value == 55
    assert found["rtt.cohort.cleared_since.65w"].detail["start"] == "2023-04-02"


def test_before_the_deadline_the_month_is_the_end(loaded):
    found = month(loaded, "2023-03")
    assert found["rtt.cohort.cleared_since.78w"].value == 44
    assert found["rtt.cohort.cleared_since.78w"].detail["end"] == "2023-03-26"
    assert "rtt.cohort.cleared_since.65w" not in found  # its plan year has not begun

"""Elective care headline figures, worked out by hand from small returns.

Three trusts send waiting-list returns for the Sundays 17 September (week k = 0) to
29 October 2023 (k = 6); Countess of Chester (RJR) also sends 5 November (k = 7) and
26 March 2023. Target (plans file 2023-24): the 65-week cohort cleared by 31 March 2024, so a
pathway is in the cohort when its clock started on or before 31 March 2024 - 65 x 7 days =
1 January 2023 (a Sunday). At snapshot k the target is 28 - k weeks away, so an aggregate row
of W whole weeks is in the cohort when W >= 65 - (28 - k) = 37 + k.

RJR (aggregate; group: type, weeks at k, pathways at k):
    A admitted      50 + k  60 - 6k   in the cohort
    B non-admitted  30 + k  40        out (58 weeks at the target date)
    C non-admitted  37 + k  20 - 2k   in: exactly 65 weeks at the target date
    D admitted      36 + k  10        out: 64 weeks at the target date
    E non-admitted  2       100       out
    F non-admitted  72 + k  5         in
    G admitted      104     3         in (104 = 104 or more)
  cohort at k = (60 - 6k) + (20 - 2k) + 5 + 3 = 88 - 8k: 88 at k0, 72 at k2, 40 at k6
  (admitted 24 + 3 = 27, non-admitted 8 + 5 = 13 at k6).
REM (patient-level PTL; clock start, type):
    EDGE_IN   1 Jan 2023, admitted: exactly 65 weeks on 31 March 2024: in the cohort
    EDGE_OUT  2 Jan 2023, non-admitted: a day short of 65 weeks then: out
    P52       30 Oct 2022, admitted: exactly 52 weeks at 29 October 2023; in the cohort
    P51       31 Oct 2022, non-admitted: 51 weeks 6 days at 29 October 2023; in
    OLD x60   1 Jun 2022, non-admitted (73 weeks at 29 October); one treated a week: 60 - k
    NEW x5    1 Sep 2023, non-admitted (8 weeks at 29 October)
  cohort at k = 3 + 60 - k = 63 - k: 63 at k0, 61 at k2, 57 at k6 (admitted 2, non 55).
RBL (aggregate): non-admitted 10 at 70 + k weeks (in) and 20 at 5 weeks, k0 to k5 only:
  it misses 29 October, so October's system figures leave it out and name it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeline.config import Settings, load_settings
from pipeline.ingest import process_file
from pipeline.metrics.checks import check
from pipeline.metrics.headlines import build_headlines, load_inputs
from pipeline.metrics.record import Headline
from pipeline.metrics.sections.elective_sentences import cleared_since, remaining, weeks_to_clear
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from tests.conftest import drop_csv
from tests.rows import aggregate, plans

FIRST = dt.date(2023, 9, 17)  # k = 0
TARGET = dt.date(2024, 3, 31)


def snapshot(k: int) -> str:
    return (FIRST + dt.timedelta(weeks=k)).isoformat()


def rjr_rows(k: int) -> pd.DataFrame:
    return aggregate(
        "RJR",
        snapshot(k),
        [
            ("admitted", 50 + k, 60 - 6 * k),
            ("non_admitted", 30 + k, 40),
            ("non_admitted", 37 + k, 20 - 2 * k),
            ("admitted", 36 + k, 10),
            ("non_admitted", 2, 100),
            ("non_admitted", 72 + k, 5),
            ("admitted", 104, 3),
        ],
    )


def rbl_rows(k: int) -> pd.DataFrame:
    return aggregate("RBL", snapshot(k), [("non_admitted", 70 + k, 10), ("non_admitted", 5, 20)])


def rem_rows(k: int) -> pd.DataFrame:
    """REM's PTL at snapshot k: the pathways of the module docstring still waiting then."""
    pathways = [
        ("EDGEIN", "2023-01-01", "admitted"),
        ("EDGEOUT", "2023-01-02", "non_admitted"),
        ("P52", "2022-10-30", "admitted"),
        ("P51", "2022-10-31", "non_admitted"),
    ]
    pathways += [(f"OLD{i:02d}", "2022-06-01", "non_admitted") for i in range(k, 60)]
    pathways += [(f"NEW{i}", "2023-09-01", "non_admitted") for i in range(5)]
    return pd.DataFrame(
        {
            "org_code": "REM",
            "period": snapshot(k),
            "pathway_id": [p[0] for p in pathways],
            "clock_start_date": [p[1] for p in pathways],
            "treatment_function_code": "110",
            "pathway_type": [p[2] for p in pathways],
            "priority": "",
        }
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Settings:
    """Every file above loaded once for the module, and the marts built."""
    current = load_settings(tmp_path_factory.mktemp("rtt") / "data")
    current = Settings(**{**current.__dict__, "settle_seconds": 0.0})
    current.ensure_dirs()
    files = [
        (plans("2023-24", [("65", "2024-03-31")]), "QYG", "plans_2023-24.csv"),
        # Two targets by one date: the 78-week one, whose cohort holds the 104-week one's.
        (
            plans("2022-23", [("104", "2023-03-31"), ("78", "2023-03-31")]),
            "QYG",
            "plans_2022-23.csv",
        ),
        # 26 March 2023, five days before the 78-week target date (see test_tied_targets).
        (
            aggregate(
                "RJR",
                "2023-03-26",
                [
                    ("non_admitted", 78, 4),
                    ("admitted", 77, 6),
                    ("admitted", 104, 1),
                    ("non_admitted", 10, 20),
                ],
            ),
            "RJR",
            "rjr_2023-03-26.csv",
        ),
    ]
    for k in range(8):
        files.append((rjr_rows(k), "RJR", f"rjr_{snapshot(k)}.csv"))
    for k in range(7):
        files.append((rem_rows(k), "REM", f"rem_ptl_{snapshot(k)}.csv"))
    for k in range(6):
        files.append((rbl_rows(k), "RBL", f"rbl_{snapshot(k)}.csv"))
    for frame, org, name in files:
        outcome = process_file(
            drop_csv(current, frame, org=org, name=name), current, today=dt.date(2023, 11, 20)
        )
        assert outcome.status == "loaded", (name, [p.as_line() for p in outcome.problems])
    with connect(current) as conn:
        build_marts(conn, current)
    return current


def headlines(settings: Settings, period: str, scope: str | None = None):
    with connect(settings) as conn:
        inputs = load_inputs(conn)
    records = build_headlines(inputs, period, scope)
    return {r.id: r for r in records if r.id.startswith("rtt.")}, records, inputs


def test_cohort_edges_for_both_forms(loaded):
    with connect(loaded) as conn:
        rows = dict(
            conn.execute("""
            SELECT scope, cohort FROM marts.rtt_cohort_weekly
            WHERE snapshot_date = DATE '2023-10-29' AND threshold_weeks = 65""").fetchall()
        )
    # REM: 57 = EDGE_IN, P52, P51 and 54 OLD; EDGE_OUT, a day short, would make it 58.
    # RJR: 40 = A 24 + C 8 (43 weeks now: exactly 65 on the target date) + F 5 + G 3; D (42
    # weeks now, 64 then) would make it 50.
    assert rows == {"REM": 57, "RJR": 40}


def test_october_figures_at_the_last_snapshot_of_the_month(loaded):
    found, _, _ = headlines(loaded, "2023-10")
    # 29 October, not 5 November (RJR's, after the month's end) nor RBL's 22 October.
    assert {
        r.detail["as_of"]
        for r in found.values()
        if r.id != "rtt.cohort.at_start" and r.id != "rtt.cohort.remaining_prior"
    } == {"2023-10-29"}
    values = {id_: r.value for id_, r in found.items()}
    assert values == pytest.approx(
        {
            "rtt.waiting_list.total": 190 + 63,  # RJR 24+40+8+10+100+5+3, REM 4+54+5
            "rtt.waits_over.52w": 32 + 55,  # RJR A, F, G; REM P52 (exactly 52 weeks) and OLD
            "rtt.waits_over.65w": 8 + 54,  # RJR F, G; REM OLD (73 weeks)
            "rtt.waits_over.78w": 8,  # RJR F (exactly 78 weeks) and G
            "rtt.waits_over.104w": 3,
            "rtt.within_18w_pct": 100 * (100 + 5) / 253,  # RJR E, REM NEW
            "rtt.cohort.remaining": 40 + 57,
            "rtt.cohort.remaining.admitted": 27 + 2,
            "rtt.cohort.remaining.non_admitted": 13 + 55,
            "rtt.cohort.remaining_prior": 72 + 61,  # 1 October (k2), RBL left out like now
            "rtt.cohort.clearance_rate_6w": ((88 + 63) - 97) / 6,  # from 17 September: 9.0
            "rtt.cohort.required_rate": 97 / 22,  # 22 whole weeks to 31 March 2024
            "rtt.cohort.weeks_to_clear": 97 / 9,  # 10.8 weeks
            "rtt.cohort.cleared_since": 151 - 97,  # since 17 September, the year's first snapshot
            "rtt.cohort.at_start": 151,
            # The same, as the figure for every target gives it for 65 weeks (the 2022/23 targets
            # have no snapshot in their plan year before their date but 26 March: nothing cleared).
            "rtt.cohort.cleared_since.65w": 151 - 97,
        }
    )
    assert found["rtt.cohort.remaining_prior"].detail["as_of"] == "2023-10-01"
    assert found["rtt.cohort.at_start"].detail["as_of"] == "2023-09-17"
    weeks = found["rtt.cohort.weeks_to_clear"].detail
    assert (weeks["weeks_left"], weeks["on_track"]) == (22, True)  # 10.8 <= 22
    assert found["rtt.cohort.remaining"].comparators["target"] == {
        "value": 0,
        "deadline": "2024-03-31",
        "parameter": "65",
    }


def test_a_missing_trust_is_named_and_left_out_not_counted_as_zero(loaded):
    found, _, _ = headlines(loaded, "2023-10")
    for id_ in (
        "rtt.waiting_list.total",
        "rtt.cohort.remaining",
        "rtt.cohort.remaining_prior",
        "rtt.cohort.clearance_rate_6w",
    ):
        coverage = found[id_].coverage
        assert coverage["trusts_submitted"] == 2 and coverage["trusts_expected"] == 12
        assert "RBL" in coverage["missing"] and "REM" not in coverage["missing"]
    assert "Figures are for 2 of 12 trusts: WUTH (RBL), " in found["rtt.cohort.remaining"].text
    # In September (24 September, k1) RBL did submit: RJR 230 + REM 68 + RBL 30.
    september, _, _ = headlines(loaded, "2023-09")
    assert september["rtt.waiting_list.total"].value == 328
    assert "RBL" not in september["rtt.waiting_list.total"].coverage["missing"]


def test_a_trust_whose_rate_is_too_slow_is_not_on_track(loaded):
    found, _, _ = headlines(loaded, "2023-10", scope="REM")
    # REM: 63 on 17 September, 57 now: 1.0 a week, 57 weeks to clear with 22 left.
    assert found["rtt.cohort.clearance_rate_6w"].value == 1.0
    weeks = found["rtt.cohort.weeks_to_clear"]
    assert weeks.value == 57.0 and weeks.detail["on_track"] is False
    assert weeks.text == (
        "At LUHFT's 6 week average clearance rate the 65-week wait cohort "
        "would be cleared in 57.0 weeks, with 22 weeks left: not on track."
    )


def test_october_sentences(loaded):
    found, _, _ = headlines(loaded, "2023-10")
    assert found["rtt.cohort.remaining"].text.startswith(
        "We now have 97 patients to clear by the end of March 2024 to achieve our 65 week wait "
        "target: 29 of these are waiting for inpatient care and 68 for an outpatient "
        "appointment. This time last month we had 133 to clear. Our 6 week average clearance "
        "rate is 9 per week. Figures are for 2 of 12 trusts:"
    )  # 54 in 6 weeks: whole people
    texts = {id_: r.text.split(" Figures are for")[0] for id_, r in found.items()}
    assert texts == {
        "rtt.waiting_list.total": "There were 253 patients on the waiting list at 29 October "
        "2023, compared with 328 at 24 September 2023.",
        "rtt.waits_over.104w": "3 patients had waited more than 104 weeks at 29 October 2023, "
        "compared with 3 at 24 September 2023.",
        "rtt.waits_over.78w": "8 patients had waited more than 78 weeks at 29 October 2023, "
        "compared with 3 at 24 September 2023.",
        "rtt.waits_over.65w": "62 patients had waited more than 65 weeks at 29 October 2023, "
        "compared with 77 at 24 September 2023.",
        "rtt.waits_over.52w": "87 patients had waited more than 52 weeks at 29 October 2023, "
        "compared with 77 at 24 September 2023.",
        "rtt.within_18w_pct": "41.5% of patients on the waiting list had waited under 18 weeks "
        "at 29 October 2023 (105 of 253), compared with 38.1% at "
        "24 September 2023.",
        "rtt.cohort.remaining": texts["rtt.cohort.remaining"],
        # Quoted in the cohort's sentence, so no sentence of their own.
        "rtt.cohort.remaining.admitted": "",
        "rtt.cohort.remaining.non_admitted": "",
        "rtt.cohort.remaining_prior": "",
        "rtt.cohort.clearance_rate_6w": "",
        "rtt.cohort.at_start": "",
        "rtt.cohort.required_rate": "To clear the 65-week wait cohort by 31 March 2024, 4 "
        "patients a week need to be treated: 97 over the 22 whole "
        "weeks left.",
        "rtt.cohort.weeks_to_clear": "At our 6 week average clearance rate the 65-week wait "
        "cohort would be cleared in 10.8 weeks, with 22 weeks "
        "left: on track.",
        "rtt.cohort.cleared_since": "Since 17 September 2023 we have reduced the 65-week wait "
        "cohort by 54 people, from 151 to 97.",
        "rtt.cohort.cleared_since.65w": "Between 17 September 2023 and 29 October 2023 CMAST "
        "trusts reduced the 65-week wait (the cohort to wait "
        "65 weeks by 31 March 2024) for 54 people: from 151 to "
        "97.",
    }


def test_the_figures_agree_with_each_other(loaded):
    _, records, inputs = headlines(loaded, "2023-10")
    check(records, inputs)  # raises on any disagreement
    _, records, inputs = headlines(loaded, "2023-09")
    check(records, inputs)


def test_provenance_covers_every_snapshot_compared(loaded):
    found, _, _ = headlines(loaded, "2023-10")
    periods = {p["period"] for p in found["rtt.cohort.clearance_rate_6w"].provenance}
    assert periods == {"2023-10-29", "2023-09-17"}
    assert {p["period"] for p in found["rtt.cohort.remaining_prior"].provenance} == {"2023-10-01"}
    kinds = {p["return_type"] for p in found["rtt.cohort.remaining"].provenance}
    assert kinds == {"rtt_aggregate", "rtt_ptl"}  # RJR's aggregate and REM's PTL


def test_tied_targets_use_the_lower_threshold(loaded):
    found, _, _ = headlines(loaded, "2023-03")
    # 26 March 2023 is five days before 31 March: an aggregate row is placed at snapshot - 7W,
    # so it reaches 78 weeks by then when W >= 78: the 4 at 78 and the 1 at 104.
    remaining = found["rtt.cohort.remaining"]
    assert remaining.value == 5 and remaining.detail["threshold_weeks"] == 78
    # Its parts (1 and 4 patients) would be suppressed in published outputs: not quoted.
    assert remaining.text.startswith(
        "We now have 5 patients to clear by the end of March 2023 "
        "to achieve our 78 week wait target. Figures are for"
    )
    assert found["rtt.cohort.required_rate"].value is None  # no whole week left


# Sentences from hand-built records ---------------------------------------------------------


def record(id_: str, value, scope: str = "QYG", unit: str = "count", **detail) -> Headline:
    return Headline(
        id=id_,
        period="2023-10",
        scope=scope,
        value=value,
        unit=unit,
        source="trust_returns",
        section="elective",
        detail={"threshold_weeks": 65, "target_date": "2024-03-31", **detail},
    )


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (39_712, "by nearly 40,000 people (39,712), from 52,000 to 12,288."),  # 0.7% under
        (40_000, "by 40,000 people, from 52,000 to 12,000."),  # round: no approximate phrase
    ],
)
def test_cleared_since_says_nearly_only_where_true(value, phrase):
    cleared = record("rtt.cohort.cleared_since", value, start="2023-04-02", cohort_at_start=52_000)
    text = cleared_since(cleared, {}, {})
    assert text == f"Since 2 April 2023 we have reduced the 65-week wait cohort {phrase}"


def test_a_growing_cohort_is_not_called_a_reduction():
    grown = record("rtt.cohort.cleared_since", -120, start="2023-04-02", cohort_at_start=6_000)
    assert cleared_since(grown, {}, {}) == (
        "Since 2 April 2023 the 65-week wait cohort has "
        "grown by 120 (-120 cleared), from 6,000 to 6,120."
    )


def test_a_cohort_that_is_not_falling_is_not_on_track():
    weeks = record("rtt.cohort.weeks_to_clear", None, unit="weeks", weeks_left=22, on_track=False)
    assert weeks_to_clear(weeks, {}, {}) == (
        "At our 6 week average clearance rate the 65-week wait cohort is not falling, so it "
        "would not be cleared in the 22 weeks left: not on track."
    )


def test_comparisons_over_fewer_trusts_say_so():
    now = record("rtt.cohort.remaining", 900)
    now.coverage = {"trusts_submitted": 12, "trusts_expected": 12, "missing": []}
    parts = {
        ("rtt.cohort.remaining.admitted", "QYG"): record("rtt.cohort.remaining.admitted", 400),
        ("rtt.cohort.remaining.non_admitted", "QYG"): record(
            "rtt.cohort.remaining.non_admitted", 500
        ),
    }
    prior = record("rtt.cohort.remaining_prior", 1_000)
    prior.coverage = {"trusts_submitted": 11, "trusts_expected": 12, "missing": ["RJR"]}
    found = {**parts, ("rtt.cohort.remaining_prior", "QYG"): prior}
    assert remaining(now, found, {}).endswith(
        "This time last month we had 1,000 to clear. Comparisons with earlier weeks count only "
        "the 11 trusts that submitted both weeks."
    )

"""Sample diagnostics (DM01) returns.

Shaped on the system's published scale (about 75,000 people waiting for a test, three in four
under 6 weeks, and about 100,000 tests a month across the 12 trusts) but invented. Waits within
a test fall off geometrically week by week; a few trusts carry a colonoscopy backlog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.samples.demo import WORKBOOK_TRUSTS, arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for, winter_pressure
from schemas.dm01 import MAX_WEEKS

#: Per unit of trust size (REM = 1.0; the 12 trusts add up to 4.72).
WAITING_PER_SIZE = 16_300
TESTS_PER_SIZE = 21_200


@dataclass(frozen=True)
class TestMix:
    waiting: float  # share of a general acute trust's waiting list
    activity: float  # share of its tests done
    weeks: float  # how long waits run: the mean of the geometric fall-off, in weeks
    unscheduled: float  # share of tests done that were unscheduled (inpatients, A&E)
    planned: float  # share that were planned (surveillance, repeat tests)


MIX: dict[int, TestMix] = {
    1: TestMix(0.130, 0.130, 4.2, 0.12, 0.10),  # MRI
    2: TestMix(0.090, 0.270, 2.8, 0.40, 0.08),  # CT
    3: TestMix(0.380, 0.330, 3.6, 0.15, 0.05),  # non-obstetric ultrasound
    4: TestMix(0.002, 0.001, 4.0, 0.00, 0.00),  # barium enema
    5: TestMix(0.040, 0.030, 4.6, 0.00, 0.02),  # DEXA
    6: TestMix(0.060, 0.040, 4.2, 0.00, 0.05),  # audiology
    7: TestMix(0.090, 0.070, 4.6, 0.12, 0.05),  # echocardiography
    8: TestMix(0.004, 0.003, 4.6, 0.05, 0.05),  # electrophysiology
    9: TestMix(0.025, 0.010, 5.5, 0.00, 0.02),  # peripheral neurophysiology
    10: TestMix(0.030, 0.010, 7.0, 0.00, 0.05),  # sleep studies
    11: TestMix(0.008, 0.004, 6.0, 0.00, 0.05),  # urodynamics
    12: TestMix(0.040, 0.025, 5.5, 0.05, 0.30),  # colonoscopy
    13: TestMix(0.012, 0.008, 4.6, 0.03, 0.20),  # flexi sigmoidoscopy
    14: TestMix(0.025, 0.020, 3.8, 0.05, 0.40),  # cystoscopy
    15: TestMix(0.050, 0.035, 4.6, 0.06, 0.25),  # gastroscopy
}

#: Specialist trusts do only some tests; general acute trusts all but electrophysiology,
#: which only the tertiary centres run.
TESTS_DONE: dict[str, tuple[int, ...]] = {
    "RBQ": (1, 2, 3, 7, 8, 10),
    "REN": (1, 2, 3),
    "RET": (1, 2, 9),
    "REP": (3, 11, 14),
    "RBS": (1, 2, 3, 6, 7, 10, 12, 15),
    "REM": tuple(range(1, 16)),
}
_GENERAL = tuple(t for t in range(1, 16) if t != 8)

#: Trusts whose colonoscopy waits run longer (multiplies the fall-off).
COLONOSCOPY_BACKLOG = {"REM": 2.0, "RWW": 1.7, "RJR": 1.35}


def tests_done(org: str) -> tuple[int, ...]:
    return TESTS_DONE.get(org, _GENERAL)


def _shares(org: str, attribute: str) -> dict[int, float]:
    raw = {t: getattr(MIX[t], attribute) for t in tests_done(org)}
    total = sum(raw.values())
    return {t: value / total for t, value in raw.items()}


def _months_since_start(period: str) -> int:
    return (pd.Period(period, freq="M") - pd.Period("2022-11", freq="M")).n


def expected_tests(org: str, period: str) -> dict[int, float]:
    """Tests a trust is expected to do in a month, by test: the basis of its activity plan."""
    month = pd.Period(period, freq="M")
    working_days = len(pd.bdate_range(month.start_time, month.end_time))
    # Activity recovers a little through the year; fewer working days, fewer planned tests.
    level = TESTS_PER_SIZE * PROFILES[org].size * (working_days / 21.7) ** 0.7
    level *= 1 + 0.004 * _months_since_start(period)
    return {t: level * share for t, share in _shares(org, "activity").items()}


def _weeks_distribution(mean_weeks: float) -> np.ndarray:
    """Probability of each whole weeks waited, 0 .. 104 (the last band is 104 or more)."""
    weeks = np.arange(MAX_WEEKS + 1)
    survive = np.exp(-weeks / mean_weeks)
    probability = survive - np.append(survive[1:], 0.0)
    return probability / probability.sum()


def sample_dm01(org: str, period: str) -> pd.DataFrame:
    """One month of a trust's DM01 return: waiting rows by week, then the three activity rows."""
    rng = rng_for("dm01", org, period)
    pressure = winter_pressure(pd.Period(period, freq="M").month)
    # The list shrinks a little and waits shorten through the year; winter lengthens them.
    trend = 1 - 0.004 * _months_since_start(period)
    waiting_total = WAITING_PER_SIZE * PROFILES[org].size * trend * (1 + 0.05 * pressure)
    expected = expected_tests(org, period)
    rows: list[tuple[int, str, int | None, int]] = []
    for test, share in _shares(org, "waiting").items():
        mix = MIX[test]
        scale = mix.weeks * 1.1 * (1 + 0.08 * pressure) * trend
        if test == 12:
            scale *= COLONOSCOPY_BACKLOG.get(org, 1.0)
        waiting = rng.multinomial(rng.poisson(waiting_total * share), _weeks_distribution(scale))
        last = int(np.flatnonzero(waiting).max()) if waiting.any() else 0
        rows += [(test, "waiting", week, int(waiting[week])) for week in range(last + 1)]
        done = rng.poisson(expected[test] * rng.normal(1.0, 0.03))
        unscheduled = rng.binomial(done, mix.unscheduled)
        planned = rng.binomial(done - unscheduled, mix.planned / (1 - mix.unscheduled))
        rows += [
            (test, "tests_waiting_list", None, int(done - unscheduled - planned)),
            (test, "tests_planned", None, int(planned)),
            (test, "tests_unscheduled", None, int(unscheduled)),
        ]
    frame = pd.DataFrame(rows, columns=["test", "measure", "weeks_waited", "number"])
    frame["weeks_waited"] = frame["weeks_waited"].astype("Int64")
    frame.insert(0, "period", period)
    frame.insert(0, "org_code", org)
    return frame


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's DM01 return for each month (tests by DM01 number in CSV exports, by key in
    the template), plus one draft with mistakes, quarantined."""
    written = []
    for org in sorted(PROFILES):
        for period in months:
            frame = sample_dm01(org, period)
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            if suffix == ".xlsx":
                frame["test"] = frame["test"].map(_keys())
            written.append(
                write_sample(
                    "dm01",
                    frame,
                    settings.inbox / org / f"{org}_dm01_{period}{suffix}",
                    arrival(period, day=10),
                    org=org,
                    period=period,
                )
            )
    # Mid Cheshire's first go at October puts 110-week waiters in their own band and repeats
    # a row; it is quarantined and their corrected file (above) stays current.
    latest = months[-1]
    draft = sample_dm01("RBT", latest).astype({"weeks_waited": "object"})
    draft.loc[5, "weeks_waited"] = 110
    draft = pd.concat([draft, draft.iloc[[2]]], ignore_index=True)
    written.append(
        write_sample(
            "dm01",
            draft,
            settings.inbox / "RBT" / f"RBT_dm01_{latest}_v0.csv",
            arrival(latest, day=9),
            org="RBT",
            period=latest,
        )
    )
    return written


def _keys() -> dict[int, str]:
    from schemas.dm01 import dm01_tests

    tests = dm01_tests()
    return dict(zip(tests["test_id"], tests["modality"], strict=True))

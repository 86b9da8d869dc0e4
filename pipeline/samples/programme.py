"""Sample programme returns from the ICB's programme teams (inbox/QYG/), at the magnitudes of the
November 2023 briefing.

By October 2023 (month 7): a procurement savings pipeline of £5.8m, £942k up on month 6, and
£981k FYE / £665k IYE delivered, £143k FYE up on month 6; community diagnostic centres close
to a plan of 330,000 tests for 2023/24 (the plans file; a little below it by October, the new
Southport and Halton tests still ramping up); most trusts at OPEL 3
on most days and the system at OPEL 3; the Alternative Choice programme, launched in September
2023, about 30,000 patients texted and 437 willing to travel; teledermatology implementation
rising towards the 80% expected by March 2024. The figures are invented, shaped on the briefing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Settings
from pipeline.reference_data import cdc_sites
from pipeline.samples.demo import arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for, winter_pressure

ICB = "QYG"
#: Procurement by financial-year month (1 = April), £k: pipeline, delivered FYE, delivered IYE.
#: 2023/24 ends the demo at month 7 (October); 2022/23's last five months come before it.
PROCUREMENT = {
    2023: {
        1: (2900, 150, 95),
        2: (3350, 290, 190),
        3: (3800, 420, 280),
        4: (4150, 560, 375),
        5: (4500, 700, 470),
        6: (4858, 838, 560),
        7: (5800, 981, 665),
    },
    2022: {
        8: (3120, 640, 430),
        9: (3300, 720, 480),
        10: (3450, 810, 545),
        11: (3610, 905, 600),
        12: (3700, 1010, 655),
    },
}
#: Each centre's share of the system's CDC tests, and the month its new tests opened (its
#: activity ramps up from then).
CDC_SHARE = {
    "REM90": 0.26,
    "RBN90": 0.19,
    "RBN91": 0.10,
    "RWW90": 0.13,
    "RBL90": 0.19,
    "RBT90": 0.13,
}
CDC_OPENING = {"RBN91": "2023-06", "RWW90": "2023-07"}
#: The system's planned CDC tests a month in 2023/24 (about 330,000 for the year) and 2022/23.
CDC_PLAN_PER_MONTH = {2023: 27_500, 2022: 22_000}
#: The usual OPEL level of each trust (the large acute trusts run hot), before winter.
OPEL_BASE = {
    "REM": 3,
    "RBL": 3,
    "RBN": 3,
    "RWW": 3,
    "RJR": 3,
    "RBT": 3,
    "RJN": 3,
    "RBS": 2,
    "REP": 2,
    "RBQ": 2,
    "REN": 2,
    "RET": 2,
}
#: Alternative Choice, launched in September 2023: patients texted (cumulative) and willing to
#: travel, at each week-ending Sunday.
ALTERNATIVE_CHOICE = {
    "2023-09-03": (2_140, 18),
    "2023-09-10": (6_480, 61),
    "2023-09-17": (10_950, 112),
    "2023-09-24": (14_870, 170),
    "2023-10-01": (18_330, 226),
    "2023-10-08": (21_540, 281),
    "2023-10-15": (24_760, 335),
    "2023-10-22": (27_690, 389),
    "2023-10-29": (30_112, 437),
}
TELEDERMATOLOGY_FIRST, TELEDERMATOLOGY_STEP = 41.0, 2.1  # % in November 2022, and a month


def _fy(period: str) -> tuple[int, int]:
    """(the calendar year the financial year starts in, its month number)."""
    year, month = int(period[:4]), int(period[5:7])
    return year - (1 if month < 4 else 0), (month - 4) % 12 + 1


def _row(
    period: str,
    metric: str,
    scope: str,
    value: float,
    date: str | None = None,
    note: str | None = None,
) -> dict:
    return {
        "org_code": ICB,
        "period": period,
        "metric": metric,
        "scope": scope,
        "date": pd.Timestamp(date) if date else None,
        "value": value,
        "note": note,
    }


def cdc_tests(centre: str, period: str) -> int:
    """A centre's tests in a month: its share of the system's plan, a few per cent above it,
    ramping up over the three months after new tests open."""
    year, _ = _fy(period)
    opening = CDC_OPENING.get(centre)
    ramp = 1.0
    if opening:
        months_open = (pd.Period(period, freq="M") - pd.Period(opening, freq="M")).n
        ramp = 0.35 if months_open < 0 else min(1.0, 0.55 + 0.15 * months_open)
    rng = rng_for("cdc", centre, period)
    planned = CDC_PLAN_PER_MONTH[year] * CDC_SHARE[centre]
    return round(planned * ramp * rng.uniform(1.03, 1.12))


def opel_level(scope: str, day: pd.Timestamp) -> int:
    """A day's OPEL level: the trust's usual level, one up on some winter days, one down on a
    few quiet ones. The system's follows its large trusts (3, 4 on the worst winter days)."""
    rng = rng_for("opel", scope, day.date().isoformat())
    draw = rng.uniform()
    if scope == ICB:
        return 4 if draw < 0.2 * max(0.0, winter_pressure(day.month) - 0.5) else 3
    base = OPEL_BASE[scope]
    if draw < 0.25 * winter_pressure(day.month):
        return min(4, base + 1)
    if draw > 0.92:
        return max(1, base - 1)
    return base


def sample_programme(period: str) -> pd.DataFrame:
    """The ICB programme teams' return for a month."""
    year, month = _fy(period)
    rows = []
    pipeline, fye, iye = PROCUREMENT[year][month]
    rows += [
        _row(period, "procurement.savings.pipeline", ICB, pipeline),
        _row(period, "procurement.savings.delivered_fye", ICB, fye),
        _row(period, "procurement.savings.delivered_iye", ICB, iye),
    ]
    rows += [
        _row(period, "diagnostics.cdc.activity", centre, cdc_tests(centre, period))
        for centre in CDC_SHARE
    ]
    days = pd.date_range(
        pd.Period(period, freq="M").start_time, pd.Period(period, freq="M").end_time, freq="D"
    )
    for scope in [ICB, *sorted(PROFILES)]:
        rows += [
            _row(period, "uec.opel.level", scope, opel_level(scope, day), str(day.date()))
            for day in days
        ]
    for day, (texts, willing) in ALTERNATIVE_CHOICE.items():
        if day[:7] == period:
            rows += [
                _row(period, "elective.alternative_choice.texts_sent", ICB, texts, day),
                _row(period, "elective.alternative_choice.willing_to_travel", ICB, willing, day),
            ]
    months_in = (pd.Period(period, freq="M") - pd.Period("2022-11", freq="M")).n
    rows.append(
        _row(
            period,
            "outpatients.teledermatology.implementation_pct",
            ICB,
            round(TELEDERMATOLOGY_FIRST + TELEDERMATOLOGY_STEP * months_in, 1),
        )
    )
    return pd.DataFrame(rows)


def cdc_plans(financial_year: str = "2023-24") -> list[dict]:
    """The system's monthly CDC activity plan for the plans file."""
    start = int(financial_year[:4])
    return [
        {
            "metric": "diagnostics.cdc.activity",
            "scope": ICB,
            "month": str(pd.Period(f"{start}-04", freq="M") + i),
            "value": CDC_PLAN_PER_MONTH[start],
        }
        for i in range(12)
    ]


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """The programme return of every month (CSV), and in the last month a first draft with
    mistakes, quarantined before the corrected file arrives."""
    known = cdc_sites(settings)
    unknown = sorted(set(CDC_SHARE) - set(known))
    if unknown:  # the samples must use the centres the reference data lists
        raise ValueError(f"Sample CDC codes not in data/reference/cdc_sites.csv: {unknown}")
    written = []
    folder = settings.inbox / ICB
    for period in months:
        written.append(
            write_sample(
                "programme",
                sample_programme(period),
                folder / f"{ICB}_programme_{period}.csv",
                arrival(period, day=9),
                org=ICB,
                period=period,
            )
        )
    latest = months[-1]
    draft = sample_programme(latest)
    opel = draft.index[draft["metric"].eq("uec.opel.level")]
    draft.loc[opel[3], "value"] = 5  # OPEL runs 1 to 4
    draft.loc[opel[4], "date"] = pd.Timestamp(latest + "-01") - pd.Timedelta(days=1)
    draft.loc[len(draft)] = _row(latest, "elective.waiting_list.validated", ICB, 1200)
    draft.loc[len(draft)] = _row(latest, "diagnostics.cdc.activity", ICB, 29_000)  # by centre
    written.append(
        write_sample(
            "programme",
            draft,
            folder / f"{ICB}_programme_{latest}_draft.csv",
            arrival(latest, day=6),
            org=ICB,
            period=latest,
        )
    )
    return written

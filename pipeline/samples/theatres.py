"""Sample theatre session returns.

Each trust runs about 48 theatres per unit of size (REM = 1.0), two 4-hour lists a weekday
(some theatres all-day lists), an evening emergency list in its first theatre, and weekend
trauma lists where it has an A&E. Lists usually start a little late and finish a little early;
some start early or overrun, a few evening lists run past midnight, and about 1 in 16 is
cancelled. Utilisation comes out near 80% (capped a little lower than uncapped).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.reference_data import sites_frame
from pipeline.samples.demo import arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for

THEATRES_PER_SIZE = 48
#: Theatre returns come from theatre systems as CSV; one small trust fills in the template.
WORKBOOK_TRUSTS = {"REP"}
#: Planned session times (HH:MM, minutes from midnight).
TIMES = {"AM": (510, 750), "PM": (810, 1050), "ALL": (510, 1050), "EVE": (1080, 1320)}
SPECIALTIES = {
    "RBQ": ("170", "320"),  # cardiothoracic surgery, cardiology
    "RBS": ("171", "214", "215", "216"),  # paediatric surgery, T&O, ENT, ophthalmology
    "REP": ("502", "501"),  # gynaecology, obstetrics
    "REN": ("800", "370"),  # clinical oncology, medical oncology
    "RET": ("150",),  # neurosurgery
}
_GENERAL = ("100", "101", "110", "120", "130", "140", "502", "104", "107")
REASONS = (
    "Surgeon unavailable",
    "Anaesthetist unavailable",
    "List not needed",
    "No beds",
    "Theatre staff shortage",
    "Equipment failure",
)


def _sessions(org: str, period: str, site_codes: list[str], has_ae: bool) -> pd.DataFrame:
    """The month's planned sessions: which theatre, day and session."""
    theatres = max(3, round(THEATRES_PER_SIZE * PROFILES[org].size))
    month = pd.Period(period, freq="M")
    days = pd.date_range(month.start_time, month.end_time, freq="D")
    weekdays = days[days.day_of_week < 5]
    rows = []
    for theatre in range(theatres):
        # Every sixth theatre runs all-day lists; the first is the emergency theatre.
        kinds = ("ALL",) if theatre % 6 == 5 else ("AM", "PM")
        rows += [(theatre, day, kind) for day in weekdays for kind in kinds]
    rows += [(0, day, "EVE") for day in weekdays]
    if has_ae:
        rows += [(0, day, "ALL") for day in days[days.day_of_week >= 5]]
    frame = pd.DataFrame(rows, columns=["theatre_no", "session_date", "session"])
    specialties = SPECIALTIES.get(org, _GENERAL)
    frame["specialty_tfc"] = [
        "110"
        if kind == "EVE" or day.day_of_week >= 5
        else specialties[(number + day.day_of_week) % len(specialties)]
        for number, day, kind in frame[["theatre_no", "session_date", "session"]].itertuples(
            index=False
        )
    ]
    frame["site_code"] = [site_codes[n % len(site_codes)] for n in frame["theatre_no"]]
    frame["theatre"] = [f"Theatre {n + 1:02d}" for n in frame["theatre_no"]]
    return frame.drop(columns="theatre_no")


def _clock(minutes: np.ndarray) -> list[str]:
    minutes = np.asarray(minutes, dtype="int64") % (24 * 60)  # after midnight: the next day
    return [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]


def sample_theatres(org: str, period: str, sites: pd.DataFrame) -> pd.DataFrame:
    """One month of a trust's theatre return: one row per planned session."""
    rng = rng_for("theatres", org, period)
    frame = _sessions(org, period, list(sites["site_code"]), bool(sites["has_type1"].any()))
    n = len(frame)
    start = frame["session"].map(lambda s: TIMES[s][0]).to_numpy()
    end = frame["session"].map(lambda s: TIMES[s][1]).to_numpy()
    cancelled = rng.random(n) < 0.06
    # Most lists start late (handover, the first patient not ready); some start early.
    delay = np.where(
        rng.random(n) < 0.12, -rng.integers(5, 21, n), np.clip(rng.normal(22, 12, n), 0, 75)
    ).round()
    # Most finish early (a short last case); about a fifth overrun, evening lists by more.
    overrun_by = np.where(
        frame["session"].eq("EVE"), rng.integers(10, 160, n), rng.integers(5, 60, n)
    )
    finish = np.where(
        rng.random(n) < 0.22, overrun_by, -np.clip(rng.normal(34, 18, n), 0, 100)
    ).round()
    actual_start = start + delay
    actual_end = np.maximum(end + finish, actual_start + 30)
    touch = actual_end - actual_start
    cases = np.maximum(1, rng.poisson(touch / 75))
    return pd.DataFrame(
        {
            "org_code": org,
            "period": period,
            "site_code": frame["site_code"],
            "theatre": frame["theatre"],
            "session_date": frame["session_date"],
            "session": frame["session"],
            "specialty_tfc": frame["specialty_tfc"],
            "planned_start": _clock(start),
            "planned_end": _clock(end),
            "actual_start": np.where(cancelled, "", _clock(actual_start)),
            "actual_end": np.where(cancelled, "", _clock(actual_end)),
            "status": np.where(cancelled, "cancelled", "held"),
            "cancellation_reason": np.where(cancelled, rng.choice(REASONS, n), ""),
            "cases": np.where(cancelled, 0, cases),
        }
    )


def demo_months_of_year(months: list[str]) -> list[str]:
    """The demo months in the latest financial year (April 2023 to October 2023 for the
    October briefing). Theatre returns are the largest sample files (one row per session), so
    the demo keeps to the months the theatre figures are quoted for, to keep the demo quick."""
    latest = pd.Period(months[-1], freq="M")
    start = pd.Period(f"{latest.year if latest.month >= 4 else latest.year - 1}-04", freq="M")
    return [m for m in months if pd.Period(m, freq="M") >= start]


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's theatre return for each month of the latest financial year in ``months``,
    plus a draft with mistakes."""
    all_sites = sites_frame(settings)
    written = []
    for org in sorted(PROFILES):
        sites = all_sites[all_sites["org_code"] == org]
        for period in demo_months_of_year(months):
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            written.append(
                write_sample(
                    "theatres",
                    sample_theatres(org, period, sites),
                    settings.inbox / org / f"{org}_theatres_{period}{suffix}",
                    arrival(period, day=12),
                    org=org,
                    period=period,
                    sites=list(sites["site_code"]),
                )
            )
    # The Walton Centre's first October file marks a list held with no times, and a cancelled
    # list with cases: quarantined, with the cells named in its feedback.
    latest = months[-1]
    draft = sample_theatres("RET", latest, all_sites[all_sites["org_code"] == "RET"])
    held = draft.index[draft["status"] == "held"]
    draft.loc[held[0], ["actual_start", "actual_end"]] = ""
    cancelled = draft.index[draft["status"] == "cancelled"]
    draft.loc[cancelled[0], "cases"] = 3
    written.append(
        write_sample(
            "theatres",
            draft,
            settings.inbox / "RET" / f"RET_theatres_{latest}_draft.csv",
            arrival(latest, day=11),
            org="RET",
            period=latest,
        )
    )
    return written

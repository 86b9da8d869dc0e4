"""Sample urgent and emergency care returns."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.reference_data import sites_frame
from pipeline.samples.demo import WORKBOOK_TRUSTS, arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for, winter_pressure


def sample_uec(org_code: str, period: str, sites: pd.DataFrame) -> pd.DataFrame:
    """One month of a trust's UEC return: one row per site and day.

    ``sites`` has ``site_code`` and ``has_type1`` for this trust. Type 1 attendances go to the
    sites with a type 1 department; other activity and beds are shared across all sites.
    """
    profile = PROFILES[org_code]
    rng = rng_for("uec", org_code, period)
    month = pd.Period(period, freq="M")
    days = pd.date_range(month.start_time, periods=month.days_in_month, freq="D")
    pressure = winter_pressure(month.month)
    site_codes = list(sites["site_code"])
    type1_sites = set(sites.loc[sites["has_type1"], "site_code"])
    frames = []
    for site in site_codes:
        n = len(days)
        share = 1 / len(site_codes)
        t1_share = 1 / len(type1_sites) if site in type1_sites else 0.0
        weekday_effect = np.where(days.day_of_week == 0, 1.12, 1.0)  # Mondays are busiest
        t1 = rng.poisson(profile.type1_per_day * t1_share * weekday_effect * (1 + 0.05 * pressure))
        t1_rate = np.clip(profile.type1_within_4h - 0.06 * pressure + rng.normal(0, 0.03, n),
                          0.3, 0.95)
        t1_within = rng.binomial(t1, t1_rate)
        t1_over_12h = rng.binomial(t1 - t1_within, np.clip(0.12 + 0.08 * pressure, 0, 1))
        t2 = rng.poisson(profile.type2_per_day * share, n)
        t2_within = rng.binomial(t2, 0.9)
        t3 = rng.poisson(profile.type3_per_day * share * weekday_effect)
        t3_within = rng.binomial(t3, 0.96)
        booked = rng.poisson(4 * t1_share, n) if profile.type1_per_day else np.zeros(n, int)
        booked_within = rng.binomial(booked, 0.92)
        beds = rng.poisson(profile.beds * share * (1 + 0.04 * pressure), n)
        stay7 = rng.binomial(beds, 0.44 + 0.03 * pressure)
        stay14 = rng.binomial(stay7, 0.56)
        stay21 = rng.binomial(stay14, 0.62)
        frames.append(pd.DataFrame({
            "org_code": org_code, "period": period, "site_code": site, "date": days,
            "type1_attendances": t1, "type1_within_4h": t1_within,
            "type2_attendances": t2, "type2_within_4h": t2_within,
            "type3_attendances": t3, "type3_within_4h": t3_within,
            "booked_attendances": booked, "booked_within_4h": booked_within,
            "type1_over_12h_from_arrival": t1_over_12h,
            "ga_beds_occupied": beds, "beds_stay_7plus": stay7, "beds_stay_14plus": stay14,
            "beds_stay_21plus": stay21,
        }))
    return pd.concat(frames, ignore_index=True)


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's UEC return for each month, plus a resubmission and a broken draft."""
    all_sites = sites_frame(settings)
    written = []
    for org in sorted(PROFILES):
        sites = all_sites[all_sites["org_code"] == org]
        for period in months:
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            written.append(write_sample(
                "uec", sample_uec(org, period, sites),
                settings.inbox / org / f"{org}_uec_{period}{suffix}", arrival(period),
                org=org, period=period, sites=list(sites["site_code"])))
    written += list(_mistakes(settings, months, all_sites))
    return written


def _mistakes(settings: Settings, months: list[str], all_sites: pd.DataFrame) -> Iterator[Path]:
    latest, before = months[-1], months[-2]
    # Warrington and Halton correct last month's return a week later: it supersedes the first.
    corrected = sample_uec("RWW", before, all_sites[all_sites["org_code"] == "RWW"])
    corrected.loc[corrected.index[:3], ["type3_attendances", "type3_within_4h"]] += 5
    yield write_sample("uec", corrected, settings.inbox / "RWW" / f"RWW_uec_{before}_corrected.csv",
                       arrival(before, day=15), org="RWW", period=before)
    # Countess of Chester send a draft with typing slips: it is quarantined with its feedback,
    # and their earlier submission for the month stays current.
    draft = sample_uec("RJR", latest, all_sites[all_sites["org_code"] == "RJR"])
    draft = draft.astype({"type1_attendances": "object"})
    draft.loc[3, "type1_within_4h"] = draft.loc[3, "type1_attendances"] + 12
    draft.loc[7, "type1_attendances"] = "see note"
    yield write_sample("uec", draft, settings.inbox / "RJR" / f"RJR_uec_{latest}_draft.csv",
                       arrival(latest, day=9), org="RJR", period=latest)

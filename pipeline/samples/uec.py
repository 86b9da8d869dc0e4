"""Sample urgent and emergency care returns.

Invented by default (``pipeline.samples.profiles``). Where NHS England's monthly A&E provider
CSVs are beside the project (``../shared/reference/nhse``), a trust's return for a month they
cover agrees with what NHS England published for that trust: attendances and within 4 hours
for type 1, type 2, type 3 (NHS England's "other A&E department") and booked appointments (the
three booked columns together, as the return has one). Only the split over sites and days, and
the measures NHS England does not publish the same way (12 hours from arrival, beds), are the
generator's. One return is planted to differ (``PLANTED``), so that the reconciliation with the
publication, and its alert, have something to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.reference_data import sites_frame
from pipeline.samples.demo import WORKBOOK_TRUSTS, arrival, write_sample
from pipeline.samples.profiles import PROFILES, rng_for, winter_pressure


#: The return planted to differ from NHS England's publication: Mid Cheshire (RBT) return 120
#: more type 3 attendances for October 2023 than NHS England published for them (a minor
#: injuries unit's tally added twice), none of them within 4 hours, so one measure differs:
#: type 3 attendances, 1,979 returned against 1,859 published (+6.5%).
@dataclass(frozen=True)
class Planted:
    org_code: str = "RBT"
    period: str = "2023-10"
    extra_type3_attendances: int = 120


PLANTED = Planted()
KINDS = ("type1", "type2", "type3", "booked")


def published_figures(org_code: str, period: str) -> dict[str, int] | None:
    """NHS England's figures for the trust and month (``<kind>_attendances`` and
    ``<kind>_within_4h``), or None when no A&E CSV for the month is beside the project."""
    month = _published_month(period)
    if month is None or org_code not in month.index:
        return None
    row = month.loc[org_code]
    booked = ("booked_type1", "booked_type2", "booked_other")
    figures = {
        "type1_attendances": row["attendances_type1"],
        "type1_within_4h": row["attendances_type1"] - row["over_4h_type1"],
        "type2_attendances": row["attendances_type2"],
        "type2_within_4h": row["attendances_type2"] - row["over_4h_type2"],
        "type3_attendances": row["attendances_other"],
        "type3_within_4h": row["attendances_other"] - row["over_4h_other"],
        "booked_attendances": sum(row[f"attendances_{b}"] for b in booked),
        "booked_within_4h": sum(row[f"attendances_{b}"] - row[f"over_4h_{b}"] for b in booked),
    }
    return {key: int(value) for key, value in figures.items()}


@cache
def _published_month(period: str) -> pd.DataFrame | None:
    from pipeline.national.ae import parse_ae_csv
    from pipeline.samples.demo import national_demo_files

    files = national_demo_files([period])
    if not files:
        return None
    return parse_ae_csv(files[-1]).providers.set_index("org_code")


def sample_uec(
    org_code: str, period: str, sites: pd.DataFrame, published: dict[str, int] | None = None
) -> pd.DataFrame:
    """One month of a trust's UEC return: one row per site and day.

    ``sites`` has ``site_code`` and ``has_type1`` for this trust. Type 1 attendances go to the
    sites with a type 1 department; other activity and beds are shared across all sites. With
    ``published`` (see :func:`published_figures`), the month's attendances and within 4 hours
    by type are exactly those, spread over the same sites and days.
    """
    frame = _invented(org_code, period, sites)
    return frame if published is None else _to_published(frame, org_code, period, sites, published)


def _to_published(
    frame: pd.DataFrame, org_code: str, period: str, sites: pd.DataFrame, published: dict[str, int]
) -> pd.DataFrame:
    """The invented month with its totals by type replaced by the published ones.

    Each type's attendances are shared over the cells (site x day) that may have them in
    proportion to the invented counts (a multinomial draw), and those within 4 hours are drawn
    from them without replacement, so no cell has more within 4 hours than attendances.
    """
    rng = rng_for("uec-published", org_code, period)
    out = frame.copy()
    type1_sites = set(sites.loc[sites["has_type1"], "site_code"])
    at_type1 = out["site_code"].isin(type1_sites).to_numpy()
    everywhere = np.ones(len(out), dtype=bool)
    allowed = {
        "type1": at_type1,
        "type2": everywhere,
        "type3": everywhere,
        "booked": at_type1 if at_type1.any() else everywhere,
    }
    for kind in KINDS:
        total, within = published[f"{kind}_attendances"], published[f"{kind}_within_4h"]
        cells = allowed[kind]
        if total and not cells.any():
            raise ValueError(
                f"{org_code} {period}: {total} {kind} attendances published but "
                "no site in data/reference/sites.csv can have them"
            )
        if not total:
            out[f"{kind}_attendances"] = 0
            out[f"{kind}_within_4h"] = 0
            continue
        weights = np.where(cells, out[f"{kind}_attendances"].to_numpy(dtype=float) + 0.5, 0.0)
        counts = rng.multinomial(total, weights / weights.sum())
        out[f"{kind}_attendances"] = counts
        out[f"{kind}_within_4h"] = rng.multivariate_hypergeometric(counts, within)
    waited = out["type1_attendances"] - out["type1_within_4h"]
    out["type1_over_12h_from_arrival"] = rng.binomial(waited.to_numpy(), 0.12)
    return out


def _invented(org_code: str, period: str, sites: pd.DataFrame) -> pd.DataFrame:
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
        t1_rate = np.clip(
            profile.type1_within_4h - 0.06 * pressure + rng.normal(0, 0.03, n), 0.3, 0.95
        )
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
        frames.append(
            pd.DataFrame(
                {
                    "org_code": org_code,
                    "period": period,
                    "site_code": site,
                    "date": days,
                    "type1_attendances": t1,
                    "type1_within_4h": t1_within,
                    "type2_attendances": t2,
                    "type2_within_4h": t2_within,
                    "type3_attendances": t3,
                    "type3_within_4h": t3_within,
                    "booked_attendances": booked,
                    "booked_within_4h": booked_within,
                    "type1_over_12h_from_arrival": t1_over_12h,
                    "ga_beds_occupied": beds,
                    "beds_stay_7plus": stay7,
                    "beds_stay_14plus": stay14,
                    "beds_stay_21plus": stay21,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def demo_sample(org: str, period: str, sites: pd.DataFrame) -> pd.DataFrame:
    """The demo's return for a trust and month: as NHS England published it where the
    publication is beside the project, with the planted difference; invented otherwise."""
    frame = sample_uec(org, period, sites, published_figures(org, period))
    if (org, period) == (PLANTED.org_code, PLANTED.period):
        # Added on the first day at the first site; within 4 hours is left as published.
        frame.loc[frame.index[0], "type3_attendances"] += PLANTED.extra_type3_attendances
    return frame


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's UEC return for each month, plus a resubmission and a broken draft."""
    all_sites = sites_frame(settings)
    written = []
    for org in sorted(PROFILES):
        sites = all_sites[all_sites["org_code"] == org]
        for period in months:
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            written.append(
                write_sample(
                    "uec",
                    demo_sample(org, period, sites),
                    settings.inbox / org / f"{org}_uec_{period}{suffix}",
                    arrival(period),
                    org=org,
                    period=period,
                    sites=list(sites["site_code"]),
                )
            )
    written += list(_mistakes(settings, months, all_sites))
    return written


def _mistakes(settings: Settings, months: list[str], all_sites: pd.DataFrame) -> Iterator[Path]:
    latest, before = months[-1], months[-2]
    # Warrington and Halton correct last month's return a week later: it supersedes the first.
    # They had 15 type 3 attendances (all within 4 hours) on the wrong days: moved from the
    # three busiest days to the first three, so the month's totals, and its agreement with
    # NHS England's publication, stay as they were.
    corrected = demo_sample("RWW", before, all_sites[all_sites["org_code"] == "RWW"])
    columns = ["type3_attendances", "type3_within_4h"]
    busiest = corrected.iloc[3:].nlargest(3, "type3_within_4h").index
    corrected.loc[corrected.index[:3], columns] += 5
    corrected.loc[busiest, columns] -= 5
    yield write_sample(
        "uec",
        corrected,
        settings.inbox / "RWW" / f"RWW_uec_{before}_corrected.csv",
        arrival(before, day=15),
        org="RWW",
        period=before,
    )
    # Countess of Chester send a draft with typing slips: it is quarantined with its feedback,
    # and their earlier submission for the month stays current.
    draft = demo_sample("RJR", latest, all_sites[all_sites["org_code"] == "RJR"])
    draft = draft.astype({"type1_attendances": "object"})
    draft.loc[3, "type1_within_4h"] = draft.loc[3, "type1_attendances"] + 12
    draft.loc[7, "type1_attendances"] = "see note"
    yield write_sample(
        "uec",
        draft,
        settings.inbox / "RJR" / f"RJR_uec_{latest}_draft.csv",
        arrival(latest, day=9),
        org="RJR",
        period=latest,
    )

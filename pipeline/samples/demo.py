"""The demo inbox: a year of sample returns from every trust, with the mistakes real life brings.

Each file's modification time is set to a plausible arrival (the 8th of the following month), so
the ledger's received times, and the order files are applied in, are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from pipeline.config import Settings
from pipeline.reference_data import sites_frame
from pipeline.returns import get_return
from pipeline.samples.profiles import PROFILES
from pipeline.samples.uec import sample_uec
from pipeline.spreadsheet.deterministic import make_repeatable
from pipeline.spreadsheet.template import build_template

#: The demo year ends with the October 2023 briefing (financial year 2023/24, month 7).
DEMO_LAST_MONTH = "2023-10"
DEMO_MONTHS = 12
#: Trusts that fill in the Excel template; the rest export CSV from their systems.
WORKBOOK_TRUSTS = {"RBL", "RJN", "REP"}


def demo_months(last: str = DEMO_LAST_MONTH, count: int = DEMO_MONTHS) -> list[str]:
    end = pd.Period(last, freq="M")
    return [str(end - offset) for offset in range(count - 1, -1, -1)]


def _arrival(period: str, day: int = 8, hour: int = 9) -> float:
    following = pd.Period(period, freq="M") + 1
    stamp = dt.datetime(following.year, following.month, day, hour, 0)
    return stamp.timestamp()


def _write(frame: pd.DataFrame, path: Path, arrival: float, org: str, period: str,
           sites: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        build_template(get_return("uec"), org_code=org, period=period, sites=sites, path=path,
                       rows=frame)
        make_repeatable(path)
    else:
        out = frame.copy()
        out["date"] = out["date"].dt.strftime("%Y-%m-%d")
        out.to_csv(path, index=False)
    os.utime(path, (arrival, arrival))
    return path


def write_demo_inbox(settings: Settings, months: list[str] | None = None) -> list[Path]:
    """Write every trust's UEC return for each month, plus a resubmission and a broken file.

    Samples the ledger has already seen are not left in the inbox, so running the demo again
    changes nothing (rather than recording a year of duplicates).
    """
    months = months or demo_months()
    all_sites = sites_frame(settings)
    written = []
    for org in sorted(PROFILES):
        sites = all_sites[all_sites["org_code"] == org]
        for period in months:
            frame = sample_uec(org, period, sites)
            suffix = ".xlsx" if org in WORKBOOK_TRUSTS else ".csv"
            path = settings.inbox / org / f"{org}_uec_{period}{suffix}"
            written.append(_write(frame, path, _arrival(period), org, period,
                                  list(sites["site_code"])))
    written += list(_mistakes(settings, months, all_sites))
    return _drop_already_received(settings, written)


def _drop_already_received(settings: Settings, paths: list[Path]) -> list[Path]:
    from pipeline.ingest import sha256_of
    from pipeline.warehouse import connect, ledger

    kept = []
    with connect(settings) as conn:
        for path in paths:
            if ledger.by_sha(conn, sha256_of(path), path.parent.name):
                path.unlink()
            else:
                kept.append(path)
    return kept


def _mistakes(settings: Settings, months: list[str], all_sites: pd.DataFrame) -> Iterator[Path]:
    latest, before = months[-1], months[-2]
    # Warrington and Halton correct last month's return a week later: it supersedes the first.
    sites = all_sites[all_sites["org_code"] == "RWW"]
    corrected = sample_uec("RWW", before, sites)
    corrected.loc[corrected.index[:3], "type3_attendances"] += 5
    corrected.loc[corrected.index[:3], "type3_within_4h"] += 5
    yield _write(corrected, settings.inbox / "RWW" / f"RWW_uec_{before}_corrected.csv",
                 _arrival(before, day=15), "RWW", before, list(sites["site_code"]))
    # Countess of Chester send a draft with typing slips: it is quarantined with its feedback,
    # and their earlier submission for the month stays current.
    sites = all_sites[all_sites["org_code"] == "RJR"]
    draft = sample_uec("RJR", latest, sites).astype({"type1_attendances": "object"})
    draft.loc[3, "type1_within_4h"] = draft.loc[3, "type1_attendances"] + 12
    draft.loc[7, "type1_attendances"] = "see note"
    yield _write(draft, settings.inbox / "RJR" / f"RJR_uec_{latest}_draft.csv",
                 _arrival(latest, day=9), "RJR", latest, list(sites["site_code"]))

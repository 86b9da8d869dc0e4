"""Reference lookups the ingest needs: which trusts have inboxes and which sites each runs.

Cached per reference folder and file time, since every file in a run asks the same questions.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.config import Settings
from pipeline.reference import load


def _stamp(settings: Settings) -> tuple[Path, float]:
    folder = settings.reference_dir
    return folder, max((p.stat().st_mtime for p in folder.glob("*.csv")), default=0.0)


@lru_cache(maxsize=4)
def _trusts(folder: Path, _mtime: float) -> frozenset[str]:
    return frozenset(load.cmast_members(folder)["org_code"])


@lru_cache(maxsize=4)
def _sites(folder: Path, _mtime: float) -> pd.DataFrame:
    frame = load.sites(folder)
    frame["has_type1"] = frame["has_type1"].fillna(False).astype(bool)
    return frame


@lru_cache(maxsize=4)
def _cdc_sites(folder: Path, _mtime: float) -> dict[str, str]:
    frame = load.cdc_sites(folder)
    return dict(zip(frame["cdc_code"], frame["org_code"], strict=True))


def cdc_sites(settings: Settings) -> dict[str, str]:
    """Community diagnostic centres by code, each with the trust that hosts it."""
    return dict(_cdc_sites(*_stamp(settings)))


def cmast_trusts(settings: Settings) -> set[str]:
    """The organisations with an inbox: the CMAST members, plus the ICB for its finance return."""
    return set(_trusts(*_stamp(settings))) | {"QYG"}


def sites_frame(settings: Settings) -> pd.DataFrame:
    """CMAST trusts' sites: site_code, org_code, site_name, has_type1 (bool)."""
    return _sites(*_stamp(settings)).copy()


def trust_sites(settings: Settings) -> dict[str, frozenset[str]]:
    sites = _sites(*_stamp(settings))
    return {org: frozenset(group["site_code"]) for org, group in sites.groupby("org_code")}

"""Read the committed reference CSVs (``data/reference``) into typed DataFrames.

Codes and names are strings, dates are ``datetime64`` (missing as NaT), flags are nullable
booleans. Every function takes the folder explicitly or falls back to the configured one
(``CMAST_REFERENCE_DIR``, default ``data/reference``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import load_settings


def _folder(reference_dir: Path | None) -> Path:
    return Path(reference_dir) if reference_dir else load_settings().reference_dir


def _read(
    name: str,
    reference_dir: Path | None,
    *,
    dates: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
) -> pd.DataFrame:
    frame = pd.read_csv(_folder(reference_dir) / f"{name}.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        if column in dates:
            frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
        elif column in flags:
            frame[column] = (
                frame[column].str.lower().map({"true": True, "false": False}).astype("boolean")
            )
        else:
            frame[column] = frame[column].replace("", None).astype("string")
    return frame


def organisations(reference_dir: Path | None = None) -> pd.DataFrame:
    """One row per NHS trust (ODS etr, plus closed trusts added by hand such as RVY).

    Columns: org_code, name, ods_name, region_code, icb_code, open_date, close_date,
    short_name, cmast_member, has_type1_ae (known for CMAST members only), successor_code,
    successor_date, source.
    """
    return _read(
        "organisations",
        reference_dir,
        dates=("open_date", "close_date", "successor_date"),
        flags=("cmast_member", "has_type1_ae"),
    )


def cmast_members(reference_dir: Path | None = None) -> pd.DataFrame:
    """The 12 CMAST trusts: organisations rows where cmast_member is true."""
    orgs = organisations(reference_dir)
    return orgs[orgs["cmast_member"].fillna(False)].reset_index(drop=True)


def icbs(reference_dir: Path | None = None) -> pd.DataFrame:
    """The 42 ICBs: icb_code, icb_name, ods_name, region_code."""
    return _read("icbs", reference_dir)


def regions(reference_dir: Path | None = None) -> pd.DataFrame:
    """The 7 NHS England regions: region_code, region_name, publication_name."""
    return _read("regions", reference_dir)


def sites(reference_dir: Path | None = None) -> pd.DataFrame:
    """Main hospital sites of the CMAST trusts: site_code, org_code, site_name, has_type1,
    illustrative (true where the code is a stand-in, not a checked ODS code), note."""
    return _read("sites", reference_dir, flags=("has_type1", "illustrative"))


def cdc_sites(reference_dir: Path | None = None) -> pd.DataFrame:
    """Community diagnostic centres: cdc_code, org_code (the trust hosting it), cdc_name,
    illustrative (true where the code is a stand-in, not a checked ODS code), note."""
    return _read("cdc_sites", reference_dir, flags=("illustrative",))


def provider_icb_map(reference_dir: Path | None = None) -> pd.DataFrame:
    """NHS England's provider -> ICB mapping (A&E System Mapping): org_code, org_name,
    icb_code, region_code, source."""
    return _read("provider_icb_map", reference_dir)


def successor_map(reference_dir: Path | None = None) -> pd.DataFrame:
    """Closed trusts and where their history goes: org_code, successor_code, successor_date."""
    orgs = organisations(reference_dir)
    merged = orgs[orgs["successor_code"].notna()]
    return merged[["org_code", "successor_code", "successor_date"]].reset_index(drop=True)

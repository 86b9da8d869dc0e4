"""Reference data: the committed CSVs are what the build makes from NHS England's files, and
they hold the facts the pipeline relies on (12 CMAST trusts in QYG/Y62, 42 ICBs, RVY -> RBN)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipeline.reference import build, load

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"
COMMITTED = Path(__file__).resolve().parents[1] / "data" / "reference"
GENERATED = ["organisations", "icbs", "regions", "provider_icb_map"]

# The 12 CMAST trusts and their short names, as the alliance lists them.
CMAST = {
    "RBL": "WUTH",
    "RBN": "MWL",
    "RBQ": "LHCH",
    "RBS": "AHCH",
    "RBT": "MCHT",
    "REM": "LUHFT",
    "REN": "CCC",
    "REP": "LWH",
    "RET": "WCFT",
    "RJN": "ECT",
    "RJR": "COCH",
    "RWW": "WHH",
}
TYPE1 = {"RBL", "RBN", "RBS", "RBT", "REM", "RJN", "RJR", "RWW"}


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.fixture(scope="module")
def workbook(nhse: Path):
    from pipeline.national.ae import parse_ae_workbook

    return parse_ae_workbook(nhse / build.AE_WORKBOOK)


@pytest.mark.nhse
def test_committed_csvs_are_what_the_build_makes(nhse: Path, tmp_path: Path) -> None:
    build.build(nhse.parents[1], tmp_path, inputs=COMMITTED)
    for name in GENERATED:
        built = (tmp_path / f"{name}.csv").read_bytes()
        assert built == (COMMITTED / f"{name}.csv").read_bytes(), (
            f"{name}.csv is out of date: run python -m pipeline.reference.build"
        )


def test_exactly_the_12_cmast_members_all_in_qyg_and_y62() -> None:
    orgs = load.organisations()
    members = orgs[orgs["cmast_member"]]
    assert dict(zip(members["org_code"], members["short_name"], strict=True)) == CMAST
    assert set(members["icb_code"]) == {"QYG"}
    assert set(members["region_code"]) == {"Y62"}
    assert set(load.cmast_members()["org_code"]) == set(CMAST)
    assert not orgs.loc[~orgs["cmast_member"], "short_name"].notna().any()


def test_type1_flags_as_the_alliance_gives_them() -> None:
    members = load.cmast_members().set_index("org_code")
    assert set(members.index[members["has_type1_ae"]]) == TYPE1
    # Not known for trusts outside CMAST, so left blank rather than guessed.
    orgs = load.organisations()
    assert orgs.loc[~orgs["cmast_member"], "has_type1_ae"].isna().all()


@pytest.mark.nhse
def test_type1_flags_agree_with_nhs_england_attendances(workbook) -> None:
    # A trust without any A&E (The Clatterbridge Cancer Centre) has no row at all.
    providers = workbook.providers.set_index("org_code")
    assert "REN" not in providers.index
    counts = providers.reindex(list(CMAST))[
        ["attendances_type1", "attendances_booked_type1", "attendances_type2"]
    ].fillna(0)
    type1 = counts["attendances_type1"] + counts["attendances_booked_type1"]
    assert set(type1.index[type1 > 0]) == TYPE1
    # Liverpool Women's has a type 2 (gynaecology) emergency unit only.
    assert counts.loc["REP", "attendances_type2"] > 0


def test_42_icbs_each_in_one_of_7_regions() -> None:
    icbs, regions = load.icbs(), load.regions()
    assert len(icbs) == 42 and icbs["icb_code"].is_unique
    assert len(regions) == 7
    assert set(icbs["region_code"]) == set(regions["region_code"])
    qyg = icbs.set_index("icb_code").loc["QYG"]
    assert qyg["region_code"] == "Y62"
    assert qyg["icb_name"] == "NHS Cheshire and Merseyside Integrated Care Board"
    assert regions.set_index("region_code").loc["Y62", "region_name"] == "North West"


@pytest.mark.nhse
def test_icbs_are_the_42_systems_nhs_england_reports(workbook) -> None:
    assert set(load.icbs()["icb_code"]) == set(workbook.systems["icb_code"])


@pytest.mark.nhse
def test_region_codes_match_dm01_region_names(nhse: Path) -> None:
    """DM01 states each region's code beside its name: an independent source for both."""
    from pipeline.national.dm01 import parse_dm01

    providers = parse_dm01(nhse / "dm01_2024-11_provider.xls").providers
    pairs = set(zip(providers["region_code"], providers["region_name"], strict=True))
    regions = load.regions()
    assert pairs == set(zip(regions["region_code"], regions["publication_name"], strict=True))


@pytest.mark.nhse
def test_rvy_added_by_hand_with_rbn_as_successor(nhse: Path) -> None:
    with open(nhse / build.ETR_FILE, newline="") as handle:
        assert "RVY" not in {row[0] for row in csv.reader(handle)}
    succession = load.successor_map().set_index("org_code")
    assert succession.loc["RVY", "successor_code"] == "RBN"
    assert succession.loc["RVY", "successor_date"] == pd.Timestamp("2023-07-01")
    rvy = load.organisations().set_index("org_code").loc["RVY"]
    assert (rvy["icb_code"], rvy["region_code"]) == ("QYG", "Y62")
    assert rvy["close_date"] == pd.Timestamp("2023-06-30")
    assert rvy["source"] == "hand"


@pytest.mark.nhse
def test_organisations_are_every_ods_trust_plus_the_hand_added(nhse: Path) -> None:
    with open(nhse / build.ETR_FILE, newline="") as handle:
        ods = {row[0]: row[1] for row in csv.reader(handle)}
    orgs = load.organisations().set_index("org_code")
    assert set(orgs.index) == set(ods) | {"RVY"}
    assert (orgs.loc[list(ods), "ods_name"] == pd.Series(ods)).all()
    assert orgs.loc["RBS", "name"] == "Alder Hey Children's NHS Foundation Trust"
    # Every successor is itself a known trust, and the move is the day after the closure.
    merged = orgs[orgs["successor_code"].notna()]
    assert merged["successor_code"].isin(orgs.index).all()
    assert (merged["successor_date"] == merged["close_date"] + pd.Timedelta(days=1)).all()


def test_provider_icb_map_from_system_mapping() -> None:
    mapping = load.provider_icb_map().set_index("org_code")
    # 270 rows in the sheet; two are repeated word for word (NNFA7, Y02584).
    assert len(mapping) == 268 and mapping.index.is_unique
    assert mapping.loc["Y02532", "icb_code"] == "QYG"  # Miriam Minor Emergency, a non-trust site
    icb_region = load.icbs().set_index("icb_code")["region_code"]
    assert (mapping["region_code"] == mapping["icb_code"].map(icb_region)).all()
    assert set(CMAST) - {"RBQ", "REN", "RET"} <= set(mapping.index)


def test_lookup_prefers_system_mapping_then_ods(settings) -> None:
    from pipeline.warehouse import connect

    with connect(settings) as conn:
        lookup = conn.execute("SELECT * FROM staging.stg_provider_icb").df().set_index("org_code")
    assert lookup.index.is_unique
    assert lookup.loc["RBN", "mapping_source"] == "system_mapping"
    assert lookup.loc["RVY", "icb_code"] == "QYG"  # from organisations (hand-added)
    assert not lookup.index.isin(["RQF", "RT4", "RYT"]).any()  # Welsh trusts: no English ICB


def test_sites_of_the_cmast_trusts() -> None:
    sites = load.sites()
    assert set(sites["org_code"]) == set(CMAST)
    assert sites["site_code"].is_unique
    assert (sites["site_code"].str.len() == 5).all()
    assert (sites["site_code"].str[:3] == sites["org_code"]).all()
    # A site with a type 1 department belongs to a trust that has one.
    assert set(sites.loc[sites["has_type1"], "org_code"]) == TYPE1
    assert sites["illustrative"].notna().all()


def test_loaders_return_typed_frames() -> None:
    orgs = load.organisations()
    assert pd.api.types.is_datetime64_any_dtype(orgs["open_date"])
    assert pd.api.types.is_datetime64_any_dtype(orgs["successor_date"])
    assert orgs["cmast_member"].dtype == "boolean"
    assert orgs["has_type1_ae"].dtype == "boolean"
    assert pd.api.types.is_string_dtype(orgs["org_code"])
    assert load.sites()["has_type1"].dtype == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(load.successor_map()["successor_date"])
    for frame in (load.icbs(), load.regions(), load.provider_icb_map()):
        assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)


def test_tidy_name() -> None:
    assert build.tidy_name("NHS STAFFORDSHIRE AND STOKE-ON-TRENT INTEGRATED CARE BOARD") == (
        "NHS Staffordshire and Stoke-on-Trent Integrated Care Board"
    )
    assert build.tidy_name("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST") == (
        "Guy's and St Thomas' NHS Foundation Trust"
    )
    assert build.tidy_name("THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST") == (
        "The Newcastle upon Tyne Hospitals NHS Foundation Trust"
    )

"""A&E publications: the provider CSVs and the June 2025 workbook, checked against NHS
England's own England and ICB rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pandera.errors
import pytest

from pipeline.national import ae
from pipeline.national.publication import PublicationError
from schemas.national import AeProvider

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"
WORKBOOK = "ae_2025-06_provider_workbook_with_system_mapping.xlsx"
# Local file name -> the month it covers, as listed in ../shared/reference/nhse/SOURCES.md.
CSVS = {
    "ae_2023-08_provider_revised.csv": "2023-08",
    "ae_2023-09_provider_revised.csv": "2023-09",
    "ae_2023-10_provider.csv": "2023-10",
    "ae_2023-11_provider.csv": "2023-11",
    "ae_2023-12_provider.csv": "2023-12",
}
COUNTS = [
    c
    for c in AeProvider.to_schema().columns
    if c not in ("period", "org_code", "org_name", "region_name")
]

pytestmark = pytest.mark.nhse


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.fixture(scope="module")
def workbook(nhse: Path) -> ae.AeWorkbook:
    return ae.parse_ae_workbook(nhse / WORKBOOK)


def _total_row(path: Path) -> dict[str, int]:
    """NHS England's TOTAL row, read with the csv module alone."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    (total,) = [r for r in rows if r["Org Code"].strip() == "TOTAL"]
    return {k.strip(): v for k, v in total.items()}


@pytest.mark.parametrize("name", sorted(CSVS))
def test_csv_providers_add_up_to_the_total_row(nhse: Path, name: str) -> None:
    month = ae.parse_ae_csv(nhse / name)
    assert month.period == CSVS[name]
    assert month.kind == "ae_provider_csv"
    assert "TOTAL" not in set(month.providers["org_code"])
    total = _total_row(nhse / name)
    for header, column in ae.CSV_COLUMNS.items():
        if column in COUNTS:
            assert month.providers[column].sum() == int(total[header]), column
    dta = int(total["Patients who have waited 4-12 hs from DTA to admission"]) + int(
        total["Patients who have waited 12+ hrs from DTA to admission"]
    )
    assert month.providers["dta_over_4h"].sum() == dta
    # The England row kept apart is the same TOTAL row.
    england = month.england_total.iloc[0]
    for column in COUNTS:
        assert england[column] == month.providers[column].sum(), column


def test_csv_keeps_names_and_strips_regions(nhse: Path) -> None:
    month = ae.parse_ae_csv(nhse / "ae_2023-10_provider.csv")
    rows = month.providers.set_index("org_code")
    assert rows.loc["REM", "region_name"] == "NHS ENGLAND NORTH WEST"
    assert rows.loc["REM", "org_name"] == "LIVERPOOL UNIVERSITY HOSPITALS NHS FOUNDATION TRUST"
    assert month.providers["org_code"].is_unique
    assert list(month.providers.columns) == list(AeProvider.to_schema().columns)


def test_workbook_metadata(workbook: ae.AeWorkbook) -> None:
    assert workbook.kind == "ae_workbook"
    assert workbook.period == "2025-06"
    assert str(workbook.published) == "2025-07-10"
    assert workbook.revised is None
    assert len(workbook.systems) == 42


def test_workbook_providers_add_up_to_england(workbook: ae.AeWorkbook) -> None:
    england = workbook.system_england.iloc[0]  # System Level Data's own England row
    totals = ae.all_types(workbook.providers).sum()
    assert totals["attendances"] == england["attendances_total"] == 2_350_478
    assert totals["over_4h"] == england["over_4h_total"]
    for kind in ("type1", "type2", "other"):
        booked_and_not = (
            workbook.providers[f"attendances_{kind}"]
            + workbook.providers[f"attendances_booked_{kind}"]
        ).sum()
        assert booked_and_not == england[f"attendances_{kind}"]


def test_workbook_icb_figures_reproduce_system_level_data(workbook: ae.AeWorkbook) -> None:
    """Providers summed through NHS England's System Mapping give its System Level Data."""
    mapping = workbook.system_mapping.set_index("org_code")["icb_code"]
    providers = pd.concat(
        [workbook.providers[["org_code"]], ae.all_types(workbook.providers)], axis=1
    )
    providers["icb_code"] = providers["org_code"].map(mapping)
    assert providers["icb_code"].notna().all()
    ours = providers.groupby("icb_code")[["attendances", "over_4h"]].sum()
    theirs = workbook.systems.set_index("icb_code")
    assert set(ours.index) == set(theirs.index)
    ours = ours.loc[theirs.index]
    assert (ours["attendances"] == theirs["attendances_total"]).all()
    assert (ours["over_4h"] == theirs["over_4h_total"]).all()
    pct = 1 - ours["over_4h"] / ours["attendances"]
    assert (pct - theirs["four_hour_fraction_published"].astype(float)).abs().max() < 1e-8
    # Cheshire and Merseyside, as quoted in ../shared/reference/nhse/SOURCES.md.
    assert ours.loc["QYG", "attendances"] == 123_222
    assert round(100 * pct.loc["QYG"], 2) == 73.02


def test_workbook_and_csv_share_one_shape(nhse: Path, workbook: ae.AeWorkbook) -> None:
    month = ae.parse_ae_csv(nhse / "ae_2023-10_provider.csv")
    assert list(month.providers.columns) == list(workbook.providers.columns)
    assert list(month.providers.dtypes) == list(workbook.providers.dtypes)


def test_system_mapping(workbook: ae.AeWorkbook) -> None:
    mapping = workbook.system_mapping
    assert len(mapping) == 268 and mapping["org_code"].is_unique
    assert set(mapping["icb_code"]) == set(workbook.systems["icb_code"])
    assert mapping.set_index("org_code").loc["Y02532", "icb_code"] == "QYG"


def test_tables_are_ready_to_append(workbook: ae.AeWorkbook) -> None:
    tables = workbook.tables()
    assert set(tables) == {
        "providers",
        "england_total",
        "systems",
        "system_england",
        "system_mapping",
    }
    assert all((t["period"] == "2025-06").all() for t in tables.values())


def test_a_broken_csv_is_refused(nhse: Path, tmp_path: Path) -> None:
    text = (nhse / "ae_2023-10_provider.csv").read_text()
    lines = text.splitlines()
    cells = lines[1].split(",")
    cells[4] = "-3"  # a negative count of type 1 attendances
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]))
    with pytest.raises(PublicationError):
        ae.parse_ae_csv(broken)
    cells[4] = "5"
    cells[10] = "9"  # more over 4 hours than attendances
    broken.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]))
    with pytest.raises(pandera.errors.SchemaErrors):
        ae.parse_ae_csv(broken)

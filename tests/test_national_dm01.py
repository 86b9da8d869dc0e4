"""DM01 provider workbooks: providers add up to England's Total row, and the by-test sheet
(IDs 1-15, the per-provider Total ID 16 left out) adds up to the Provider sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.national import dm01, grid
from schemas.national import Dm01Provider

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"
# Local name -> (month, first published, revised), from ../shared/reference/nhse/SOURCES.md.
FILES = {
    "dm01_2024-09_provider.xls": ("2024-09", date(2024, 11, 14), date(2025, 7, 10)),
    "dm01_2024-10_provider.xls": ("2024-10", date(2024, 12, 12), date(2025, 7, 10)),
    "dm01_2024-11_provider.xls": ("2024-11", date(2025, 1, 9), date(2025, 7, 10)),
}
COUNTS = [c for c in Dm01Provider.to_schema().columns if c.startswith(("waiting", "activity"))]

pytestmark = pytest.mark.nhse


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.fixture(scope="module", params=sorted(FILES))
def month(request, nhse: Path) -> tuple[str, dm01.Dm01Month]:
    return request.param, dm01.parse_dm01(nhse / request.param)


def test_period_and_dates_from_the_metadata_block(month) -> None:
    name, parsed = month
    assert (parsed.period, parsed.published, parsed.revised) == FILES[name]
    assert parsed.kind == "dm01_provider_xls"


def test_providers_add_up_to_the_england_row(month, nhse: Path) -> None:
    name, parsed = month
    england = parsed.england_total.iloc[0]
    for column in COUNTS:
        assert parsed.providers[column].sum() == england[column], column
    # England's row as the sheet shows it, read here by position-free lookup of its label.
    cells = grid.read_grid(nhse / name, "Provider")
    header = grid.find_row(cells, ["Provider Code", "Total Waiting List"])
    total_col = grid.column_of(cells, header, "Total Waiting List")
    name_col = grid.column_of(cells, header, "Provider Name")
    (row,) = cells.index[cells[name_col].eq("Total")]
    assert parsed.providers["waiting_total"].sum() == int(cells.at[row, total_col])


def test_by_test_rows_add_up_to_the_provider_sheet(month) -> None:
    _, parsed = month
    tests = parsed.provider_tests
    assert tests["test_id"].between(1, 15).all()  # the Total row, ID 16, is left out
    summed = tests.groupby("provider_code")[COUNTS].sum()
    providers = parsed.providers.set_index("provider_code")[COUNTS]
    assert set(summed.index) <= set(providers.index)
    providers = providers.loc[summed.index]
    assert (summed == providers).all().all()
    # and so, over all providers and tests, to England.
    england = parsed.england_total.iloc[0]
    for column in COUNTS:
        assert tests[column].sum() == england[column], column


def test_each_test_adds_up_within_itself(month) -> None:
    """No England row per test is published here; each test's week bands must still add up."""
    _, parsed = month
    per_test = parsed.provider_tests.groupby("test_id")
    bands = [c for c in COUNTS if c.startswith("waiting_week_")]
    assert (per_test[bands].sum().sum(axis=1) == per_test["waiting_total"].sum()).all()
    assert per_test.ngroups == 15


def test_shape(month) -> None:
    _, parsed = month
    assert parsed.providers["provider_code"].is_unique
    assert len(parsed.providers) > 400
    assert set(parsed.providers["region_code"]) == {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
    assert set(parsed.tables()) == {"providers", "provider_tests", "england_total"}
    cols = list(parsed.provider_tests.columns)
    assert cols[5:7] == ["test_id", "test_name"]
    rem = parsed.providers.set_index("provider_code").loc["REM"]
    assert rem["region_code"] == "Y62"

"""Benchmarks: pure functions on small inline tables with known answers, then on the real
A&E and DM01 files against NHS England's own ICB and England figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.national import ae, benchmarks, dm01
from pipeline.reference import load
from schemas.national import AeProvider

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"

# --- inline tables ----------------------------------------------------------------------------

ICBS = pd.DataFrame(
    {
        "icb_code": ["QAA", "QBB", "QCC"],
        "icb_name": ["North ICB", "South ICB", "West ICB"],
        "region_code": ["Y01", "Y01", "Y02"],
    }
)
REGIONS = pd.DataFrame({"region_code": ["Y01", "Y02"], "region_name": ["One", "Two"]})
LOOKUP = pd.DataFrame(
    {
        "org_code": ["AAA", "BBB", "CCC"],
        "icb_code": ["QAA", "QBB", "QBB"],
        "region_code": ["Y01", "Y01", "Y01"],
    }
)


def _ae_rows(rows: list[tuple[str, int, int, int, int]]) -> pd.DataFrame:
    """(code, type 1 attendances, type 1 over 4 h, booked other attendances, booked over 4 h)."""
    columns = list(AeProvider.to_schema().columns)
    frame = pd.DataFrame(0, index=range(len(rows)), columns=columns)
    frame["period"] = "2023-10"
    frame["region_name"] = "NHS ENGLAND TEST"
    frame["org_code"] = [r[0] for r in rows]
    frame["org_name"] = [f"Trust {r[0]}" for r in rows]
    for i, column in enumerate(
        ["attendances_type1", "over_4h_type1", "attendances_booked_other", "over_4h_booked_other"],
        start=1,
    ):
        frame[column] = [r[i] for r in rows]
    return frame


def test_rank_is_one_for_the_best_and_shared_on_ties() -> None:
    ranks = benchmarks.rank_icbs(pd.Series([80.0, 90.0, 90.0, np.nan, 70.0]))
    assert ranks.tolist() == [3, 1, 1, pd.NA, 4]


def test_four_hour_by_hand() -> None:
    providers = _ae_rows(
        [
            ("AAA", 100, 40, 0, 0),  # QAA: 60/100 within 4 h
            ("BBB", 200, 20, 50, 5),  # QBB with CCC: (200+50+100-20-5-50) / 350
            ("CCC", 100, 50, 0, 0),
            ("ZZZ", 10, 10, 0, 0),  # not in the lookup: England only
        ]
    )
    result = benchmarks.four_hour(providers, LOOKUP, ICBS, REGIONS)
    table = result.table.set_index("scope_code")
    assert table.loc["QAA", "four_hour_pct"] == pytest.approx(60.0)
    assert table.loc["QBB", "four_hour_pct"] == pytest.approx(100 * 275 / 350)
    assert table.loc["QBB", "attendances"] == 350
    assert np.isnan(table.loc["QCC", "four_hour_pct"])  # no provider mapped to it
    assert table.loc["QCC", "attendances"] == 0
    assert table.loc["Y01", "attendances"] == 450 and table.loc["Y02", "attendances"] == 0
    assert table.loc["ENG", "attendances"] == 460
    assert table.loc["ENG", "four_hour_pct"] == pytest.approx(100 * (460 - 125) / 460)
    assert table.loc["QBB", "rank"] == 1 and table.loc["QAA", "rank"] == 2
    assert pd.isna(table.loc["QCC", "rank"]) and pd.isna(table.loc["ENG", "rank"])
    assert result.unmapped[["provider_code", "weight"]].values.tolist() == [["ZZZ", 10]]


def test_diagnostics_by_hand() -> None:
    providers = pd.DataFrame(
        {
            "period": "2024-11",
            "provider_code": ["AAA", "BBB", "XXX"],
            "provider_name": ["A", "B", "X"],
            "waiting_total": [100, 300, 50],
            "waiting_6w_plus": [10, 90, 50],
            "waiting_13w_plus": [1, 9, 0],
        }
    )
    result = benchmarks.diagnostics_within_6w(providers, LOOKUP, ICBS, REGIONS)
    table = result.table.set_index("scope_code")
    assert table.loc["QAA", "within_6w_pct"] == pytest.approx(90.0)
    assert table.loc["QBB", "within_6w_pct"] == pytest.approx(70.0)
    assert table.loc["ENG", "within_6w_pct"] == pytest.approx(100 * 300 / 450)
    assert (table.loc["QAA", "rank"], table.loc["QBB", "rank"]) == (1, 2)
    assert result.unmapped["provider_code"].tolist() == ["XXX"]


def test_months_are_ranked_separately() -> None:
    a = _ae_rows([("AAA", 100, 10, 0, 0), ("BBB", 100, 20, 0, 0)])
    b = _ae_rows([("AAA", 100, 30, 0, 0), ("BBB", 100, 20, 0, 0)]).assign(period="2023-11")
    table = benchmarks.four_hour(pd.concat([a, b]), LOOKUP, ICBS, REGIONS).table
    ranks = table[table["scope_code"] == "QAA"].set_index("period")["rank"]
    assert ranks.to_dict() == {"2023-10": 1, "2023-11": 2}


# --- the real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.fixture(scope="module")
def reference() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return load.provider_icb_lookup(), load.icbs(), load.regions()


@pytest.mark.nhse
def test_four_hour_reproduces_nhs_englands_icb_figures(nhse: Path, reference) -> None:
    workbook = ae.parse_ae_workbook(nhse / "ae_2025-06_provider_workbook_with_system_mapping.xlsx")
    result = benchmarks.four_hour(workbook.providers, *reference)
    assert result.unmapped.empty
    table = result.table.set_index("scope_code")
    systems = workbook.systems.set_index("icb_code")
    icbs = table[table["scope_type"] == "icb"]
    assert (icbs["attendances"] == systems.loc[icbs.index, "attendances_total"]).all()
    assert (icbs["over_4h"] == systems.loc[icbs.index, "over_4h_total"]).all()
    assert round(table.loc["QYG", "four_hour_pct"], 2) == 73.02
    # Ranks: 1..42, in the order of NHS England's published percentages.
    published = systems["four_hour_fraction_published"].astype(float)
    assert sorted(icbs["rank"]) == list(range(1, 43))
    assert (
        icbs["rank"]
        == published.rank(ascending=False, method="min").astype("Int64").loc[icbs.index]
    ).all()
    # England and the North West from NHS England's own rows.
    england = workbook.system_england.iloc[0]
    assert table.loc["ENG", "attendances"] == england["attendances_total"]
    north_west = systems.loc[["QE1", "QOP", "QYG"]]
    assert table.loc["Y62", "attendances"] == north_west["attendances_total"].sum()
    assert table.loc["Y62", "over_4h"] == north_west["over_4h_total"].sum()


@pytest.mark.nhse
@pytest.mark.parametrize(
    "name",
    ["ae_2023-08_provider_revised.csv", "ae_2023-10_provider.csv", "ae_2023-12_provider.csv"],
)
def test_four_hour_from_2023_csvs(nhse: Path, reference, name: str) -> None:
    month = ae.parse_ae_csv(nhse / name)
    result = benchmarks.four_hour(month.providers, *reference)
    table = result.table.set_index("scope_code")
    total = ae.all_types(month.england_total).iloc[0]
    assert table.loc["ENG", "attendances"] == total["attendances"]
    assert table.loc["ENG", "over_4h"] == total["over_4h"]
    icbs = table[table["scope_type"] == "icb"]
    assert len(icbs) == 42 and icbs["rank"].notna().all()
    assert icbs["rank"].is_unique == icbs["four_hour_pct"].is_unique
    assert set(icbs["rank"]) <= set(range(1, 43)) and icbs["rank"].min() == 1
    # What no mapping places is listed, and everything is counted once.
    assert icbs["attendances"].sum() + result.unmapped["weight"].sum() == total["attendances"]


@pytest.mark.nhse
def test_diagnostics_benchmark_on_dm01(nhse: Path, reference) -> None:
    month = dm01.parse_dm01(nhse / "dm01_2024-11_provider.xls")
    result = benchmarks.diagnostics_within_6w(month.providers, *reference)
    table = result.table.set_index("scope_code")
    england = month.england_total.iloc[0]
    assert table.loc["ENG", "waiting_total"] == england["waiting_total"]
    assert table.loc["ENG", "within_6w_pct"] == pytest.approx(
        100 * (1 - england["waiting_6w_plus"] / england["waiting_total"])
    )
    icbs = table[table["scope_type"] == "icb"]
    assert sorted(icbs["rank"]) == list(range(1, 43))
    assert (
        icbs["waiting_total"].sum() + result.unmapped["weight"].sum() == (england["waiting_total"])
    )
    # The CMAST trusts all map (System Mapping, or ODS for the specialist trusts).
    cmast = set(load.cmast_members()["org_code"])
    assert not cmast & set(result.unmapped["provider_code"])
    qyg = month.providers[
        month.providers["provider_code"].isin(reference[0].query("icb_code == 'QYG'")["org_code"])
    ]
    assert table.loc["QYG", "waiting_total"] == qyg["waiting_total"].sum()

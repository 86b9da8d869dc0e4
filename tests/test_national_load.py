"""NHS England publications through the ledger into the benchmark marts, checked against the
totals NHS England publishes inside the same files."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipeline.national.load import load_national_file
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from tests.conftest import SHARED_NHSE

pytestmark = pytest.mark.nhse

WORKBOOK = "ae_2025-06_provider_workbook_with_system_mapping.xlsx"


@pytest.fixture(scope="module")
def nhse():
    if not SHARED_NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {SHARED_NHSE}; these tests need "
            "../shared beside the project"
        )
    return SHARED_NHSE


def _query(settings, sql, params=None) -> pd.DataFrame:
    with connect(settings) as conn:
        return conn.execute(sql, params or []).df()


def _load(settings, *paths):
    outcomes = [load_national_file(p, settings) for p in paths]
    with connect(settings) as conn:
        build_marts(conn, settings)
    return outcomes


def test_workbook_icb_figures_reproduce_system_level_data(settings, nhse):
    _load(settings, nhse / WORKBOOK)
    ours = _query(
        settings,
        "SELECT scope, attendances, within_4h, four_hour_pct, rank "
        "FROM marts.benchmark_four_hour WHERE scope_type = 'icb'",
    )
    published = _query(
        settings,
        "SELECT icb_code AS scope, attendances_total, over_4h_total, "
        "four_hour_fraction_published FROM raw.nhse_ae_systems",
    )
    both = ours.merge(published, on="scope", validate="one_to_one")
    assert len(both) == 42
    assert (both["attendances"] == both["attendances_total"]).all()
    assert (both["attendances"] - both["within_4h"] == both["over_4h_total"]).all()
    assert (
        (both["four_hour_pct"] / 100 - both["four_hour_fraction_published"]).abs() < 5e-5
    ).all()  # published as a fraction rounded to 4 places
    qyg = both.set_index("scope").loc["QYG"]
    assert qyg["attendances"] == 123_222 and round(qyg["four_hour_pct"], 2) == 73.02
    assert sorted(both["rank"]) == sorted(
        both["four_hour_fraction_published"].rank(ascending=False, method="min").astype(int)
    )
    england = _query(
        settings, "SELECT attendances, within_4h FROM marts.benchmark_four_hour WHERE scope = 'ENG'"
    ).iloc[0]
    total = _query(settings, "SELECT attendances_total FROM raw.nhse_ae_system_england").iloc[0, 0]
    assert england["attendances"] == total == 2_350_478


def test_csv_england_equals_its_total_row(settings, nhse):
    _load(settings, nhse / "ae_2023-10_provider.csv")
    ours = _query(
        settings, "SELECT attendances FROM marts.benchmark_four_hour WHERE scope = 'ENG'"
    ).iloc[0, 0]
    total = _query(
        settings,
        "SELECT attendances_type1 + attendances_type2 + attendances_other "
        "+ attendances_booked_type1 + attendances_booked_type2 "
        "+ attendances_booked_other FROM raw.nhse_ae_england_total",
    ).iloc[0, 0]
    assert ours == total


def test_dm01_england_equals_its_england_row(settings, nhse):
    _load(settings, nhse / "dm01_2024-10_provider.xls")
    ours = _query(
        settings,
        "SELECT waiting_total, over_6w, over_13w FROM "
        "marts.benchmark_diagnostics WHERE scope = 'ENG'",
    ).iloc[0]
    row = _query(
        settings,
        "SELECT waiting_total, waiting_6w_plus, waiting_13w_plus FROM raw.nhse_dm01_england_total",
    ).iloc[0]
    assert list(ours) == list(row)
    ranks = _query(
        settings, "SELECT rank FROM marts.benchmark_diagnostics WHERE scope_type = 'icb'"
    )["rank"]
    assert len(ranks) == 42 and ranks.min() == 1 and ranks.max() <= 42


def test_rtt_extract_loads_and_england_matches_its_total_rows(settings, nhse):
    _load(settings, nhse / "rtt_2026-04_full_extract.csv.zip")
    ours = _query(settings, "SELECT waiting_total FROM marts.benchmark_rtt WHERE scope = 'ENG'")
    # The C_999 "Total" rows, read straight from the published CSV in the zip.
    import zipfile

    with zipfile.ZipFile(nhse / "rtt_2026-04_full_extract.csv.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv") and "MACOSX" not in n)
        with archive.open(name) as handle:
            frame = pd.read_csv(
                handle, usecols=["RTT Part Type", "Treatment Function Code", "Total All"]
            )
    # Incomplete pathways carry their count in "Total All" ("Total" is blank for Part_2).
    published = frame[
        (frame["RTT Part Type"] == "Part_2") & (frame["Treatment Function Code"] == "C_999")
    ]["Total All"].sum()
    assert ours.iloc[0, 0] == published


def test_loading_twice_changes_nothing(settings, nhse):
    path = nhse / "ae_2023-10_provider.csv"
    first = _load(settings, path)[0]
    ledger_before = _query(settings, "SELECT * FROM ledger.submissions")
    rows_before = _query(settings, "SELECT count(*) AS n FROM raw.nhse_ae_providers").iloc[0, 0]
    second = _load(settings, path)[0]
    assert (first.status, second.status) == ("loaded", "duplicate")
    assert _query(settings, "SELECT * FROM ledger.submissions").equals(ledger_before)
    assert _query(settings, "SELECT count(*) FROM raw.nhse_ae_providers").iloc[0, 0] == rows_before


def test_a_revision_replaces_the_figures_and_keeps_the_earlier_version(settings, nhse, tmp_path):
    original = nhse / "ae_2023-10_provider.csv"
    revised = tmp_path / "revised.csv"
    shutil.copy(original, revised)
    lines = revised.read_bytes().split(b"\r\n")
    fields = lines[1].split(b",")  # the first provider: add 1,000 type 1 attendances
    fields[4] = str(int(fields[4]) + 1000).encode()
    lines[1] = b",".join(fields)
    revised.write_bytes(b"\r\n".join(lines))

    _load(settings, original)
    before = _query(
        settings, "SELECT attendances FROM marts.benchmark_four_hour WHERE scope = 'ENG'"
    ).iloc[0, 0]
    outcome = _load(settings, revised)[0]
    assert outcome.status == "loaded"
    after = _query(
        settings, "SELECT attendances FROM marts.benchmark_four_hour WHERE scope = 'ENG'"
    ).iloc[0, 0]
    assert after == before + 1000
    versions = _query(
        settings,
        "SELECT s.status, sum(p.attendances_type1) AS type1 "
        "FROM raw.nhse_ae_providers p JOIN ledger.submissions s "
        "USING (submission_id) GROUP BY s.status ORDER BY s.status",
    )
    assert list(versions["status"]) == ["loaded", "superseded"]
    assert versions["type1"][0] - versions["type1"][1] == 1000
    # Loading the original again changes nothing: the revision stays current.
    assert _load(settings, original)[0].status == "duplicate"
    assert (
        _query(
            settings, "SELECT attendances FROM marts.benchmark_four_hour WHERE scope = 'ENG'"
        ).iloc[0, 0]
        == after
    )


def test_unmapped_providers_are_listed_not_dropped(settings, nhse):
    _load(settings, nhse / "dm01_2024-10_provider.xls")
    unmapped = _query(
        settings,
        "SELECT sum(volume) FROM marts.benchmark_unmapped_providers "
        "WHERE dataset = 'dm01' AND no_icb",
    ).iloc[0, 0]
    parts = _query(
        settings,
        "SELECT scope_type, sum(waiting_total) AS w FROM "
        "marts.benchmark_diagnostics GROUP BY scope_type",
    ).set_index("scope_type")["w"]
    assert parts["icb"] + unmapped == parts["england"]
    # Regions are the file's own: every provider is in one, so they add up to England, while the
    # ICBs (mapped by the reference data, the file giving none) miss the unmapped providers.
    assert parts["region"] == parts["england"] == 1_630_981
    assert parts["icb"] == 1_508_830


# --- geography as published: regions add up to England in every kind of file ----------------


def _regions_and_england(settings, mart, column, basis=None):
    where = f" AND basis = '{basis}'" if basis else ""
    rows = _query(
        settings,
        f"SELECT period, scope_type, scope, {column} AS v FROM marts.{mart} "
        f"WHERE scope_type IN ('region', 'england'){where}",
    )
    regions = rows[rows["scope_type"] == "region"]
    england = rows[rows["scope_type"] == "england"].set_index("period")["v"]
    return regions, england


def test_ae_regions_add_up_to_england_exactly(settings, nhse):
    _load(settings, nhse / "ae_2023-10_provider.csv", nhse / "ae_2023-09_provider_revised.csv")
    for column in ("attendances", "within_4h"):
        regions, england = _regions_and_england(settings, "benchmark_four_hour", column)
        assert len(regions) == 14  # 7 regions x 2 months
        assert (regions.groupby("period")["v"].sum() == england).all()
    # England is the file's own TOTAL row; North West is the sum of the 28 providers the file
    # puts under "NHS ENGLAND NORTH WEST" (69.0% in October 2023, the briefing's comparator).
    _, england = _regions_and_england(settings, "benchmark_four_hour", "attendances")
    total = _query(
        settings,
        "SELECT period, attendances_type1 + attendances_type2 "
        "+ attendances_other + attendances_booked_type1 + attendances_booked_type2 "
        "+ attendances_booked_other AS a FROM raw.nhse_ae_england_total",
    ).set_index("period")["a"]
    assert (england.sort_index() == total.sort_index()).all()
    north_west = _query(
        settings,
        "SELECT four_hour_pct FROM marts.benchmark_four_hour "
        "WHERE scope = 'Y62' AND period = '2023-10'",
    ).iloc[0, 0]
    assert round(north_west, 1) == 69.0


def test_dm01_regions_add_up_to_england_exactly(settings, nhse):
    _load(settings, nhse / "dm01_2024-10_provider.xls")
    for column in ("waiting_total", "over_6w", "over_13w", "activity"):
        regions, england = _regions_and_england(settings, "benchmark_diagnostics", column)
        assert len(regions) == 7
        assert regions["v"].sum() == england.iloc[0]
    _, england = _regions_and_england(settings, "benchmark_diagnostics", "waiting_total")
    row = _query(settings, "SELECT waiting_total FROM raw.nhse_dm01_england_total").iloc[0, 0]
    assert england.iloc[0] == row == 1_630_981


def test_rtt_regions_add_up_to_england_exactly(settings, nhse, rtt_extract):
    _load(settings, nhse / "rtt_2026-04_full_extract.csv.zip")
    for column in ("waiting_total", "within_18w", "over_52w", "over_104w"):
        regions, england = _regions_and_england(settings, "benchmark_rtt", column, "provider")
        assert len(regions) == 7
        assert regions["v"].sum() == england.iloc[0]
    _, england = _regions_and_england(settings, "benchmark_rtt", "waiting_total", "provider")
    assert england.iloc[0] == rtt_extract["england"] == 7_123_980
    # The merged ICBs of 2026 take their region from their trusts, each all in one region.
    found = _query(
        settings,
        "SELECT icb_code, region_code, region_source, regions_found "
        "FROM staging.stg_nhse_icb_regions",
    ).set_index("icb_code")
    assert len(found) == 36 and (found["regions_found"] == 1).all()
    assert found.loc["D7T5G", "region_code"] == "Y61"  # NHS Essex: East of England
    assert found.loc["D7T5G", "region_source"] == "ods_trusts"
    assert found.loc["QYG", "region_code"] == "Y62"


@pytest.fixture(scope="module")
def rtt_extract(nhse, tmp_path_factory):
    """Straight from the published CSV, with DuckDB: incomplete pathways with a known clock
    start (the 105 week bands) and within 18 weeks, per provider parent and per commissioner
    parent, from the file's own C_999 Total rows."""
    import duckdb

    folder = tmp_path_factory.mktemp("rtt")
    import zipfile

    with zipfile.ZipFile(nhse / "rtt_2026-04_full_extract.csv.zip") as archive:
        (name,) = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        csv_path = archive.extract(name, folder)
    con = duckdb.connect()
    bands = [
        r[0]
        for r in con.execute("DESCRIBE SELECT * FROM read_csv(?)", [csv_path]).fetchall()
        if r[0].startswith("Gt ")
    ]
    every = " + ".join(f'coalesce("{b}", 0)' for b in bands)
    first18 = " + ".join(f'coalesce("{b}", 0)' for b in bands[:18])
    totals = {}
    for basis, column in (
        ("provider", "Provider Parent Org Code"),
        ("commissioner", "Commissioner Parent Org Code"),
    ):
        totals[basis] = (
            con.execute(
                f"SELECT coalesce(\"{column}\", 'NONE') AS code, sum({every}) AS waiting, "
                f"sum({first18}) AS within_18w FROM read_csv(?) WHERE \"RTT Part Type\" = 'Part_2' "
                f"AND \"Treatment Function Code\" = 'C_999' GROUP BY 1",
                [csv_path],
            )
            .df()
            .set_index("code")
        )
    con.close()
    return {**totals, "england": int(totals["provider"]["waiting"].sum())}


def test_both_rtt_bases_reproduce_the_files_totals_per_parent_code(settings, nhse, rtt_extract):
    _load(settings, nhse / "rtt_2026-04_full_extract.csv.zip")
    for basis in ("provider", "commissioner"):
        ours = _query(
            settings,
            "SELECT scope, waiting_total, within_18w, rank, ranked_of "
            "FROM marts.benchmark_rtt WHERE scope_type = 'icb' AND basis = ?",
            [basis],
        ).set_index("scope")
        theirs = rtt_extract[basis].drop(index="NONE", errors="ignore")
        assert sorted(ours.index) == sorted(theirs.index)
        assert (ours["waiting_total"] == theirs.loc[ours.index, "waiting"]).all()
        assert (ours["within_18w"] == theirs.loc[ours.index, "within_18w"]).all()
        england = _query(
            settings,
            "SELECT waiting_total FROM marts.benchmark_rtt WHERE scope = 'ENG' AND basis = ?",
            [basis],
        ).iloc[0, 0]
        assert england == rtt_extract["england"]  # blank commissioner parents count in England
        # Ranks of N: N = the 36 ICBs of the 2026 file, ranked on the file's own counts.
        assert (ours["ranked_of"] == 36).all()
        expected = (theirs["within_18w"] / theirs["waiting"]).rank(ascending=False, method="min")
        assert (ours["rank"] == expected.loc[ours.index].astype(int)).all()
    # The provider basis now keeps C&M's independent-sector providers (Spire Liverpool ...).
    qyg = _query(
        settings,
        "SELECT waiting_total FROM marts.benchmark_rtt WHERE scope = 'QYG' AND basis = 'provider'",
    ).iloc[0, 0]
    assert qyg == rtt_extract["provider"].loc["QYG", "waiting"]
    spire = _query(
        settings,
        "SELECT count(*) FROM staging.stg_nhse_rtt_incomplete "
        "WHERE icb_code = 'QYG' AND provider_name ILIKE '%spire%'",
    ).iloc[0, 0]
    assert spire >= 2


def test_rtt_headlines_say_their_basis_and_rank_of_36(settings, nhse):
    from pipeline.metrics.headlines import build_headlines, load_inputs

    _load(settings, nhse / "rtt_2026-04_full_extract.csv.zip")
    with connect(settings) as conn:
        records = build_headlines(load_inputs(conn), "2026-04")
    by_id = {(r.id, r.scope): r for r in records}
    provider = by_id[("benchmark.rtt.within_18w_rank", "QYG")]
    commissioner = by_id[("benchmark.rtt.by_commissioner.within_18w_rank", "QYG")]
    assert (provider.basis, commissioner.basis) == ("provider", "commissioner")
    assert provider.denominator == commissioner.denominator == 36
    assert f"{provider.value} of 36" in provider.text
    assert "by provider" in provider.text and "by commissioner" in commissioner.text


def test_a_file_that_is_not_a_publication_is_refused(settings, nhse):
    outcome = load_national_file(nhse / "ods_etr_trusts_2025-07.csv", settings)
    assert outcome.status == "rejected"
    assert "neither the A&E provider CSV nor the RTT full extract" in outcome.message

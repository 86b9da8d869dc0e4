"""RTT full extract (April 2026): our per-TFC tables against the file's own C_999 Total rows,
computed here independently with DuckDB. The 80 MB extract is parsed once per module."""

from __future__ import annotations

import zipfile
from pathlib import Path

import duckdb
import pytest

from pipeline.national import rtt

NHSE = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "nhse"
ZIP = "rtt_2026-04_full_extract.csv.zip"

pytestmark = [pytest.mark.nhse, pytest.mark.slow]


@pytest.fixture(scope="module")
def nhse() -> Path:
    if not NHSE.is_dir():
        pytest.skip(
            f"NHS England reference files not found at {NHSE}; "
            "these tests need ../shared beside the project"
        )
    return NHSE


@pytest.fixture(scope="module")
def parsed(nhse: Path) -> rtt.RttMonth:
    return rtt.parse_rtt_extract(nhse / ZIP)


@pytest.fixture(scope="module")
def c999(nhse: Path, tmp_path_factory) -> dict[str, dict[str, int]]:
    """From the raw CSV: per part, England sums over the C_999 rows and over the other TFCs."""
    folder = tmp_path_factory.mktemp("rtt")
    with zipfile.ZipFile(nhse / ZIP) as archive:
        (name,) = [n for n in archive.namelist() if not n.startswith("__MACOSX/")]
        csv_path = archive.extract(name, folder)
    con = duckdb.connect()
    columns = [
        r[0] for r in con.execute("DESCRIBE SELECT * FROM read_csv(?)", [csv_path]).fetchall()
    ]
    bands = [c for c in columns if c.startswith("Gt ")]
    assert len(bands) == 105

    def band_sum(first: int, last: int | None = None) -> str:
        chosen = bands[first:last]
        return " + ".join(f'coalesce("{b}", 0)' for b in chosen)

    query = f"""
        SELECT "RTT Part Type" AS part,
               "Treatment Function Code" = 'C_999' AS is_total,
               sum("Total All") AS total_all,
               sum({band_sum(0, 18)}) AS within_18w,
               sum({band_sum(52)}) AS over_52w,
               sum({band_sum(104)}) AS over_104w,
               sum("Total All") FILTER (WHERE "Provider Org Code" = 'REM') AS rem_total
        FROM read_csv(?)
        WHERE "RTT Part Type" IN ('Part_2', 'Part_2A')
        GROUP BY ALL
    """
    rows = con.execute(query, [csv_path]).df()
    con.close()
    return {
        f"{r.part}/{'c999' if r.is_total else 'tfcs'}": {
            "total": int(r.total_all),
            "within_18w": int(r.within_18w),
            "over_52w": int(r.over_52w),
            "over_104w": int(r.over_104w),
            "rem": int(r.rem_total),
        }
        for r in rows.itertuples()
    }


def test_c999_rows_equal_the_sum_of_tfcs_in_the_file(c999) -> None:
    assert c999["Part_2/c999"] == c999["Part_2/tfcs"]
    assert c999["Part_2A/c999"] == c999["Part_2A/tfcs"]


def test_england_waiting_list_equals_the_files_total_rows(parsed, c999) -> None:
    ours = parsed.incomplete.groupby("pathway_type")[
        ["total", "within_18w", "over_52w", "over_104w"]
    ].sum()
    for part, pathway in (("Part_2", "incomplete"), ("Part_2A", "admitted")):
        theirs = c999[f"{part}/c999"]
        for column in ("total", "within_18w", "over_52w", "over_104w"):
            assert ours.loc[pathway, column] == theirs[column], (part, column)
    assert ours.loc["incomplete", "total"] == 7_123_980
    rem = parsed.incomplete.query("provider_code == 'REM' and pathway_type == 'incomplete'")
    assert rem["total"].sum() == c999["Part_2/c999"]["rem"]


def test_admitted_plus_non_admitted_is_incomplete(parsed) -> None:
    wide = parsed.incomplete.pivot_table(
        index=["provider_code", "tfc_code"],
        columns="pathway_type",
        values="total",
        aggfunc="sum",
        fill_value=0,
    )
    assert (wide["admitted"] + wide["non_admitted"] == wide["incomplete"]).all()


def test_week_bands_behind_the_summary(parsed) -> None:
    weeks = parsed.incomplete_weeks
    assert (weeks["pathways"] != 0).all()
    incomplete = weeks[weeks["pathway_type"] == "incomplete"]
    summary = parsed.incomplete[parsed.incomplete["pathway_type"] == "incomplete"]
    assert incomplete["pathways"].sum() == summary["total"].sum()
    assert incomplete.loc[incomplete["weeks_over"] < 18, "pathways"].sum() == (
        summary["within_18w"].sum()
    )
    assert incomplete.loc[incomplete["weeks_over"] >= 65, "pathways"].sum() == (
        summary["over_65w"].sum()
    )


def test_shape_and_labels(parsed) -> None:
    assert parsed.period == "2026-04"
    assert parsed.kind == "rtt_full_extract_zip"
    assert "999" not in set(parsed.incomplete["tfc_code"])
    assert {"110", "X02"} <= set(parsed.incomplete["tfc_code"])
    assert set(parsed.incomplete["pathway_type"]) == {"incomplete", "admitted", "non_admitted"}
    qyg = parsed.incomplete.query("provider_code == 'REM'")["provider_parent_code"]
    assert set(qyg) == {"QYG"}

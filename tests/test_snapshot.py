"""The read-only snapshot report writers use, and `cmast query` over it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline.ingest import process_file
from pipeline.metrics.catalogue import table_rows
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from pipeline.warehouse.snapshot import (
    exported_relations,
    parquet_dir,
    publish_snapshot,
    snapshot_path,
)
from tests.conftest import drop_bytes, drop_csv, uec_rows

runner = CliRunner()


def _query(settings, *args):
    return runner.invoke(app, ["--data-dir", str(settings.data_dir), "query", *args])


@pytest.fixture
def published(settings):
    """Two trusts' returns loaded, one file rejected, and the snapshot published."""
    process_file(drop_csv(settings, uec_rows(days=3), name="a.csv"), settings)
    process_file(
        drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=2), org="RWW", name="b.csv"),
        settings,
    )
    process_file(drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv"), settings)
    publish_snapshot(settings)
    return settings


def test_the_snapshot_holds_every_reporting_relation_as_the_warehouse_has_it(published):
    settings = published
    parquet = parquet_dir(settings)
    with connect(settings) as conn:
        relations = exported_relations(conn)
        assert "ledger.submissions" in relations and "staging.stg_uec_daily" in relations
        assert {p.stem for p in parquet.glob("*.parquet")} == set(relations)
        for name in relations:
            # Same rows both ways round, duplicates counted: the Parquet file is the relation.
            for first, second in (
                (f"read_parquet('{parquet / name}.parquet')", name),
                (name, f"read_parquet('{parquet / name}.parquet')"),
            ):
                extra = conn.execute(
                    f"SELECT count(*) FROM (SELECT * FROM {first} "
                    f"EXCEPT ALL SELECT * FROM {second})"
                ).fetchall()[0][0]
                assert extra == 0, name
    manifest = json.loads((snapshot_path(settings).parent / "manifest.json").read_text())
    assert manifest["submissions"] == 3
    assert manifest["parquet"]["ledger.submissions.parquet"] == 3
    # Every day of October for each trust: 3 and 2 days with counts, the rest marked closed.
    assert manifest["parquet"]["staging.stg_uec_daily.parquet"] == 62


def test_once_the_marts_are_built_the_snapshot_holds_the_figure_catalogue(published):
    """The catalogue beside the figures, for joining a figure's unit and label to its values."""
    with connect(published) as conn:
        assert "meta.figures" not in exported_relations(conn)  # not built yet
        build_marts(conn, published)
    publish_snapshot(published)
    manifest = json.loads((snapshot_path(published).parent / "manifest.json").read_text())
    assert manifest["parquet"]["meta.figures.parquet"] == len(table_rows())
    units = pd.read_parquet(parquet_dir(published) / "meta.figures.parquet").set_index("id")
    assert units.loc["uec.four_hour_pct", "unit"] == "percent"
    assert units.loc["finance.system.ytd_surplus_deficit", "unit"] == "gbp_thousands"


def test_a_relation_dropped_since_the_last_snapshot_leaves_no_parquet_behind(published):
    stale = parquet_dir(published) / "marts.no_longer_built.parquet"
    stale.write_bytes(b"old")
    publish_snapshot(published)
    assert not stale.exists()
    assert not list(snapshot_path(published).parent.rglob("*.partial"))


def test_query_prints_a_table_csv_or_json(published):
    sql = (
        "SELECT org_code, count(*) AS days FROM staging.stg_uec_daily "
        "WHERE NOT site_closed GROUP BY org_code ORDER BY org_code"
    )
    table = _query(published, sql)
    assert table.exit_code == 0, table.output
    assert "RJR" in table.output and "RWW" in table.output and "2 rows" in table.output
    as_csv = _query(published, "--csv", sql)
    assert as_csv.stdout.splitlines() == ["org_code,days", "RJR,3", "RWW,2"]
    as_json = _query(published, "--json", sql)
    assert json.loads(as_json.stdout) == [
        {"org_code": "RJR", "days": 3},
        {"org_code": "RWW", "days": 2},
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM ledger.submissions",
        "INSERT INTO ledger.submissions SELECT * FROM ledger.submissions",
        "CREATE TABLE mine AS SELECT 1",
        "DROP VIEW staging.stg_uec_daily",
        "COPY ledger.submissions TO 'copy.csv'",
        "ATTACH 'other.duckdb' AS other",
        "SELECT 1; SELECT 2",
    ],
)
def test_query_refuses_anything_but_one_read(published, sql):
    result = _query(published, sql)
    assert result.exit_code == 2
    assert "Refused" in result.stderr
    assert (
        _query(published, "--json", "SELECT count(*) AS n FROM ledger.submissions").stdout.count(
            '"n":3'
        )
        == 1
    )


def test_query_cannot_reach_other_files(published, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    result = _query(published, f"SELECT * FROM read_csv('{secret}')")
    assert result.exit_code == 1
    assert "disabled" in result.stderr


def test_query_before_anything_is_published_says_so(settings):
    result = _query(settings, "SELECT 1")
    assert result.exit_code == 1
    assert "No snapshot" in result.stderr


def test_query_reads_while_another_process_holds_the_live_warehouse(published):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
            "print('holding', flush=True); sys.stdin.read()",
            str(published.warehouse_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = _query(published, "--csv", "SELECT count(*) AS n FROM ledger.submissions")
    finally:
        holder.communicate("")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["n", "3"]


def test_cmast_snapshot_publishes_on_demand(settings):
    process_file(drop_csv(settings, uec_rows(days=1), name="a.csv"), settings)
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "snapshot", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1 submissions" in result.output
    assert snapshot_path(settings).exists()


@pytest.mark.prefect
def test_the_nightly_rebuild_builds_the_marts_and_publishes_them(settings, prefect_harness):
    from flows.marts import rebuild_marts

    process_file(drop_csv(settings, uec_rows(days=2), name="a.csv"), settings)
    built = rebuild_marts(data_dir=str(settings.data_dir))
    assert built and all(name.startswith("marts.") for name in built)
    exported = {p.stem for p in parquet_dir(settings).glob("*.parquet")}
    assert set(built) <= exported

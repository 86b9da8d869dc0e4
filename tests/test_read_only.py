"""Commands that only read never write: the warehouse file is the same bytes after them, and
none is created where there was none (docs/robustness.md, Reads never write)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace

from typer.testing import CliRunner

from cmast.app import app
from pipeline.ingest import process_file
from pipeline.warehouse import connect
from pipeline.warehouse.models import marts_are_current
from tests.conftest import drop_csv, uec_rows

runner = CliRunner()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_headlines_with_marts_out_of_date_read_a_private_copy(settings):
    process_file(drop_csv(settings, uec_rows(days=3)), settings)  # no marts built after it
    with connect(settings, read_only=True) as conn:
        assert not marts_are_current(conn, settings)
    before = _sha(settings.warehouse_path)
    result = runner.invoke(
        app,
        [
            "--data-dir",
            str(settings.data_dir),
            "headlines",
            "--period",
            "2023-10",
            "--scope",
            "RJR",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    records = {r["id"]: r["value"] for r in json.loads(result.output)}
    # Three days of 3*d type 1 patients over 12 hours (by hand: 3 + 6 + 9).
    assert records["uec.type1_over_12h"] == 18
    assert _sha(settings.warehouse_path) == before
    with connect(settings, read_only=True) as conn:
        assert not marts_are_current(conn, settings)  # still: the read changed nothing


def test_status_in_a_data_root_that_received_nothing_creates_nothing(settings):
    result = runner.invoke(app, ["--data-dir", str(settings.data_dir), "status", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
    assert not settings.warehouse_path.exists()


def test_marts_out_of_date_says_so_without_writing(settings):
    """What a briefing asks before it takes the writer's turn: yes after a load the marts have
    not followed, no once they are rebuilt; the file the same bytes after each answer."""
    from pipeline.warehouse.rebuild import marts_out_of_date, refresh_marts

    process_file(drop_csv(settings, uec_rows(days=3)), settings)  # no marts built after it
    before = _sha(settings.warehouse_path)
    assert marts_out_of_date(settings)
    assert _sha(settings.warehouse_path) == before
    assert refresh_marts(settings)
    rebuilt = _sha(settings.warehouse_path)
    assert not marts_out_of_date(settings)
    assert _sha(settings.warehouse_path) == rebuilt
    process_file(drop_csv(settings, uec_rows(days=4), name="again.csv"), settings)
    assert marts_out_of_date(settings)  # a later submission: out of date again


def test_marts_built_from_other_sql_are_out_of_date_until_rebuilt(settings, tmp_path):
    """A new version's SQL (or figure catalogue) counts as much as a new submission: the marts
    an older version built are out of date, a read brings a private copy up to date, and the
    next writer rebuilds them; a warehouse whose record of its build predates the fingerprint
    is out of date too."""
    from pipeline.warehouse.rebuild import marts_out_of_date, refresh_marts

    process_file(drop_csv(settings, uec_rows(days=3)), settings)
    assert refresh_marts(settings) and not marts_out_of_date(settings)
    sql = tmp_path / "sql"
    shutil.copytree(settings.sql_dir, sql)
    changed = sql / "marts" / "uec_monthly.sql"
    changed.write_text(changed.read_text() + "\n-- A later version's comment is a change too.\n")
    upgraded = replace(settings, sql_dir=sql)
    before = _sha(settings.warehouse_path)
    assert marts_out_of_date(upgraded) and not marts_out_of_date(settings)
    assert _sha(settings.warehouse_path) == before  # asking wrote nothing
    assert refresh_marts(upgraded) and not marts_out_of_date(upgraded)
    assert marts_out_of_date(settings)  # built from the changed SQL now

    with connect(upgraded) as conn:  # as the previous version recorded its builds
        conn.execute("CREATE OR REPLACE TABLE meta.marts_built (built_after BIGINT)")
        conn.execute(
            "INSERT INTO meta.marts_built SELECT max(submission_id) FROM ledger.submissions"
        )
        assert not marts_are_current(conn, upgraded)

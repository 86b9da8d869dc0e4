"""The warehouse lost or damaged: never replaced silently, and `cmast rebuild` brings back the
ledger, the raw rows and the figures exactly as they were (docs/robustness.md, Recovery)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.ingest import process_file
from pipeline.warehouse import connect
from pipeline.warehouse.connection import WarehouseMissing
from pipeline.warehouse.rebuild import refresh_marts
from pipeline.warehouse.snapshot import SnapshotRefused, publish_snapshot, snapshot_path
from tests.conftest import drop_bytes, drop_csv, on_open_days, uec_rows


def _cmast(settings, *args):
    env = {**os.environ, "CMAST_SETTLE_SECONDS": "0", "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "cmast", "--data-dir", str(settings.data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=600,
    )


def _contents(settings) -> dict:
    """The ledger and every raw table, row for row, in a stable order."""
    conn = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        tables = conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('ledger', 'raw') ORDER BY ALL"
        ).fetchall()
        return {
            f"{s}.{t}": sorted(map(repr, conn.execute(f'SELECT * FROM "{s}"."{t}"').fetchall()))
            for s, t in tables
        }
    finally:
        conn.close()


@pytest.fixture
def received(settings):
    """Two trusts' returns, a correction superseding one, the first sent again (a revert: a
    new current submission), a rejected file; the marts built and the snapshot published, as
    after an ingest run. Four submissions have rows: v1 and v2 (superseded), v1 again, b."""
    process_file(drop_csv(settings, uec_rows(days=3), name="v1.csv"), settings)
    process_file(
        drop_csv(settings, on_open_days(uec_rows(days=3), type3_attendances=60), name="v2.csv"),
        settings,
    )
    process_file(drop_csv(settings, uec_rows(days=3), name="v1 again.csv"), settings)
    process_file(
        drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=2), org="RWW", name="b.csv"),
        settings,
    )
    process_file(drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv"), settings)
    refresh_marts(settings)
    publish_snapshot(settings)
    return settings


def test_a_deleted_warehouse_is_refused_then_rebuilt_as_it_was(received):
    settings = received
    before = _contents(settings)
    assert len(before["ledger.submissions"]) == 5
    figures = _cmast(settings, "headlines", "--period", "2023-10", "--json")
    assert figures.returncode == 0, figures.stderr

    settings.warehouse_path.unlink()
    status = _cmast(settings, "status")
    assert status.returncode == 1
    assert "cmast rebuild" in status.stderr and "archive/" in status.stderr
    assert not settings.warehouse_path.exists()  # a read never creates it
    waiting = drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=4), org="RWW", name="c.csv")
    with pytest.raises(WarehouseMissing, match="cmast rebuild"):
        process_file(waiting, settings)
    assert waiting.exists() and not settings.warehouse_path.exists()

    rebuilt = _cmast(settings, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "5 submissions" in rebuilt.stdout and "rows of 4 loaded or superseded" in rebuilt.stdout
    assert _contents(settings) == before
    again = _cmast(settings, "headlines", "--period", "2023-10", "--json")
    assert json.loads(again.stdout) == json.loads(figures.stdout)
    # The numbering goes on from the ledger's last id: the next file is submission 6.
    assert process_file(waiting, settings).submission_id == 6


def test_a_truncated_warehouse_is_refused_and_rebuilt(received):
    settings = received
    before = _contents(settings)
    size = settings.warehouse_path.stat().st_size
    with settings.warehouse_path.open("r+b") as handle:
        handle.truncate(size // 2)
    status = _cmast(settings, "status")
    assert status.returncode == 1
    assert "damaged" in status.stderr and "cmast rebuild" in status.stderr
    assert "Traceback" not in status.stderr
    with pytest.raises(Exception, match="damaged"):
        process_file(
            drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=4), org="RWW", name="c.csv"),
            settings,
        )

    rebuilt = _cmast(settings, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "kept as" in rebuilt.stdout  # the damaged file is set aside, never deleted
    assert _contents(settings) == before


def test_a_sound_warehouse_is_not_rebuilt_without_force(received):
    result = _cmast(received, "rebuild")
    assert result.returncode == 1
    assert "Not rebuilt" in result.stderr and "passes its checks" in result.stderr


def test_a_snapshot_is_never_replaced_by_one_with_fewer_submissions(received):
    settings = received
    published = snapshot_path(settings).read_bytes()
    settings.warehouse_path.unlink()
    with connect(settings, create=True):  # an empty warehouse put in its place by hand
        pass
    process_file(
        drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=4), org="RWW", name="c.csv"),
        settings,
    )
    with pytest.raises(SnapshotRefused, match="holds 1 submissions .* holds 5"):
        publish_snapshot(settings)
    assert snapshot_path(settings).read_bytes() == published

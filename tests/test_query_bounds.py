"""`cmast query` is bounded: a time limit and a memory cap (settings), and DuckDB's spill
folder is never inside the published snapshot (docs/robustness.md)."""

from __future__ import annotations

import os
import subprocess
import sys

from pipeline.config import PROJECT_ROOT
from pipeline.ingest import process_file
from pipeline.warehouse.snapshot import publish_snapshot, snapshot_dir
from tests.conftest import drop_csv, uec_rows


def _query(settings, sql, **env):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cmast",
            "--data-dir",
            str(settings.data_dir),
            "query",
            sql,
            "--csv",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        env={**os.environ, "COLUMNS": "250", **env},
    )


def _published(settings):
    process_file(drop_csv(settings, uec_rows(days=2)), settings)
    publish_snapshot(settings)


def test_a_query_over_its_time_limit_is_stopped_with_what_to_do(settings):
    _published(settings)
    result = _query(
        settings,
        "SELECT sum(a.range * b.range) FROM range(100000000) a, range(100000000) b",
        CMAST_QUERY_SECONDS="1",
    )
    assert result.returncode == 1
    assert "stopped after 1 s" in result.stderr and "CMAST_QUERY_SECONDS" in result.stderr


def test_a_query_beyond_its_memory_spills_outside_the_snapshot(settings):
    _published(settings)
    before = sorted(p.name for p in snapshot_dir(settings).rglob("*"))
    # Sorting 20 million rows needs several hundred MB: with 64 MB it must spill to finish.
    result = _query(
        settings,
        "SELECT count(*) AS n FROM (SELECT range FROM range(20000000) "
        "ORDER BY hash(range) LIMIT 20000000)",
        CMAST_QUERY_MEMORY_MB="64",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", "20000000"]
    assert sorted(p.name for p in snapshot_dir(settings).rglob("*")) == before

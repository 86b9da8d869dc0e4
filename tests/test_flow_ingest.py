"""The ingest flow on a real (temporary) Prefect server."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import drop_bytes, drop_csv, uec_rows

pytestmark = pytest.mark.prefect


@pytest.fixture(autouse=True)
def _settled(monkeypatch):
    # The flow builds its own settings from the environment: count files as settled at once.
    monkeypatch.setenv("CMAST_SETTLE_SECONDS", "0")
    # A writer waits this long for a locked warehouse before its attempt fails (default 60 s).
    monkeypatch.setenv("CMAST_LOCK_WAIT_SECONDS", "1")


def test_flow_loads_good_files_and_quarantines_bad_ones(settings, prefect_harness):
    from flows.ingest import ingest_inbox

    drop_csv(settings, uec_rows(days=2), org="RJR", name="good.csv", mtime=1_700_000_000)
    drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=1), org="RWW", name="good.csv")
    drop_bytes(settings, b"not,a,return\n1,2,3\n", org="RJR", name="bad.csv")
    drop_csv(settings, uec_rows(days=2), org="RJR", name="good_again.csv", mtime=1_700_000_100)

    outcomes = ingest_inbox(data_dir=str(settings.data_dir))

    by_name = {(o["org_code"], o["file_name"]): o["status"] for o in outcomes}
    assert by_name == {("RJR", "good.csv"): "loaded", ("RWW", "good.csv"): "loaded",
                       ("RJR", "bad.csv"): "rejected", ("RJR", "good_again.csv"): "duplicate"}
    assert not any(p.is_file() for p in settings.inbox.rglob("*"))
    # Running the flow again finds nothing to do and changes nothing.
    assert ingest_inbox(data_dir=str(settings.data_dir)) == []


def test_a_locked_warehouse_fails_files_without_losing_them(settings, prefect_harness):
    """Another process holding the warehouse: each file is retried, then reported and left in
    the inbox; the flow itself completes, and the next run loads them."""
    from flows.ingest import ingest_inbox
    from pipeline.warehouse import connect

    with connect(settings):
        pass  # create and migrate the warehouse first
    first = drop_csv(settings, uec_rows(days=1), org="RJR", name="a.csv")
    second = drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=1), org="RWW",
                      name="b.csv")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('holding', flush=True); time.sleep(120)", str(settings.warehouse_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        outcomes = ingest_inbox(data_dir=str(settings.data_dir))
    finally:
        holder.kill()
        holder.wait()
    assert [o["status"] for o in outcomes] == ["failed", "failed"]
    assert "lock" in outcomes[0]["message"].lower()
    assert first.exists() and second.exists()
    assert [o["status"] for o in ingest_inbox(data_dir=str(settings.data_dir))] == [
        "loaded", "loaded"]

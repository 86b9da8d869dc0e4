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
    assert by_name == {
        ("RJR", "good.csv"): "loaded",
        ("RWW", "good.csv"): "loaded",
        ("RJR", "bad.csv"): "rejected",
        ("RJR", "good_again.csv"): "duplicate",
    }
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
    second = drop_csv(settings, uec_rows(org="RWW", site="RWW01", days=1), org="RWW", name="b.csv")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "print('holding', flush=True); time.sleep(120)",
            str(settings.warehouse_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
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
        "loaded",
        "loaded",
    ]


def test_the_run_shows_its_outcomes_in_prefect(settings, prefect_harness):
    """Read back through Prefect's API: a run that quarantined a file is named and tagged so,
    its task runs are named by trust and file, its artifacts give a row per file, and its
    alert carries the run's id and UI address."""
    import json

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        TaskRunFilter,
        TaskRunFilterFlowRunId,
    )

    from flows.ingest import ingest_inbox
    from pipeline import alerts

    drop_csv(settings, uec_rows(days=2), org="RJR", name="first.csv", mtime=1_700_000_000)
    drop_bytes(settings, b"not,a,return\n1,2,3\n", org="RWW", name="bad.csv")
    ingest_inbox(data_dir=str(settings.data_dir))
    # A corrected resubmission replaces first.csv: the table says so.
    drop_csv(settings, uec_rows(days=3), org="RJR", name="second.csv")
    state = ingest_inbox(data_dir=str(settings.data_dir), return_state=True)
    assert (state.type.value, state.name) == ("COMPLETED", "Loaded")

    with get_client(sync_client=True) as client:
        runs = sorted(client.read_flow_runs(), key=lambda r: r.created)
        first, second = runs[-2], runs[-1]
        assert (first.state.name, second.state.name) == ("Quarantined", "Loaded")
        assert "quarantined" in first.tags and "quarantined" not in second.tags
        names = {
            t.name
            for t in client.read_task_runs(
                task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[first.id]))
            )
        }
        assert {"RJR/first.csv", "RWW/bad.csv"} <= names
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[first.id, second.id])
            )
        )
    by_key = {(a.key, a.flow_run_id): a for a in artifacts}
    table = by_key[("inbox-outcomes", first.id)].data
    rows = json.loads(table) if isinstance(table, str) else table
    rows = {r["file"]: r for r in rows}
    assert rows["first.csv"] | {"feedback": ""} == {
        "file": "first.csv",
        "trust": "RJR",
        "return": "uec",
        "period": "2023-10",
        "outcome": "loaded",
        "rows": 31,
        "superseded": "",
        "problems": "",
        "feedback": "",
    }
    assert rows["bad.csv"]["outcome"] == "rejected" and rows["bad.csv"]["problems"]
    assert rows["bad.csv"]["feedback"].startswith("quarantine/RWW/")
    second_rows = by_key[("inbox-outcomes", second.id)].data
    second_rows = json.loads(second_rows) if isinstance(second_rows, str) else second_rows
    assert [(r["file"], r["superseded"], r["rows"]) for r in second_rows] == [
        ("second.csv", "first.csv", 31)
    ]  # every day of October, each file
    summary = by_key[("inbox-summary", first.id)].data
    assert "2 file(s): 1 loaded, 1 rejected" in summary and "RWW bad.csv" in summary
    quarantined = [a for a in alerts.recorded(settings) if a["kind"] == "quarantined"]
    assert [a["run_id"] for a in quarantined] == [str(first.id)]
    assert quarantined[0]["run_url"].endswith(f"/runs/flow-run/{first.id}")

"""`cmast serve` for real: its own Prefect server on a free loopback port, the deployments served,
files dropped into the inbox, report writers reading the snapshot meanwhile, other ingest runs
started beside it, and a clean stop on SIGTERM.

The tests share one `cmast serve` process (starting a server is the slow part) and run in file
order: the last one stops it. Waits are bounded by generous deadlines, never asserted on.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline.config import PROJECT_ROOT, Settings, load_settings
from tests.conftest import uec_rows

pytestmark = [pytest.mark.prefect, pytest.mark.slow]

CMAST = str(Path(sys.executable).with_name("cmast"))
#: Generous: a loaded two-core machine takes 30 s or more to start a server and a run.
DEADLINE_SECONDS = 240
#: One trust's type 1 site each, so every file is a distinct, valid return.
SITES = {
    "RBL": "RBL14",
    "RBN": "RBN01",
    "RBS": "RBS25",
    "RBT": "RBT20",
    "REM": "REM21",
    "RJN": "RJN71",
    "RJR": "RJR05",
    "RWW": "RWW01",
}

#: Days in the months of 2023 the files of eight trusts cover: a return covers its whole month.
DAYS_IN_2023 = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31}

_runner = CliRunner()


def _environment(settings: Settings, prefect_home: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CMAST_"))
    }  # nothing from this test process
    env.update(
        PREFECT_HOME=str(prefect_home),
        CMAST_DATA_DIR=str(settings.data_dir),
        CMAST_SETTLE_SECONDS="0",
        CMAST_PREFECT_PORT="0",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        # Look for due runs every 2 s rather than 10: only the wait gets shorter.
        PREFECT_RUNNER_POLL_FREQUENCY="2",
    )
    return env


def _drop(settings: Settings, org: str, frame: pd.DataFrame, name: str) -> Path:
    """As a careful sender does: written beside the inbox, then renamed into it whole."""
    path = settings.inbox / org / name
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{name}.partial")  # hidden: scans skip it
    frame.to_csv(partial, index=False)
    os.replace(partial, path)
    return path


def _query(settings: Settings, sql: str) -> list[dict] | None:
    """Rows from the snapshot through `cmast query --json`, or None while there is none."""
    result = _runner.invoke(app, ["--data-dir", str(settings.data_dir), "query", "--json", sql])
    return json.loads(result.stdout) if result.exit_code == 0 else None


def _wait_for(condition, what: str, served=None):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if served is not None and served["process"].poll() is not None:
            break
        time.sleep(1)
    log = served["stderr"].read_text()[-3000:] if served else ""
    pytest.fail(f"Gave up waiting for {what}. serve's log ends:\n{log}")


def _loaded(settings: Settings, names: list[str]):
    def check():
        rows = _query(settings, "SELECT file_name, status FROM ledger.submissions")
        if rows is None:
            return None
        loaded = {r["file_name"] for r in rows if r["status"] == "loaded"}
        return rows if set(names) <= loaded else None

    return check


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`cmast serve --interval 5` on a data root and Prefect home of its own."""
    root = tmp_path_factory.mktemp("serve")
    settings = Settings(**{**load_settings(root / "data").__dict__, "settle_seconds": 0.0})
    settings.ensure_dirs()
    env = _environment(settings, root / "prefect")
    stdout, stderr = root / "serve.out", root / "serve.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        process = subprocess.Popen(
            [CMAST, "serve", "--interval", "5"], env=env, stdout=out, stderr=err, cwd=PROJECT_ROOT
        )
    state = {
        "process": process,
        "settings": settings,
        "env": env,
        "stdout": stdout,
        "stderr": stderr,
        "started": time.monotonic(),
    }
    yield state
    if process.poll() is None:  # a test failed before the one that stops it
        process.terminate()  # as an operator would: serve then stops its server
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()  # its server and serving process end with it
            process.wait()


def _ingest_runs(served) -> list[dict]:
    return _post(
        _api_url(served) + "/flow_runs/filter",
        {
            "flow_runs": {"deployment_id": {"is_null_": False}},
            "flows": {"name": {"any_": ["ingest-inbox"]}},
        },
    )


def test_no_run_while_the_inbox_stays_empty(served):
    """Three full looks over an empty inbox (--interval 5) and a file that never settles
    (hidden, as a sender's partial file is): no run at all."""
    settings = served["settings"]
    _wait_for(
        lambda: served["stdout"].exists() and "Serving:" in served["stdout"].read_text(),
        "serve to start",
        served,
    )
    hidden = settings.inbox / "RJR" / ".half-written.csv"
    hidden.parent.mkdir(parents=True, exist_ok=True)
    hidden.write_text("org_code,site_code\n")
    time.sleep(16)
    hidden.unlink()
    assert _ingest_runs(served) == []


def test_a_dropped_file_is_loaded_while_report_writers_read_the_snapshot(served):
    settings = served["settings"]
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(settings.data_dir)],
        env=served["env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    try:
        _drop(settings, "RJR", uec_rows(org="RJR", site="RJR05", days=3), "first.csv")
        _wait_for(_loaded(settings, ["first.csv"]), "first.csv to be loaded", served)
        # A second load publishes a new snapshot over the one being read.
        _drop(settings, "RWW", uec_rows(org="RWW", site="RWW01", days=2), "second.csv")
        rows = _wait_for(
            _loaded(settings, ["first.csv", "second.csv"]), "second.csv to be loaded", served
        )
    finally:
        (settings.outputs / "stop-reading").touch()
        out, err = reader.communicate(timeout=120)
    assert reader.returncode == 0, err
    reading = json.loads(out)
    assert reading["errors"] == []
    assert reading["reads"] > 0 and reading["most_submissions_seen"] == 2
    assert {r["file_name"] for r in rows} == {"first.csv", "second.csv"}
    assert not any(settings.inbox.rglob("*.csv"))
    daily = _query(
        settings,
        "SELECT org_code, count(*) AS days, sum(type1_attendances) AS t1 "
        "FROM staging.stg_uec_daily WHERE NOT site_closed "
        "GROUP BY org_code ORDER BY org_code",
    )
    assert daily == [
        {"org_code": "RJR", "days": 3, "t1": 600},
        {"org_code": "RWW", "days": 2, "t1": 300},
    ]


_READER = r"""
import json, sys, time
from pathlib import Path
from pipeline.config import load_settings
from pipeline.warehouse.snapshot import NoSnapshot, read_snapshot

settings = load_settings(Path(sys.argv[1]))
stop = settings.outputs / "stop-reading"
reads, errors, most = 0, [], 0
while not stop.exists():
    try:
        count = int(read_snapshot(settings, "SELECT count(*) AS n FROM ledger.submissions")["n"][0])
    except NoSnapshot:
        if reads:
            errors.append("the snapshot disappeared")
        time.sleep(0.2)
        continue
    except Exception as error:
        errors.append(repr(error))
        continue
    reads += 1
    most = max(most, count)
print(json.dumps({"reads": reads, "errors": errors[:5], "most_submissions_seen": most}))
"""


def test_a_quarantined_file_shows_in_its_runs_state_and_artifact(served):
    """Through Prefect's API: the run the inbox watch started for a bad file is named
    Quarantined and tagged so, and its table artifact gives the file's outcome."""
    settings = served["settings"]
    bad = settings.inbox / "RBT" / "wrong.csv"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text("not,a,return\n1,2,3\n")

    def quarantined_run():
        runs = [r for r in _ingest_runs(served) if r["state_name"] == "Quarantined"]
        return runs or None

    runs = _wait_for(quarantined_run, "a Quarantined run", served)
    assert len(runs) == 1 and "quarantined" in runs[0]["tags"]
    assert runs[0]["state_type"] == "COMPLETED"
    artifacts = _post(
        _api_url(served) + "/artifacts/filter",
        {"artifacts": {"flow_run_id": {"any_": [runs[0]["id"]]}}},
    )
    table = next(a for a in artifacts if a["key"] == "inbox-outcomes")["data"]
    rows = json.loads(table) if isinstance(table, str) else table
    assert [(r["trust"], r["file"], r["outcome"]) for r in rows] == [
        ("RBT", "wrong.csv", "rejected")
    ]
    # The earlier runs, which only loaded files, are named so.
    assert {r["state_name"] for r in _ingest_runs(served)} == {"Loaded", "Quarantined"}


def test_runs_started_together_load_each_file_exactly_once(served):
    """Two `cmast ingest` processes and serve's own scans, on one inbox of eight files. The
    commands are run as an analyst would, with no PREFECT_API_URL: they find serve's server."""
    settings = served["settings"]
    files = {}
    for days, (org, site) in enumerate(SITES.items(), start=1):
        name = f"together_{org}.csv"
        _drop(settings, org, uec_rows(org=org, site=site, period=f"2023-0{days}", days=days), name)
        files[name] = DAYS_IN_2023[days]  # rows: every day of the month
    runs = [
        subprocess.Popen(
            [CMAST, "ingest", "--quiet"],
            env=served["env"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
        )
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=DEADLINE_SECONDS)
        assert run.returncode == 0, out + err
        assert "Traceback" not in err
    _wait_for(_loaded(settings, list(files)), "every file to be loaded", served)
    _wait_for(lambda: not any(settings.inbox.rglob("*.csv")), "an empty inbox", served)

    ledger = _query(
        settings,
        "SELECT file_name, status, row_count, sha256 "
        "FROM ledger.submissions WHERE file_name LIKE 'together_%'",
    )
    assert sorted(r["file_name"] for r in ledger) == sorted(files)  # one row per file: no
    assert {r["status"] for r in ledger} == {"loaded"}  # duplicates recorded
    raw = _query(
        settings,
        "SELECT s.file_name, count(*) AS n FROM raw.uec_daily "
        "JOIN ledger.submissions AS s USING (submission_id) "
        "WHERE s.file_name LIKE 'together_%' GROUP BY s.file_name",
    )
    assert {r["file_name"]: r["n"] for r in raw} == files
    assert {r["file_name"]: r["row_count"] for r in ledger} == files
    # Both commands ran on serve's server (not temporary ones of their own): their runs, the
    # only ones there not from a deployment, are in its history.
    by_hand = _post(
        _api_url(served) + "/flow_runs/filter", {"flow_runs": {"deployment_id": {"is_null_": True}}}
    )
    assert [r["flow_id"] for r in by_hand] and len(by_hand) == 2


def _post(url: str, body: dict) -> list[dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _api_url(served) -> str:
    for line in served["stdout"].read_text().splitlines():
        if line.startswith("Prefect server ready at "):
            return line.removeprefix("Prefect server ready at ").split()[0]
    pytest.fail("serve did not say where its server is")


def test_sigterm_stops_serve_and_its_server_cleanly(served):
    from flows.server import healthy

    api_url = _api_url(served)
    assert healthy(api_url)
    served["process"].send_signal(signal.SIGTERM)
    served["process"].wait(timeout=150)
    assert served["process"].returncode in (0, 130, 143)
    err = served["stderr"].read_text()
    assert "Traceback" not in err, err[-3000:]
    assert "Stopped" in served["stdout"].read_text()
    assert not healthy(api_url)
    # Stopping is not a failure: no run ended by it raises an alert.
    alerts = served["settings"].outputs / "alerts" / "alerts.jsonl"
    kinds = (
        [json.loads(line)["kind"] for line in alerts.read_text().splitlines()]
        if alerts.exists()
        else []
    )
    assert "run_failed" not in kinds

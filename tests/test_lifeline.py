"""Processes that always stop: real `cmast serve` and `cmast ingest` processes, killed outright
or told to stop at random moments of a busy run, leave no process behind, no traceback, and a
warehouse in which every file is loaded exactly once.

Processes are found through /proc (Linux only). Waits are bounded by generous deadlines, never
asserted on.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT, Settings, load_settings
from pipeline.lifeline import descendants
from pipeline.warehouse import connect
from tests.conftest import uec_rows

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.slow,
    pytest.mark.skipif(
        not sys.platform.startswith("linux"), reason="processes are followed through Linux's /proc"
    ),
]

CMAST = str(Path(sys.executable).with_name("cmast"))
DEADLINE_SECONDS = 240
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


def _settings(root: Path) -> Settings:
    settings = load_settings(root / "data")
    settings.ensure_dirs()
    return settings


def _environment(settings: Settings, root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CMAST_"))}
    env.update(
        PREFECT_HOME=str(root / "prefect"),
        CMAST_DATA_DIR=str(settings.data_dir),
        CMAST_SETTLE_SECONDS="0",
        CMAST_PREFECT_PORT="0",
        CMAST_WORKERS="2",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    return env


#: Days in the months of 2020 the files cover (a leap year): a return covers its whole month.
DAYS_IN_2020 = {1: 31, 2: 29, 3: 31, 4: 30}


def _drop_month(settings: Settings, month: int) -> dict[str, int]:
    """One file per trust for ``2020-<month>``, each written whole then renamed in; the number of
    rows in each (every day of the month, the first few with counts), by file name."""
    files = {}
    for days, (org, site) in enumerate(SITES.items(), start=1):
        name = f"m{month:02d}_{org}.csv"
        path = settings.inbox / org / name
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{name}.partial")
        uec_rows(org=org, site=site, period=f"2020-{month:02d}", days=days).to_csv(
            partial, index=False
        )
        os.replace(partial, path)
        files[name] = DAYS_IN_2020[month]
    return files


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: only its parent's wait is missing


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"Gave up waiting for {what}")


def _all_gone(pids: list[int], what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(map(_alive, pids)):
        time.sleep(0.2)
    left = [f"{pid}: {_command(pid)}" for pid in pids if _alive(pid)]
    assert not left, f"still running after {what}:\n" + "\n".join(left)


def _ledger(settings: Settings) -> list[tuple]:
    with connect(settings) as conn:
        return conn.execute(
            "SELECT s.file_name, s.status, s.row_count, "
            "(SELECT count(*) FROM raw.uec_daily AS r WHERE r.submission_id = s.submission_id) "
            "FROM ledger.submissions AS s ORDER BY s.file_name"
        ).fetchall()


def test_sigkill_of_serve_leaves_no_process_behind(tmp_path):
    """Killed outright while a run is checking files in its workers: the server, the serving
    process, the run, its forkserver, workers and resource tracker all end."""
    settings = _settings(tmp_path)
    env = _environment(settings, tmp_path)
    with (tmp_path / "serve.out").open("w") as out:
        serve = subprocess.Popen(
            [CMAST, "serve", "--interval", "30"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=PROJECT_ROOT,
        )
    try:
        _wait_for(lambda: "Serving:" in (tmp_path / "serve.out").read_text(), "serve to start")
        for month in (1, 2, 3):
            _drop_month(settings, month)
        # A run with its worker pool up: forkserver, workers, resource tracker.
        family = _wait_for(
            lambda: (lambda pids: pids if any("forkserver" in _command(p) for p in pids) else None)(
                descendants(serve.pid)
            ),
            "a run with its worker pool",
        )
        family = descendants(serve.pid)  # everything started by now
        commands = " ".join(map(_command, family))
        assert "prefect" in commands and "flows.serve" in commands and "engine" in commands
        serve.kill()
        serve.wait()
        _all_gone(family, "cmast serve was killed")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_sigkill_of_ingest_leaves_no_process_and_the_next_takes_the_slot_at_once(tmp_path):
    """`cmast ingest` killed mid-run: its temporary server and workers end with it; the next
    ingest frees the writer slot the dead one held at once and loads every file exactly once."""
    settings = _settings(tmp_path)
    env = _environment(settings, tmp_path)
    files = {**_drop_month(settings, 1), **_drop_month(settings, 2)}
    ingest = subprocess.Popen(
        [CMAST, "ingest", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=PROJECT_ROOT,
    )
    try:
        # Killed once it writes (the first file archived), its slot and lock held.
        _wait_for(lambda: any(settings.archive.rglob("*.csv")), "a first file to be loaded")
        family = descendants(ingest.pid)
        assert any("uvicorn" in _command(p) for p in family)  # its temporary server
        ingest.kill()
        ingest.wait()
        _all_gone(family, "cmast ingest was killed")
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
    again = subprocess.run(
        [CMAST, "ingest", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=DEADLINE_SECONDS,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stderr
    # The dead run's slot was found taken and freed, not waited out.
    assert "was held by a process that has stopped: freed" in again.stdout + again.stderr
    ledger = _ledger(settings)
    assert {name: (status, rows, raw) for name, status, rows, raw in ledger} == {
        name: ("loaded", days, days) for name, days in files.items()
    }


def test_sigterm_at_random_moments_of_a_busy_ingest(tmp_path):
    """Four rounds: eight new files, `cmast ingest`, SIGTERM after a random wait. Each stops
    within the deadline, without a traceback, leaving no process; a last run then finds every
    file loaded exactly once (none lost, none doubled)."""
    settings = _settings(tmp_path)
    env = _environment(settings, tmp_path)
    chance = random.Random(16)
    expected: dict[str, int] = {}
    for month in range(1, 5):
        expected.update(_drop_month(settings, month))
        ingest = subprocess.Popen(
            [CMAST, "ingest", "--quiet"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=PROJECT_ROOT,
        )
        time.sleep(chance.uniform(1.0, 12.0))
        family = descendants(ingest.pid)
        ingest.send_signal(signal.SIGTERM)
        out, err = ingest.communicate(timeout=120)
        assert "Traceback" not in out + err, out + err
        _all_gone(family, f"SIGTERM in round {month}")
    final = subprocess.run(
        [CMAST, "ingest", "--quiet"],
        env=env,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=DEADLINE_SECONDS,
    )
    assert final.returncode == 0, final.stdout + final.stderr
    assert not any(settings.inbox.rglob("*.csv"))
    ledger = _ledger(settings)
    assert {name: (status, rows, raw) for name, status, rows, raw in ledger} == {
        name: ("loaded", days, days) for name, days in expected.items()
    }


def test_sigterm_ends_a_process_whose_handler_takes_too_long(tmp_path):
    """A handler that does not let go (as a flow's does while it reports the run to a busy
    Prefect server) still ends within the grace: 2 s here, against a handler that would take
    five minutes. Without the bound the child would outlive the wait below."""
    script = tmp_path / "slow_handler.py"
    script.write_text(
        "import signal, sys, time\n"
        "from pipeline.lifeline import bound_termination\n"
        "assert bound_termination(2.0)\n"
        "signal.signal(signal.SIGTERM, lambda *_: time.sleep(300))\n"
        "print('ready', flush=True)\n"
        "time.sleep(300)\n"
    )
    child = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=DEADLINE_SECONDS)
    assert child.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in out + err, err


def test_without_a_handler_sigterm_still_ends_the_process_at_once(tmp_path):
    script = tmp_path / "plain.py"
    script.write_text(
        "import time\nfrom pipeline.lifeline import bound_termination\n"
        "assert bound_termination(300.0)\nprint('ready', flush=True)\n"
        "time.sleep(300)\n"
    )
    child = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "ready"
    child.send_signal(signal.SIGTERM)
    child.communicate(timeout=DEADLINE_SECONDS)
    assert child.returncode == -signal.SIGTERM  # the default action, not the grace's exit


def test_the_guard_ends_a_child_started_just_before_its_parent_died(tmp_path):
    """A child started an instant before its parent is killed is too new for the guard's
    twice-a-second look; the mark in its environment still finds it."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, subprocess, sys, time\n"
        "from pipeline.lifeline import start_guard\n"
        "start_guard()\n"
        "time.sleep(1.5)\n"  # the guard is running and has looked at least once
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'],\n"
        "                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,\n"
        "                         stderr=subprocess.DEVNULL, start_new_session=True)\n"
        "print(child.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    parent = subprocess.run(
        [sys.executable, str(script)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    child = int(parent.stdout.strip())
    _all_gone([child], "its parent's death")

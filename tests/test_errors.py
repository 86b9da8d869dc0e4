"""Errors a person can cause or meet, through the real command: one line on standard error
saying what and what to do, the exit code of docs/robustness.md, never a traceback; and no
lookup in the package hides a missing key behind ``except KeyError``."""

from __future__ import annotations

import ast
import fcntl
import os
import subprocess
import sys

from typer.testing import CliRunner

from cmast.app import app
from pipeline.config import PROJECT_ROOT
from pipeline.locking import lock_path
from pipeline.warehouse import connect

runner = CliRunner()


def _cmast(settings, *args, **env):
    return subprocess.run(
        [sys.executable, "-m", "cmast", "--data-dir", str(settings.data_dir), *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=300,
        env={**os.environ, "COLUMNS": "250", **env},
    )


def _run(settings, *args):
    return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args], env={"COLUMNS": "250"})


def test_a_setting_that_cannot_be_read_is_bad_usage(settings):
    result = _cmast(settings, "status", CMAST_LOCK_WAIT_SECONDS="soon")
    assert result.returncode == 2
    assert result.stderr == "Bad usage: CMAST_LOCK_WAIT_SECONDS: 'soon' is not a number\n"
    assert result.stdout == ""


def test_a_writer_that_waits_too_long_is_refused(settings):
    with connect(settings):
        pass  # a warehouse to publish from
    holder = os.open(lock_path(settings), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # another writer, as far as the command can tell
        result = _cmast(settings, "snapshot", "--quiet", CMAST_LOCK_WAIT_SECONDS="0")
    finally:
        os.close(holder)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Not done: Another cmast process has been writing to the warehouse for more than 0 s"
    )
    assert "CMAST_LOCK_WAIT_SECONDS" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_an_unknown_return_is_bad_usage_naming_the_returns(settings, tmp_path):
    result = _run(
        settings,
        "template",
        "ambulance",
        "--org",
        "RJR",
        "--period",
        "2023-10",
        "-o",
        str(tmp_path / "t.xlsx"),
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "Bad usage: No return called 'ambulance'; the returns are: dm01, "
        "finance, plans, programme, rtt_aggregate, rtt_ptl, theatres, "
        "uec\n"
    )
    assert not (tmp_path / "t.xlsx").exists()


def test_a_briefing_with_nothing_received_is_not_written(settings):
    result = _run(settings, "briefing", "--period", "2023-10")
    assert result.exit_code == 1
    assert result.stderr == (
        "Briefing not written: No figures yet: nothing has been received (no warehouse yet).\n"
    )
    assert not (settings.outputs / "briefing").exists()


def test_a_query_before_anything_is_published(settings):
    result = _run(settings, "query", "SELECT 1")
    assert result.exit_code == 1
    snapshot = settings.outputs / "snapshot" / "cmast.duckdb"
    assert result.stderr == (
        f"Error: No snapshot at {snapshot} yet: it is published after the "
        "first ingest that loads a file, or by `cmast snapshot`.\n"
    )


def test_a_rebuild_with_no_ledger_anywhere_is_refused(settings):
    result = _run(settings, "rebuild")
    assert result.exit_code == 1
    assert result.stderr.startswith("Not rebuilt: No ledger to rebuild from: neither ")
    assert not settings.warehouse_path.exists()


def _catches_key_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(n, ast.Name) and n.id == "KeyError" for n in names)


def test_no_lookup_in_the_package_is_hidden_behind_except_key_error():
    found = []
    for package in ("cmast", "pipeline", "flows", "schemas"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), str(path))
            found += [
                f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}"
                for node in ast.walk(tree)
                if isinstance(node, ast.ExceptHandler)
                and node.type is not None
                and _catches_key_error(node)
            ]
    assert found == []


def test_the_key_error_check_finds_one():
    tree = ast.parse("try:\n    x = {}['a']\nexcept (ValueError, KeyError):\n    pass\n")
    [handler] = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
    assert _catches_key_error(handler)

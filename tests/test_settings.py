"""Each setting's value and where it came from: the registry read against environments made
for the purpose, and ``cmast settings`` showing the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline.config import PROJECT_ROOT, load_settings, settings_in_force
from pipeline.errors import SettingInvalid

runner = CliRunner()


def _by_env(found):
    return {each.setting.env: (each.value, each.source) for each in found}


def test_the_option_then_the_environment_then_the_default(tmp_path: Path):
    environ = {
        "CMAST_DATA_DIR": "/ignored/for/the/option",
        "CMAST_MAX_FILE_MB": "5",
        "CMAST_WAREHOUSE": str(tmp_path / "w.duckdb"),
        "CMAST_ALERT_BLOCK": "",
        "CMAST_RECONCILE_TOLERANCES": "dm01=3",
        "CMAST_WORKERS": "0",
    }
    found = _by_env(settings_in_force(tmp_path / "root", environ))
    assert found["CMAST_DATA_DIR"] == (tmp_path / "root", "option --data-dir")
    assert found["CMAST_MAX_FILE_MB"] == (5.0, "environment")
    assert found["CMAST_WAREHOUSE"] == (tmp_path / "w.duckdb", "environment")
    assert found["CMAST_ALERT_BLOCK"] == (None, "default")  # set to nothing: not set
    assert found["CMAST_RECONCILE_TOLERANCES"] == (
        {"*": 0.5, "ae": 0.5, "dm01": 3.0, "rtt": 0.5},
        "environment",
    )
    assert found["CMAST_WORKERS"] == (1, "environment")  # fewer than one is the one process
    assert found["CMAST_REFERENCE_DIR"] == (PROJECT_ROOT / "data" / "reference", "default")
    assert found["CMAST_QUERY_SECONDS"] == (60.0, "default")


def test_a_default_path_follows_the_data_root_in_force(tmp_path: Path):
    current = load_settings(environ={"CMAST_DATA_DIR": str(tmp_path)})
    assert current.data_dir == tmp_path
    assert current.warehouse_path == tmp_path / "warehouse" / "cmast.duckdb"
    assert current.prefect_home == PROJECT_ROOT / ".prefect"
    assert (current.max_file_mb, current.submission_deadline_day) == (200.0, 15)


@pytest.mark.parametrize(
    ("env", "text", "message"),
    [
        ("CMAST_MAX_FILE_MB", "lots", "CMAST_MAX_FILE_MB: 'lots' is not a number"),
        ("CMAST_PREFECT_PORT", "42.5", "CMAST_PREFECT_PORT: '42.5' is not a whole number"),
        (
            "CMAST_RECONCILE_TOLERANCES",
            "ae=lots",
            "CMAST_RECONCILE_TOLERANCES: 'ae=lots' is not key=percent",
        ),
    ],
)
def test_a_value_that_cannot_be_read_names_its_variable(env, text, message):
    with pytest.raises(SettingInvalid) as raised:
        load_settings(environ={env: text})
    assert str(raised.value).startswith(message)
    assert raised.value.exit_code == 2


def test_cmast_settings_prints_each_value_and_its_source(tmp_path: Path):
    result = runner.invoke(
        app,
        ["--data-dir", str(tmp_path), "settings", "--json"],
        env={"CMAST_QUERY_SECONDS": "30", "CMAST_REPORT_CONTACT": ""},
    )
    assert result.exit_code == 0, result.output
    records = {r["env"]: r for r in json.loads(result.stdout)}
    assert len(records) == 20
    assert records["CMAST_DATA_DIR"] == {
        "env": "CMAST_DATA_DIR",
        "field": "data_dir",
        "value": str(tmp_path),
        "source": "option --data-dir",
    }
    assert records["CMAST_QUERY_SECONDS"]["value"] == 30.0
    assert records["CMAST_QUERY_SECONDS"]["source"] == "environment"
    assert records["CMAST_WAREHOUSE"]["value"] == str(tmp_path / "warehouse" / "cmast.duckdb")
    assert records["CMAST_REPORT_CONTACT"] == {
        "env": "CMAST_REPORT_CONTACT",
        "field": "report_contact",
        "value": "",
        "source": "default",
    }
    assert not (tmp_path / "warehouse").exists()  # it reads only


def test_cmast_settings_as_a_table(tmp_path: Path):
    result = runner.invoke(
        app,
        ["--data-dir", str(tmp_path), "settings"],
        env={"CMAST_MARTS_CRON": "30 1 * * *", "COLUMNS": "200"},
    )
    assert result.exit_code == 0, result.output
    [line] = [row for row in result.stdout.splitlines() if "CMAST_MARTS_CRON" in row]
    assert [cell.strip() for cell in line.split("│")[1:4]] == [
        "CMAST_MARTS_CRON",
        "30 1 * * *",
        "environment",
    ]

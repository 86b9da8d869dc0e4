"""Alerts: quarantined files, failed runs and missing returns, each recorded once and sent."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pandas as pd
import pytest

from pipeline import alerts
from pipeline.alerts import Alert
from pipeline.ingest import process_file
from tests.conftest import drop_bytes, drop_csv, uec_rows


@pytest.mark.parametrize(
    ("today", "day", "period"),
    [
        (dt.date(2023, 11, 15), 15, "2023-09"),  # October's returns are due today, not late yet
        (dt.date(2023, 11, 16), 15, "2023-10"),
        (dt.date(2024, 1, 3), 15, "2023-11"),
        (dt.date(2024, 3, 1), 31, "2024-01"),  # day 31 means the last day: 29 February 2024
    ],
)
def test_the_latest_month_past_its_deadline(today, day, period):
    assert alerts.overdue_period(today, day) == period


def test_a_deadline_is_the_day_of_the_following_month_or_its_last():
    assert alerts.deadline("2023-10", 15) == dt.date(2023, 11, 15)
    assert alerts.deadline("2024-01", 31) == dt.date(2024, 2, 29)


def test_each_trust_and_monthly_return_without_a_loaded_submission_is_missing():
    ledger = pd.DataFrame(
        [
            {"org_code": "RJR", "return_type": "uec", "period": "2023-10", "status": "loaded"},
            {"org_code": "RWW", "return_type": "uec", "period": "2023-10", "status": "superseded"},
            {"org_code": "RBL", "return_type": "uec", "period": "2023-09", "status": "loaded"},
            {"org_code": "REM", "return_type": "uec", "period": "2023-10", "status": "rejected"},
        ]
    )
    found = alerts.missing_submissions(
        ledger,
        {"RJR", "RWW", "RBL", "REM", "QYG"},
        {"uec": "Urgent and emergency care"},
        "2023-10",
        15,
    )
    assert [(a.org_code, a.return_type, a.period) for a in found] == [
        ("RBL", "uec", "2023-10"),
        ("REM", "uec", "2023-10"),
        ("RWW", "uec", "2023-10"),
    ]
    assert "by its deadline, 15 November 2023" in found[0].message


def test_the_icb_is_expected_to_send_its_finance_return_only():
    ledger = pd.DataFrame(columns=["org_code", "return_type", "period", "status"])
    found = alerts.missing_submissions(
        ledger,
        {"RJR", "QYG"},
        {"uec": "Urgent and emergency care", "finance": "Finance"},
        "2023-10",
        15,
    )
    assert [(a.org_code, a.return_type) for a in found] == [
        ("QYG", "finance"),
        ("RJR", "finance"),
        ("RJR", "uec"),
    ]


def test_the_programme_return_is_expected_of_the_icb_alone():
    ledger = pd.DataFrame(columns=["org_code", "return_type", "period", "status"])
    found = alerts.missing_submissions(
        ledger, {"RJR", "QYG"}, {"programme": "Programme"}, "2023-10", 15
    )
    assert [(a.org_code, a.return_type) for a in found] == [("QYG", "programme")]


def test_an_alert_is_recorded_once_however_often_it_is_raised(settings):
    first = Alert(
        kind="quarantined",
        org_code="RJR",
        return_type="uec",
        period="2023-10",
        file="quarantine/RJR/x.csv",
        message="x.csv was quarantined",
    )
    second = Alert(
        kind="quarantined",
        org_code="RJR",
        file="quarantine/RJR/y.csv",
        message="y.csv was quarantined",
    )
    assert alerts.record(settings, [first, first]) == [first]
    assert alerts.record(settings, [first, second]) == [second]
    assert alerts.record(settings, [second]) == []
    lines = alerts.recorded(settings)
    assert [line["file"] for line in lines] == ["quarantine/RJR/x.csv", "quarantine/RJR/y.csv"]
    assert set(lines[0]) == {
        "time",
        "kind",
        "org_code",
        "return_type",
        "period",
        "message",
        "file",
        "run",
        "measure",
        "run_id",
        "run_url",
    }


def test_a_quarantined_file_becomes_an_alert_naming_where_it_lies(settings):
    outcome = process_file(drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv"), settings)
    record = {**outcome.__dict__, "problems": [p.as_line() for p in outcome.problems]}
    [alert] = alerts.from_outcomes([record, {"status": "loaded", "org_code": "RJR"}])
    assert alert.kind == "quarantined" and alert.org_code == "RJR"
    assert (settings.data_dir / alert.file).exists()
    assert "bad.csv was quarantined" in alert.message


def test_status_lists_a_quarantined_file_of_no_known_return(settings):
    from typer.testing import CliRunner

    from cmast.app import app

    process_file(drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv"), settings)
    result = CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "status"])
    assert result.exit_code == 0, result.output
    assert "rejected" in result.output and "bad.csv" in result.output


def test_the_deadline_check_reads_the_ledger(settings):
    process_file(drop_csv(settings, uec_rows(org="RJR", period="2023-10", days=1)), settings)
    found = alerts.check_deadlines(settings, today=dt.date(2023, 11, 20))
    missing = {(a.org_code, a.return_type) for a in found}
    assert ("RJR", "uec") not in missing
    assert ("RWW", "uec") in missing and ("REM", "uec") in missing
    # The ICB owes its finance and programme returns; no trust owes a programme return.
    assert {a.return_type for a in found if a.org_code == "QYG"} == {"finance", "programme"}
    assert not [a for a in found if a.return_type == "programme" and a.org_code != "QYG"]
    assert {a.period for a in found} == {"2023-10"}


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        length = int(self.headers["Content-Length"])
        _Hook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    """A local endpoint standing in for Slack or Teams: it keeps what it is sent."""
    _Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Hook.received
    server.shutdown()


@pytest.mark.prefect
def test_alerts_go_through_the_notification_block_once(
    settings, prefect_harness, webhook, monkeypatch
):
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    from flows.deadlines import check_submissions

    url, received = webhook
    CustomWebhookNotificationBlock(
        name="cmast", url=url, json_data={"text": "{{subject}}\n{{body}}"}
    ).save("cmast-alerts", overwrite=True)
    monkeypatch.setenv("CMAST_ALERT_BLOCK", "custom-webhook/cmast-alerts")
    process_file(drop_csv(settings, uec_rows(org="RJR", period="2023-10", days=1)), settings)

    new = check_submissions(data_dir=str(settings.data_dir), today=dt.date(2023, 11, 20))
    assert new > 0
    assert check_submissions(data_dir=str(settings.data_dir), today=dt.date(2023, 11, 21)) == 0
    assert len(alerts.recorded(settings)) == new
    assert len(received) == 1  # one message for the batch, none for the rerun
    assert f"{new} new alerts" in received[0]["text"]
    assert "[submission_missing] RWW uec 2023-10" in received[0]["text"]


@pytest.mark.prefect
def test_a_block_that_cannot_send_never_fails_the_run(settings, prefect_harness, monkeypatch):
    from flows.ingest import ingest_inbox

    monkeypatch.setenv("CMAST_SETTLE_SECONDS", "0")
    monkeypatch.setenv("CMAST_ALERT_BLOCK", "custom-webhook/no-such-block")
    drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv")
    [outcome] = ingest_inbox(data_dir=str(settings.data_dir))
    assert outcome["status"] == "rejected"
    [recorded] = alerts.recorded(settings)
    assert recorded["kind"] == "quarantined" and recorded["file"] == outcome["path"]
    assert ingest_inbox(data_dir=str(settings.data_dir)) == []
    assert len(alerts.recorded(settings)) == 1


@pytest.mark.prefect
def test_a_failed_scheduled_run_is_an_alert(settings, prefect_harness):
    from flows.briefing import monthly_briefing

    with pytest.raises(LookupError):
        monthly_briefing(data_dir=str(settings.data_dir), period="2023-10")
    [recorded] = alerts.recorded(settings)
    assert recorded["kind"] == "run_failed" and recorded["run"]
    assert "monthly-briefing" in recorded["message"]

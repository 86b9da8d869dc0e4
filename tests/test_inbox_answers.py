"""Every file that arrives gets a visible answer: the files a scan cannot take are named with
what to do, files that are not returns are left alone without a word, a tie is never decided by
name, and a revert is a new current submission (docs/robustness.md)."""

from __future__ import annotations

import hashlib
import json
import os
import time

import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline import alerts
from pipeline.ingest import not_taken, process_file, scan_inbox
from pipeline.warehouse import connect
from tests.conftest import drop_bytes, drop_csv, on_open_days, uec_rows

runner = CliRunner()


def _ledger(settings) -> list[tuple]:
    with connect(settings, read_only=True) as conn:
        return conn.execute(
            "SELECT submission_id, file_name, status, message "
            "FROM ledger.submissions ORDER BY submission_id"
        ).fetchall()


def _current_type3(settings) -> list[int]:
    with connect(settings, read_only=True) as conn:
        return [
            v
            for (v,) in conn.execute(
                "SELECT type3_attendances FROM staging.stg_uec_daily WHERE org_code = 'RJR' "
                "AND NOT site_closed ORDER BY date"
            ).fetchall()
        ]  # the days with counts


def test_files_that_are_not_returns_are_left_alone_without_a_word(settings):
    for name in (
        "Thumbs.db",
        "desktop.ini",
        ".hidden.csv",
        "return.csv:Zone.Identifier",
        "~$return.xlsx",
    ):
        drop_bytes(settings, b"\x00\x01 not a return", name=name)
    assert scan_inbox(settings) == []
    assert not_taken(settings) == []
    assert len(list((settings.inbox / "RJR").iterdir())) == 5  # none moved, none refused


def test_a_workbook_open_in_excel_waits_until_it_is_closed(settings):
    workbook = drop_bytes(settings, b"PK half saved", name="RJR uec October.xlsx")
    owner = drop_bytes(settings, b"owner", name="~$R uec October.xlsx")  # Excel's long form
    assert scan_inbox(settings) == []
    [waiting] = not_taken(settings)
    assert waiting["status"] == "waiting" and waiting["file_name"] == workbook.name
    assert "open in Excel" in waiting["message"] and owner.name in waiting["message"]
    owner.unlink()
    assert scan_inbox(settings) == [workbook]
    assert not_taken(settings) == []


def test_a_file_from_the_future_is_held_with_what_to_do(settings):
    ahead = time.time() + 86_400
    path = drop_csv(settings, uec_rows(days=2), name="ahead.csv", mtime=ahead)
    assert scan_inbox(settings) == []
    [held] = not_taken(settings)
    assert held["status"] == "held" and held["path"] == "inbox/RJR/ahead.csv"
    assert "in the future" in held["message"] and "clock" in held["message"]
    os.utime(path, (time.time() - 10, time.time() - 10))  # what the message says to do
    assert scan_inbox(settings) == [path]


def test_files_in_the_wrong_place_are_held_with_where_to_put_them(settings):
    top = settings.inbox / "uec.csv"
    top.write_text("x")
    deeper = settings.inbox / "RJR" / "October" / "uec.csv"
    deeper.parent.mkdir(parents=True)
    deeper.write_text("x")
    found = {w["path"]: w for w in not_taken(settings)}
    assert set(found) == {"inbox/uec.csv", "inbox/RJR/October/uec.csv"}
    assert "not in a trust's folder" in found["inbox/uec.csv"]["message"]
    assert "Move it up into inbox/RJR/" in found["inbox/RJR/October/uec.csv"]["message"]
    assert all(w["status"] == "held" for w in found.values())
    raised = alerts.from_waiting(list(found.values()))
    assert {a.kind for a in raised} == {"file_held"}
    assert {a.file for a in raised} == set(found)


def test_a_tie_is_never_decided_by_name(settings):
    base = time.time() - 3600
    process_file(drop_csv(settings, uec_rows(days=2), name="v0.csv", mtime=base), settings)
    tied = base + 60
    final = drop_csv(
        settings,
        on_open_days(uec_rows(days=2), type3_attendances=60),
        name="RJR_uec_FINAL.csv",
        mtime=tied,
    )
    draft = drop_csv(
        settings,
        on_open_days(uec_rows(days=2), type3_attendances=70),
        name="RJR_uec_draft.csv",
        mtime=tied,
    )
    order = scan_inbox(settings)
    assert set(order) == {final, draft}
    outcomes = [process_file(path, settings) for path in order]
    assert [o.status for o in outcomes] == ["loaded", "rejected"]
    assert "same modification time" in outcomes[1].problems[0].rule
    assert "is no longer current either" in outcomes[1].message
    rows = _ledger(settings)
    assert [r[2] for r in rows] == ["loaded", "rejected", "rejected"]
    assert rows[1][3].startswith("Withdrawn:")
    assert _current_type3(settings) == [50, 50]  # v0 is current again


def test_a_revert_is_a_new_current_submission_and_says_so(settings):
    base = time.time() - 3600
    v1 = drop_csv(settings, uec_rows(days=2), name="uec.csv", mtime=base)
    content = v1.read_bytes()
    process_file(v1, settings)
    process_file(
        drop_csv(
            settings,
            on_open_days(uec_rows(days=2), type3_attendances=60),
            name="uec v2.csv",
            mtime=base + 60,
        ),
        settings,
    )
    assert _current_type3(settings) == [60, 60]
    # The first version dropped again by a copy that keeps its name and time (Explorer's).
    again = drop_bytes(settings, content, name="uec.csv")
    os.utime(again, (base, base))
    outcome = process_file(again, settings)
    assert outcome.status == "loaded" and outcome.submission_id == 3
    assert "makes current again (a revert)" in outcome.message
    assert "submission 1 (uec.csv)" in outcome.message
    assert not again.exists()
    assert _current_type3(settings) == [50, 50]


def test_a_rejected_file_sent_again_gets_its_answer_again(settings):
    base = time.time() - 3600
    bad = drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv")
    os.utime(bad, (base, base))
    content = bad.read_bytes()
    first = process_file(bad, settings)
    again = drop_bytes(settings, content, name="bad.csv")
    os.utime(again, (base, base))
    second = process_file(again, settings)
    assert (first.status, second.status) == ("rejected", "rejected")
    assert second.submission_id == first.submission_id + 1
    assert second.feedback_path != first.feedback_path
    assert settings.absolute(second.feedback_path).exists()


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.prefect
def test_ingest_and_status_exit_codes_tell_the_truth(settings, prefect_harness, monkeypatch):
    monkeypatch.setenv("CMAST_SETTLE_SECONDS", "0")
    run = ["--data-dir", str(settings.data_dir)]
    drop_csv(settings, uec_rows(days=2), name="good.csv", mtime=time.time() - 60)
    result = runner.invoke(app, [*run, "ingest", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1 loaded" in result.output

    drop_bytes(settings, b"not,a,return\n1,2,3\n", name="bad.csv")
    drop_csv(settings, uec_rows(days=2), name="ahead.csv", mtime=time.time() + 86_400)
    result = runner.invoke(app, [*run, "ingest", "--quiet"])
    assert result.exit_code == 1, result.output
    assert "1 held" in result.output and "1 rejected" in result.output
    assert "in the future" in result.output.replace("\n", " ")
    held = [a for a in alerts.recorded(settings) if a["kind"] == "file_held"]
    assert [a["file"] for a in held] == ["inbox/RJR/ahead.csv"]

    # status only reads: the warehouse file is the same bytes after it, and it names the file.
    before = _sha(settings.warehouse_path)
    result = runner.invoke(app, [*run, "status"])
    assert result.exit_code == 1
    assert "ahead.csv" in result.output and "held" in result.output
    assert _sha(settings.warehouse_path) == before
    result = runner.invoke(app, [*run, "status", "--json"])
    assert [r["status"] for r in json.loads(result.output)] == ["loaded", "rejected"]
    assert _sha(settings.warehouse_path) == before

    # A bad option is bad usage: 2.
    assert runner.invoke(app, [*run, "status", "--no-such-option"]).exit_code == 2

    # The warehouse lost: ingest refuses to start a new one, says how to recover, exit 1.
    os.utime(settings.inbox / "RJR" / "ahead.csv", (time.time() - 60, time.time() - 60))
    settings.warehouse_path.unlink()
    result = runner.invoke(app, [*run, "ingest", "--quiet"])
    assert result.exit_code == 1
    assert "cmast rebuild" in result.output.replace("\n", " ")
    assert not settings.warehouse_path.exists()
    assert (settings.inbox / "RJR" / "ahead.csv").exists()

"""The ingest spine on the UEC return: loads, quarantines, duplicates, supersedes, atomicity."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from pipeline.ingest import process_file, scan_inbox
from pipeline.warehouse import connect
from tests.conftest import drop_bytes, drop_csv, on_open_days, uec_rows


def _ledger(settings):
    with connect(settings) as conn:
        return conn.execute(
            "SELECT submission_id, org_code, status, period, row_count, error_count, path, "
            "superseded_by, duplicate_of FROM ledger.submissions ORDER BY submission_id"
        ).df()


def _raw_count(settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM raw.uec_daily").fetchall()[0][0]


def test_valid_file_loads_with_the_right_figures(settings):
    path = drop_csv(settings, uec_rows(days=3))
    outcome = process_file(path, settings)
    assert outcome.status == "loaded"
    assert outcome.row_count == 31  # 3 days with counts, the other 28 marked closed
    with connect(settings) as conn:
        totals = conn.execute(
            "SELECT sum(type1_attendances), sum(type1_within_4h), sum(all_attendances), "
            "sum(all_within_4h), sum(type1_over_12h_from_arrival) FROM staging.stg_uec_daily"
        ).fetchall()[0]
    # Days 1..3: type 1 = 100+200+300 = 600, within 4h = 70+140+210 = 420;
    # all types = 600 + 3*(50+4) = 762, within = 420 + 3*(49+4) = 579; 12h = 3+6+9 = 18.
    assert totals == (600, 420, 762, 579, 18)
    ledger = _ledger(settings)
    assert list(ledger["status"]) == ["loaded"]
    archived = settings.absolute(ledger["path"][0])
    assert archived.exists() and archived.parent.name == "RJR"
    assert archived.stem == outcome.path.split("/")[-1].split(".")[0]
    assert not path.exists()


BAD_CASES = {
    "wrong headers": (
        lambda f: f.rename(columns={"type1_attendances": "t1_atts"}),
        "missing the column 'type1_attendances'",
    ),
    "text in a count": (
        lambda f: on_open_days(f, type3_attendances=["fifty", 50]),
        "must be a whole number",
    ),
    "negative count": (
        lambda f: on_open_days(f, booked_attendances=[4, -4], booked_within_4h=[4, 0]),
        "must be 0 or more",
    ),
    "within 4 hours above attendances": (
        lambda f: on_open_days(f, type3_within_4h=[49, 51]),
        "Type 3 within 4 hours cannot be more than type 3 attendances",
    ),
    "another trust's code": (
        lambda f: f.assign(org_code="REM"),
        "The file is for REM but was sent through the inbox of RJR",
    ),
    "duplicate site-days": (
        lambda f: on_open_days(f, date=["2023-10-01", "2023-10-01"]),
        "repeats a row already given for the same key (site_code, date)",
    ),
    "date outside the period": (
        lambda f: on_open_days(f, date=["2023-10-01", "2023-11-01"]),
        "The date is outside the month in the period column",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_quarantined_with_the_right_message(settings, case):
    change, message = BAD_CASES[case]
    path = drop_csv(settings, change(uec_rows(days=2)))
    outcome = process_file(path, settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.rule for p in outcome.problems]
    assert _raw_count(settings) == 0
    ledger = _ledger(settings)
    assert list(ledger["status"]) == ["rejected"]
    quarantined = settings.absolute(ledger["path"][0])
    assert quarantined.exists() and quarantined.parent == settings.quarantine / "RJR"
    assert not path.exists()
    feedback = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    rules = [feedback.cell(row=r, column=4).value for r in range(6, feedback.max_row + 1)]
    assert any(message in (rule or "") for rule in rules)


def test_problems_name_the_cell(settings):
    frame = uec_rows(days=3).astype({"type3_attendances": object})
    frame.loc[2, "type3_attendances"] = "n/a"  # third data row: line 4 of the CSV
    outcome = process_file(drop_csv(settings, frame), settings)
    problem = next(p for p in outcome.problems if p.column == "type3_attendances")
    assert problem.location == "line 4"
    assert problem.value == "n/a"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\x00\x01\x02\xff" * 200, "not a spreadsheet"),
        (b"PK\x03\x04garbage that is not a zip", "could not be opened"),
        (b"org_code,period\n", "does not match any CMAST return"),
    ],
)
def test_unreadable_files_are_quarantined(settings, content, message):
    outcome = process_file(drop_bytes(settings, content, name="broken.xlsx"), settings)
    assert outcome.status == "rejected"
    assert message in outcome.problems[0].rule
    assert settings.absolute(outcome.path).read_bytes() == content


def test_header_only_file_is_rejected(settings):
    path = drop_csv(settings, uec_rows(days=1).iloc[0:0])
    outcome = process_file(path, settings)
    assert outcome.status == "rejected"
    assert "no data rows" in outcome.problems[0].rule


def test_same_file_twice_loads_once(settings):
    frame = uec_rows(days=2)
    first = process_file(drop_csv(settings, frame, name="a.csv"), settings)
    second = process_file(drop_csv(settings, frame, name="a_again.csv"), settings)
    assert (first.status, second.status) == ("loaded", "duplicate")
    assert _raw_count(settings) == 31  # the month's 31 days, once
    ledger = _ledger(settings)
    assert list(ledger["status"]) == ["loaded", "duplicate"]
    assert ledger["duplicate_of"][1] == ledger["submission_id"][0]
    assert not (settings.inbox / "RJR" / "a_again.csv").exists()


def test_resubmission_supersedes_and_keeps_history(settings):
    process_file(drop_csv(settings, uec_rows(days=2), name="v1.csv"), settings)
    corrected = on_open_days(uec_rows(days=2), type3_attendances=60, type3_within_4h=55)
    process_file(drop_csv(settings, corrected, name="v2.csv"), settings)
    ledger = _ledger(settings)
    assert list(ledger["status"]) == ["superseded", "loaded"]
    assert ledger["superseded_by"][0] == ledger["submission_id"][1]
    with connect(settings) as conn:
        current = conn.execute(
            "SELECT sum(type3_attendances) FROM staging.stg_uec_daily"
        ).fetchall()[0][0]
        history = conn.execute("SELECT count(*) FROM raw.uec_daily").fetchall()[0][0]
    assert current == 120  # 2 days x 60, from the resubmission only
    assert history == 62  # both versions' 31 rows are kept


def test_invalid_resubmission_leaves_the_earlier_one_current(settings):
    process_file(drop_csv(settings, uec_rows(days=2), name="v1.csv"), settings)
    bad = on_open_days(uec_rows(days=2), type1_within_4h=[999, 999])
    assert process_file(drop_csv(settings, bad, name="v2.csv"), settings).status == "rejected"
    assert list(_ledger(settings)["status"]) == ["loaded", "rejected"]


class InjectedFault(RuntimeError):
    pass


def test_failure_before_commit_leaves_the_warehouse_as_it_was(settings):
    process_file(drop_csv(settings, uec_rows(days=2), name="v1.csv"), settings)
    before = _ledger(settings)
    path = drop_csv(settings, on_open_days(uec_rows(days=2), type3_attendances=60), name="v2.csv")

    def fail() -> None:
        raise InjectedFault("power cut between insert and commit")

    with pytest.raises(InjectedFault):
        process_file(path, settings, before_commit=fail)
    assert _ledger(settings).equals(before)
    assert _raw_count(settings) == 31
    assert path.exists()  # still in the inbox, to be taken next time
    assert process_file(path, settings).status == "loaded"
    assert list(_ledger(settings)["status"]) == ["superseded", "loaded"]


def test_crash_after_commit_is_completed_on_the_next_scan(settings, monkeypatch):
    path = drop_csv(settings, uec_rows(days=2))
    import pipeline.ingest as ingest

    def crash(source, destination):
        raise OSError("process killed before the move")

    monkeypatch.setattr(ingest, "_move", crash)
    with pytest.raises(OSError):
        process_file(path, settings)
    monkeypatch.undo()
    assert path.exists() and _raw_count(settings) == 31
    outcome = process_file(path, settings)
    assert outcome.status == "recovered"
    assert _raw_count(settings) == 31  # not loaded a second time
    assert list(_ledger(settings)["status"]) == ["loaded"]
    assert settings.absolute(_ledger(settings)["path"][0]).exists()


def test_folder_that_is_not_a_trust_is_rejected(settings):
    outcome = process_file(drop_csv(settings, uec_rows(), org="XYZ"), settings)
    assert outcome.status == "rejected"
    assert "not the inbox of a CMAST trust" in outcome.problems[0].rule


def test_unknown_site_and_future_period_are_rejected(settings):
    frame = uec_rows(days=1).assign(site_code="REM21")
    outcome = process_file(drop_csv(settings, frame), settings)
    assert any("is not a site of RJR" in p.rule for p in outcome.problems)
    future = uec_rows(period="2031-01", days=1)
    outcome = process_file(
        drop_csv(settings, future, name="f.csv"), settings, today=dt.date(2026, 11, 23)
    )
    assert any("in the future" in p.rule for p in outcome.problems)


def test_scan_takes_files_in_arrival_order_and_skips_unsettled(settings):
    later = drop_csv(settings, uec_rows(), name="b.csv", mtime=2_000_000_000 - 10)
    earlier = drop_csv(settings, uec_rows(), name="a.csv", mtime=1_600_000_000)
    (settings.inbox / "RJR" / "~$lock.xlsx").write_bytes(b"lock")
    assert scan_inbox(settings, now=2_000_000_000) == [earlier, later]
    waiting = type(settings)(**{**settings.__dict__, "settle_seconds": 60})
    assert scan_inbox(waiting, now=2_000_000_000) == [earlier]

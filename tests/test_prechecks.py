"""Checking files ahead in worker processes changes when a file is checked, never what is found
or loaded (``pipeline.prechecks``, ``pipeline.workers``)."""

from __future__ import annotations

import datetime as dt
import pickle
import time
from dataclasses import replace

import pytest

from pipeline import prechecks, workers
from pipeline.ingest import process_file, scan_inbox
from pipeline.returns.registry import get_return
from pipeline.warehouse import connect, held_open
from tests.conftest import drop_csv, on_open_days, uec_rows

TODAY = dt.date(2023, 11, 20)


def _inbox(settings):
    """Five files in arrival order: a valid return, its correction, one with errors, an exact
    copy of the correction, and another trust's return."""
    base = time.time() - 600
    drop_csv(settings, uec_rows(days=2), name="a.csv", mtime=base)
    corrected = on_open_days(uec_rows(days=2), type3_attendances=60, type3_within_4h=55)
    drop_csv(settings, corrected, name="b.csv", mtime=base + 1)
    drop_csv(
        settings,
        on_open_days(uec_rows(days=2), type1_within_4h=[999, 999]),
        name="c.csv",
        mtime=base + 2,
    )
    drop_csv(settings, corrected, name="d.csv", mtime=base + 3)
    drop_csv(
        settings, uec_rows(org="RBL", site="RBL14", days=3), org="RBL", name="e.csv", mtime=base + 4
    )


def _ingest(settings):
    files = scan_inbox(settings)
    with held_open(settings), prechecks.checking_ahead(files, settings, TODAY):
        return [
            (o.file_name, o.status, o.row_count, o.message, len(o.problems))
            for o in (process_file(p, settings, today=TODAY) for p in files)
        ]


def _warehouse(settings):
    with connect(settings) as conn:
        ledger = conn.execute(
            "SELECT org_code, file_name, status, period, row_count, error_count, superseded_by, "
            "duplicate_of FROM ledger.submissions ORDER BY submission_id"
        ).fetchall()
        rows = conn.execute(
            "SELECT org_code, site_code, sum(type1_attendances), "
            "sum(type3_attendances) FROM staging.stg_uec_daily "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    return ledger, rows


@pytest.fixture
def two_workers(settings):
    return replace(settings, workers=2)


def test_checking_ahead_finds_and_loads_exactly_what_checking_in_turn_does(settings, tmp_path):
    one = replace(settings, workers=1)
    two = replace(
        settings, data_dir=tmp_path / "two", warehouse_path=tmp_path / "two.duckdb", workers=2
    )
    two.ensure_dirs()
    _inbox(one)
    _inbox(two)
    in_turn, ahead = _ingest(one), _ingest(two)
    assert ahead == in_turn
    assert [status for _, status, *_ in ahead] == [
        "loaded",
        "loaded",
        "rejected",
        "duplicate",
        "loaded",
    ]
    assert _warehouse(two) == _warehouse(one)
    # Worked by hand: RJR's current return is the correction (2 days of type 3 = 60 each);
    # RBL's three days of type 1 are 100 + 200 + 300.
    assert _warehouse(two)[1] == [("RBL", "RBL14", 600, 150), ("RJR", "RJR05", 300, 120)]


def test_a_file_changed_after_its_check_ahead_is_checked_again(two_workers):
    settings = two_workers
    first = drop_csv(settings, uec_rows(days=2), name="a.csv", mtime=time.time() - 60)
    second = drop_csv(
        settings,
        on_open_days(uec_rows(days=2), type1_within_4h=[999, 999]),
        name="b.csv",
        mtime=time.time() - 30,
    )
    files = scan_inbox(settings)
    with prechecks.checking_ahead(files, settings, TODAY):
        _wait_until_checked(second)
        # The trust replaces the bad file with a good one after it was checked ahead.
        drop_csv(settings, uec_rows(days=3), name="b.csv", mtime=time.time() - 30)
        outcomes = [process_file(p, settings, today=TODAY) for p in (first, second)]
    assert [o.status for o in outcomes] == ["loaded", "loaded"]
    with connect(settings) as conn:  # the replacement's 3 days: 100 + 200 + 300 type 1
        assert conn.execute(
            "SELECT sum(type1_attendances) FROM staging.stg_uec_daily"
        ).fetchall() == [(600,)]


def test_a_check_ahead_is_used_only_for_the_same_bytes_and_day(two_workers):
    settings = two_workers
    path = drop_csv(settings, uec_rows(days=2), name="a.csv")
    other = drop_csv(settings, uec_rows(days=1), name="b.csv")
    with prechecks.checking_ahead([path, other], settings, TODAY):
        _wait_until_checked(path)
        assert prechecks.take(path, "0" * 64, TODAY) is None  # other bytes
    with prechecks.checking_ahead([path, other], settings, TODAY):
        _wait_until_checked(path)
        assert prechecks.take(path, _sha(path), TODAY + dt.timedelta(days=1)) is None
    with prechecks.checking_ahead([path, other], settings, TODAY):
        _wait_until_checked(path)
        checked = prechecks.take(path, _sha(path), TODAY)
    # a.csv's rows (October, 2 days of 100 and 200 type 1), not b.csv's (1 day of 100)
    assert checked is not None and checked.valid and len(checked.rows) == 31
    assert int(checked.rows["type1_attendances"].sum()) == 300
    assert checked.spec is get_return("uec")  # sent back by name, not copied


def test_a_link_is_never_read_ahead(two_workers, tmp_path):
    outside = tmp_path / "secret.csv"
    uec_rows(days=2).to_csv(outside, index=False)
    link = two_workers.inbox / "RJR" / "link.csv"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    assert prechecks.check_ahead(str(link), two_workers, "RJR", TODAY) is None


def test_without_workers_nothing_is_checked_ahead(settings):
    one = replace(settings, workers=1)
    paths = [drop_csv(one, uec_rows(days=d), name=f"{d}.csv") for d in (1, 2)]
    with prechecks.checking_ahead(paths, one, TODAY):
        assert prechecks._ahead == {}
    assert workers.pool(one) is None


def test_run_all_keeps_the_order_of_the_calls(two_workers):
    calls = [(n,) for n in range(20)]
    assert workers.run_all(two_workers, _square, calls) == [n * n for n in range(20)]
    assert workers.run_all(replace(two_workers, workers=1), _square, calls) == [
        n * n for n in range(20)
    ]


def test_a_return_spec_travels_by_name():
    spec = get_return("rtt_ptl")
    assert pickle.loads(pickle.dumps(spec)) is spec


def _square(n: int) -> int:
    return n * n


def _sha(path) -> str:
    from pipeline.ingest import sha256_of

    return sha256_of(path)


def _wait_until_checked(path, timeout: float = 120.0) -> None:
    """Until the worker has finished with ``path`` (the pool may still be starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with prechecks._lock:
            entry = prechecks._ahead.get(path)
        if entry is not None and entry[0].done():
            return
        time.sleep(0.05)
    raise AssertionError(f"{path.name} was not checked ahead within {timeout:.0f} s")


def test_duplicates_do_not_use_up_the_window_of_checks_ahead(two_workers):
    # More exact copies than the window holds: each is recorded as a duplicate without being
    # checked, and the files after them are still checked ahead.
    settings = two_workers
    window = prechecks.AHEAD_PER_WORKER * settings.workers
    base = time.time() - 600
    drop_csv(settings, uec_rows(days=2), name="first.csv", mtime=base)
    for n in range(window + 2):
        drop_csv(settings, uec_rows(days=2), name=f"copy{n:02d}.csv", mtime=base + 1 + n)
    drop_csv(
        settings,
        uec_rows(org="RBL", site="RBL14", days=3),
        org="RBL",
        name="last.csv",
        mtime=base + window + 10,
    )
    files = scan_inbox(settings)
    used = []
    with held_open(settings), prechecks.checking_ahead(files, settings, TODAY):
        for path in files:
            if path.name == "last.csv":
                _wait_until_checked(path)
                used.append(prechecks._ahead[path][0].done())
            process_file(path, settings, today=TODAY)
        assert prechecks._ahead == {}
    assert used == [True]


def test_a_file_loaded_outside_any_block_leaves_nothing_behind(settings):
    process_file(drop_csv(settings, uec_rows(days=1), name="alone.csv"), settings, today=TODAY)
    assert (prechecks._ahead, prechecks._claimed, prechecks._listed) == ({}, set(), set())

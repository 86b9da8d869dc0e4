"""Interruptions and storage faults: whatever stops a load, the next run finishes it exactly once.

Each scenario has a corrected return (v2) replacing one already loaded (v1). An ingest process
is killed (``os._exit(137)``, see ``tests/fault_child.py``) at one step of loading v2; a second
process then ingests again; and the ledger, the warehouse, the archive and the inbox must agree:
v1 superseded, v2 loaded once, each file once in the archive, nothing left in the inbox, no
half-written file anywhere, and the snapshot showing the same.

The processes are real, separate OS processes. They are forked from a server that has imported
the pipeline once (``multiprocessing``'s forkserver), because starting Python with pandas and
pandera costs about 3 s here; one scenario also runs in a fresh interpreter to show the same.

A full disk (a 64 KB tmpfs mounted on the archive) and a read-only archive (a read-only tmpfs)
stop the file before anything is recorded, with an error saying where and why; they need root
and mount permission, else they are skipped. A file where the archive folder should be gives
the same answer everywhere.
"""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.filing import StorageFailed
from pipeline.ingest import process_file
from pipeline.warehouse import connect
from pipeline.warehouse.snapshot import read_snapshot
from tests.conftest import drop_csv, on_open_days, uec_rows
from tests.fault_child import KILLED, run

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["tests.fault_child"])

V2 = on_open_days(uec_rows(days=2), type3_attendances=60, type3_within_4h=55)
BAD = on_open_days(uec_rows(days=2), type1_within_4h=[999, 999])


def _in_process(data_dir: Path, step: str | None) -> int:
    child = _CONTEXT.Process(target=run, args=(str(data_dir), step))
    child.start()
    child.join(timeout=120)
    return child.exitcode


def _in_fresh_interpreter(data_dir: Path, step: str | None) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "tests.fault_child", str(data_dir), step or "none"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=120,
    )
    return done.returncode


def _ledger(settings) -> list[tuple]:
    with connect(settings) as conn:
        return conn.execute(
            "SELECT file_name, status, row_count, path FROM ledger.submissions "
            "ORDER BY submission_id"
        ).fetchall()


def _warehouse(settings) -> tuple[int, int]:
    """Rows of every submission kept, and the current type 3 attendances."""
    with connect(settings) as conn:
        raw = conn.execute("SELECT count(*) FROM raw.uec_daily").fetchall()[0][0]
        current = conn.execute(
            "SELECT sum(type3_attendances) FROM staging.stg_uec_daily"
        ).fetchall()[0][0]
    return raw, current


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file() or p.is_symlink())


@pytest.fixture
def loaded_v1(settings):
    """v1 loaded and published, as it would be before the month's correction arrives."""
    assert (
        process_file(drop_csv(settings, uec_rows(days=2), name="v1.csv"), settings).status
        == "loaded"
    )
    return settings


@pytest.mark.parametrize(
    "step", ["after_read", "in_transaction", "after_commit", "during_move", "after_move", "publish"]
)
def test_killed_load_is_finished_exactly_once_by_the_next_run(loaded_v1, step):
    settings = loaded_v1
    drop_csv(settings, V2, name="v2.csv")
    assert _in_process(settings.data_dir, step) == KILLED
    assert _in_process(settings.data_dir, None) == 0
    _assert_v2_replaced_v1(settings)


def test_killed_after_commit_in_a_fresh_interpreter(loaded_v1):
    settings = loaded_v1
    drop_csv(settings, V2, name="v2.csv")
    assert _in_fresh_interpreter(settings.data_dir, "after_commit") == KILLED
    assert _ledger(settings)[-1][:2] == ("v2.csv", "loaded")  # committed, not yet moved
    assert (settings.inbox / "RJR" / "v2.csv").exists()
    assert _in_fresh_interpreter(settings.data_dir, None) == 0
    _assert_v2_replaced_v1(settings)


@pytest.mark.parametrize("step", ["after_commit", "during_move"])
def test_killed_quarantine_is_finished_exactly_once(loaded_v1, step):
    settings = loaded_v1
    drop_csv(settings, BAD, name="bad.csv")
    assert _in_process(settings.data_dir, step) == KILLED
    assert _in_process(settings.data_dir, None) == 0
    ledger = _ledger(settings)
    assert [row[:2] for row in ledger] == [("v1.csv", "loaded"), ("bad.csv", "rejected")]
    assert _warehouse(settings) == (31, 100)  # v1 only: 31 rows, type 3 = 50 a day open
    quarantined = _files(settings.quarantine)
    assert len(quarantined) == 2 and quarantined[1].endswith(".feedback.xlsx")
    assert settings.absolute(ledger[1][3]).exists()
    assert _files(settings.inbox) == []


def _assert_v2_replaced_v1(settings) -> None:
    ledger = _ledger(settings)
    assert [row[:3] for row in ledger] == [("v1.csv", "superseded", 31), ("v2.csv", "loaded", 31)]
    assert _warehouse(settings) == (62, 120)  # both kept; v2 current: 2 open days x 60
    archived = _files(settings.archive)
    assert len(archived) == 2 and not any(".partial" in name for name in archived)
    assert all(settings.absolute(row[3]).exists() for row in ledger)
    assert _files(settings.inbox) == []
    snapshot = read_snapshot(
        settings, "SELECT status FROM ledger.submissions ORDER BY submission_id"
    )
    assert list(snapshot["status"]) == ["superseded", "loaded"]
    leftovers = [p.name for p in settings.outputs.rglob("*.partial")]
    assert not leftovers, leftovers


# --- storage faults ---------------------------------------------------------------------------


def _mount_tmpfs(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    return done.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)


def _assert_stopped_and_kept(settings, path: Path, error: StorageFailed, ledger_before) -> None:
    message = str(error)
    assert "Nothing was recorded" in message and "stays in the inbox" in message
    assert path.exists(), "the file must stay in the inbox"
    assert _ledger(settings) == ledger_before
    assert _warehouse(settings) == (31, 100)  # v1 only: its 31 rows, type 3 = 50 a day open


def test_a_file_where_the_archive_folder_should_be_stops_the_load_cleanly(loaded_v1):
    settings = loaded_v1
    blocked = settings.archive / "RJR"
    for name in _files(blocked):
        (blocked / name).unlink()
    blocked.rmdir()
    blocked.write_text("not a folder")
    path = drop_csv(settings, V2, name="v2.csv")
    before = _ledger(settings)
    with pytest.raises(StorageFailed) as error:
        process_file(path, settings)
    _assert_stopped_and_kept(settings, path, error.value, before)
    blocked.unlink()
    assert process_file(path, settings).status == "loaded"


@pytest.mark.parametrize("fault", ["full", "read_only"])
@pytest.mark.parametrize("destination", ["archive", "quarantine"])
def test_full_or_read_only_storage_stops_the_file_with_nothing_lost(loaded_v1, fault, destination):
    settings = loaded_v1
    folder = (settings.archive if destination == "archive" else settings.quarantine) / "RJR"
    # Mounted over the trust's folder (what was in it is hidden until the unmount, not lost).
    if not _mount_tmpfs(folder, "size=64k" if fault == "full" else "ro,size=64k"):
        pytest.skip("mounting a tmpfs needs root and mount permission (CAP_SYS_ADMIN)")
    try:
        if fault == "full":
            _fill(folder)
        path = drop_csv(settings, V2 if destination == "archive" else BAD, name="v2.csv")
        before = _ledger(settings)
        with pytest.raises(StorageFailed) as error:
            process_file(path, settings)
        _assert_stopped_and_kept(settings, path, error.value, before)
        assert not list(folder.glob("*.partial")) and not list(folder.glob("*.feedback.xlsx"))
    finally:
        _unmount(folder)
    # With room again, the next run takes the file as if nothing had happened.
    expected = "loaded" if destination == "archive" else "rejected"
    assert process_file(path, settings).status == expected


def _fill(folder: Path) -> None:
    """Fill a small file system to the last byte."""
    with (folder / "filler").open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            return

"""One writer at a time: the writer lock, and waiting for a warehouse another process holds."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from pipeline.ingest import TAKEN, process_file
from pipeline.locking import WriterBusy, writer_lock
from pipeline.warehouse import connect
from pipeline.warehouse.connection import WarehouseLocked
from tests.conftest import drop_csv, uec_rows

_HOLD_WAREHOUSE = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
    "print('holding', flush=True); time.sleep(float(sys.argv[2])); c.close()"
)
_HOLD_LOCK = (
    "import sys; from pipeline.config import load_settings; "
    "from pipeline.locking import writer_lock; from pathlib import Path\n"
    "with writer_lock(load_settings(Path(sys.argv[1]))):\n"
    "    print('holding', flush=True); sys.stdin.read()"
)


def _hold(*args: str, stdin=None) -> subprocess.Popen:
    holder = subprocess.Popen(
        [sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True, stdin=stdin
    )
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_connect_waits_for_another_process_to_close_the_warehouse(settings):
    with connect(settings):
        pass  # created and migrated
    holder = _hold(_HOLD_WAREHOUSE, str(settings.warehouse_path), "1")
    try:
        with connect(replace(settings, lock_wait_seconds=120)) as conn:
            assert conn.execute("SELECT count(*) FROM ledger.submissions").fetchall() == [(0,)]
    finally:
        holder.wait(timeout=60)


def test_connect_gives_up_with_a_clear_message(settings):
    with connect(settings):
        pass
    holder = _hold(_HOLD_WAREHOUSE, str(settings.warehouse_path), "120")
    try:
        with (
            pytest.raises(WarehouseLocked, match="locked by another process") as raised,
            connect(replace(settings, lock_wait_seconds=0.3)),
        ):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert "CMAST_LOCK_WAIT_SECONDS" in str(raised.value)


def test_the_writer_lock_keeps_other_processes_out_and_lets_its_holder_back_in(settings):
    holder = _hold(_HOLD_LOCK, str(settings.data_dir), stdin=subprocess.PIPE)
    try:
        with (
            pytest.raises(WriterBusy, match="CMAST_LOCK_WAIT_SECONDS"),
            writer_lock(settings, wait_seconds=0.2),
        ):
            pass
    finally:
        holder.communicate("")
    with writer_lock(settings), writer_lock(settings, wait_seconds=0):
        pass  # taken again inside itself without waiting


def test_a_file_gone_by_the_time_the_lock_is_held_was_taken_by_another_run(settings):
    path = drop_csv(settings, uec_rows(days=1), name="a.csv")
    path.unlink()  # the other run moved it to the archive meanwhile
    outcome = process_file(path, settings)
    assert outcome.status == TAKEN
    assert not settings.warehouse_path.exists()  # nothing was opened, let alone written

"""The ingest as a separate process, stopped dead at a chosen step (for ``test_faults.py``).

``run(data_dir, step)`` ingests every file waiting in the inbox, as ``cmast ingest`` does, then
publishes the snapshot. At ``step`` (one of ``pipeline.ingest.FAULT_STEPS``, ``in_transaction``
for inside the warehouse transaction, or ``publish`` for midway through the snapshot) the
process ends with ``os._exit(137)``: no ``finally`` blocks, no flushing, no closing of files or
the warehouse, as when the kernel's out-of-memory killer or a power cut stops it.

Run as ``python -m tests.fault_child DATA_DIR STEP`` it does the same in a fresh interpreter.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path

from pipeline.config import load_settings
from pipeline.ingest import FAULT_STEPS, process_file, scan_inbox
from pipeline.warehouse.snapshot import publish_snapshot

KILLED = 137  # what a shell reports for a process killed by SIGKILL


def die() -> None:
    os._exit(KILLED)


def run(data_dir: str, step: str | None = None) -> None:
    settings = replace(load_settings(Path(data_dir)), settle_seconds=0.0)
    faults = {step: die} if step in FAULT_STEPS else {}
    before_commit = die if step == "in_transaction" else None
    for path in scan_inbox(settings):
        process_file(path, settings, faults=faults, before_commit=before_commit)
    publish_snapshot(settings, advance=die if step == "publish" else None)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 and sys.argv[2] != "none" else None)

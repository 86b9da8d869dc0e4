"""One writer at a time: an exclusive lock on a file beside the warehouse.

DuckDB lets one process open the warehouse for writing, but a writer's work is more than one
connection: ingesting a file reads the ledger, checks the file, then loads it and moves it. Two
runs scanning the same inbox could otherwise both see a file as new and both load it. Whoever
writes (an ingest of one file, a marts rebuild, publishing the snapshot) holds this lock for the
whole of that work. The lock is the operating system's (``flock``), so it is released when its
holder exits, however it exits: a crashed run never leaves the warehouse locked.

Take this lock before opening the warehouse, never while holding a connection, so two writers
cannot each hold what the other waits for (``pipeline.warehouse.held_open`` takes it for a whole
ingest run, before its connection).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import CmastError

LOCK_NAME = ".writer.lock"

# Re-entrant within a process: a writer inside another (a file loaded within an ingest run that
# holds the lock throughout) must not wait for itself, whichever thread it runs on; flock alone
# would block, as each open() is a separate lock. The process is the one writer meanwhile, as
# with DuckDB's own lock.
_depth: dict[Path, int] = {}
_depth_guard = threading.Lock()


class WriterBusy(CmastError, TimeoutError):
    """Another process kept the warehouse's writer lock for longer than we were willing to wait."""


def lock_path(settings: Settings) -> Path:
    return settings.warehouse_path.parent / LOCK_NAME


@contextmanager
def writer_lock(settings: Settings, wait_seconds: float | None = None) -> Iterator[None]:
    """Hold the warehouse's writer lock, waiting up to ``wait_seconds`` (default: the
    ``CMAST_LOCK_WAIT_SECONDS`` setting) for another writer to finish."""
    path = lock_path(settings)
    with _depth_guard:
        inside = _depth.get(path, 0) > 0
        if inside:
            _depth[path] += 1
    if inside:
        try:
            yield
        finally:
            with _depth_guard:
                _depth[path] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = settings.lock_wait_seconds if wait_seconds is None else wait_seconds
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(handle, path, wait)
        with _depth_guard:
            _depth[path] = 1
        try:
            yield
        finally:
            with _depth_guard:
                _depth[path] = 0
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def _acquire(handle: int, path: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WriterBusy(
                    f"Another cmast process has been writing to the warehouse for more than "
                    f"{wait:g} s (lock file {path}). It may be a long load: try again later, or "
                    "allow longer with CMAST_LOCK_WAIT_SECONDS."
                ) from None
            # Back off so a long wait costs little, but notice a release within a second.
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 1.0)

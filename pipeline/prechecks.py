"""Checking the files waiting in the inbox ahead of the one being loaded, in worker processes.

Loading is one file at a time, in arrival order (DuckDB has one writer, and a resubmission must
replace what it follows). Checking a file is most of its cost and touches nothing but the file,
so while one file loads the workers check the next ones. A check done ahead is used only if it
is of the very bytes being loaded (the same SHA-256, hashed before and after checking) and for
the same day; otherwise, and whenever a worker is not there or fails, the loader checks the
file itself exactly as it would have. So checking ahead changes when a check runs, never what
it finds.

A file not yet started by a worker when the loader reaches it is taken back and checked in the
loader at once: nobody waits for a pool that is still starting.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path

from pipeline import workers
from pipeline.config import Settings
from pipeline.inbox import check_waiting_file, outside_inbox, sha256_unfollowed
from pipeline.validation.validate import Checked

#: Checks at most this many files per worker ahead of the loader: each result waits in memory
#: until its file's turn, and a backlog of thousands (an inbox after an outage) must not.
AHEAD_PER_WORKER = 4

_lock = threading.Condition()  # guards the three below; notified when a file is taken
_ahead: dict[Path, tuple[Future, dt.date]] = {}
_listed: set[Path] = set()  # the files of the blocks open now
_claimed: set[Path] = set()  # of those, the ones the loader has reached: too late to check


@contextmanager
def checking_ahead(
    paths: Sequence[Path], settings: Settings, today: dt.date | None = None
) -> Iterator[None]:
    """Check ``paths`` in the worker pool while the block loads them one by one.

    Files are handed to the pool from a thread of their own, since starting the pool takes a
    second the loader spends on the first files itself. Does nothing for fewer than two
    files (nothing to overlap) or without a pool. Checks not taken by the end of the block are
    cancelled.
    """
    day = today or dt.date.today()
    stop = threading.Event()
    handing = None
    with _lock:
        _listed.update(paths)
    if len(paths) >= 2 and settings.workers > 1:
        handing = threading.Thread(
            target=_hand_over,
            args=(list(paths), settings, day, stop),
            name="checking-ahead",
            daemon=True,
        )
        handing.start()
    try:
        yield
    finally:
        with _lock:
            stop.set()
            _lock.notify_all()
        if handing is not None:
            handing.join()
        with _lock:
            for path in paths:
                future, _ = _ahead.pop(path, (None, None))
                if future is not None:
                    future.cancel()
                _claimed.discard(path)
                _listed.discard(path)


def _hand_over(paths: list[Path], settings: Settings, day: dt.date, stop: threading.Event) -> None:
    window = AHEAD_PER_WORKER * settings.workers
    for path in paths:
        with _lock:
            while not stop.is_set() and path not in _claimed and len(_ahead) >= window:
                _lock.wait()
            if stop.is_set():
                return
            if path in _claimed:
                continue
        future = workers.submit(
            settings, check_ahead, str(path), settings, path.parent.name.strip().upper(), day
        )
        if future is None:
            return
        with _lock:
            if path in _claimed or stop.is_set():
                future.cancel()  # the loader got there while the pool was starting
            else:
                _ahead[path] = (future, day)


def take(path: Path, sha: str, today: dt.date) -> Checked | None:
    """The check done ahead for ``path``, if it is of these bytes (``sha``) on ``today``;
    ``None`` means the caller checks the file itself."""
    with _lock:
        _claim(path)
        future, day = _ahead.pop(path, (None, None))
        _lock.notify_all()
    if future is None or day != today or future.cancel():
        return None  # not handed over, for another day, or not started: the caller checks it
    try:
        found = future.result()
    except Exception:  # noqa: BLE001  a worker's failure is the caller's to meet first-hand
        if isinstance(future.exception(), workers.BrokenProcessPool):
            workers.discard_broken()
        return None
    if found is None or found[0] != sha:
        return None
    return found[1]


def done_with(path: Path) -> None:
    """The loader has finished with ``path``: a check made ahead and not used (the file was a
    duplicate, a link, or taken by another run) is dropped, making room for the next."""
    with _lock:
        _claim(path)
        future, _ = _ahead.pop(path, (None, None))
        if future is not None:
            future.cancel()
        _lock.notify_all()


def _claim(path: Path) -> None:
    if path in _listed:  # a file loaded outside any block leaves nothing behind
        _claimed.add(path)


def check_ahead(
    path: str, settings: Settings, org: str, today: dt.date
) -> tuple[str, Checked] | None:
    """In a worker: the file's hash and what checking it finds, or ``None`` if it changed
    while being checked or is not a regular file (a link is refused by the loader, unread)."""
    file = Path(path)
    if outside_inbox(file, settings):
        return None
    before = sha256_unfollowed(file)
    if before is None:
        return None
    checked = check_waiting_file(file, settings, org, today)
    if checked.valid and not checked.in_raw_form:
        # Shaped for its raw table here too, which is work the loader need not do.
        checked.rows, checked.in_raw_form = checked.raw_rows(), True
    return (before, checked) if sha256_unfollowed(file) == before else None

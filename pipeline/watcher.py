"""Noticing files that arrive in the inbox, as they arrive, without running anything for nothing.

``cmast serve`` used to scan the inbox on a timer: a trust waited up to a whole interval for its
answer, and every empty scan was a flow run in the history. :class:`InboxWatch` instead sleeps
until the inbox changes (Linux's inotify, through ctypes: no extra package) and then says which
files have *settled* (unchanged for ``CMAST_SETTLE_SECONDS``, as ``scan_inbox`` requires), so a
run is started for them at once and only then. A slow full look every ``safety_seconds`` stays
as the safety net for what change notification can miss (network shares, a folder created and
filled before it was watched); where inotify is missing, that look happens every second instead.

A file that arrived whole (renamed into the inbox, or closed after writing, as the notifier saw)
is offered at once with the moment it will have settled (:meth:`InboxWatch.arrived_new`), so the
run's process can start while the file settles: starting a process takes about as long as the
settling time. A file seen any other way (being written, found by a safety look) is offered
only once it has settled.

A file is offered once (by path, size and modification time). One left in the inbox after its
run (its load failed after the retries) is offered again at the next safety look, not at every
wake, so a broken file cannot start runs back to back.
"""

from __future__ import annotations

import ctypes
import os
import select
import struct
import sys
import time
from contextlib import suppress
from pathlib import Path

from pipeline.config import Settings
from pipeline.ingest import scan_inbox

# inotify(7): a file written and closed, moved in, created; a folder's attributes changed.
_IN_ATTRIB, _IN_CLOSE_WRITE, _IN_MOVED_TO, _IN_CREATE = 0x4, 0x8, 0x80, 0x100
_MASK = _IN_ATTRIB | _IN_CLOSE_WRITE | _IN_MOVED_TO | _IN_CREATE
#: struct inotify_event's fixed part: watch descriptor, mask, cookie, length of the name.
_EVENT = struct.Struct("iIII")
#: Without change notification, how often the inbox is looked at.
POLL_SECONDS = 1.0

Signature = tuple[str, int, int]


class _Inotify:
    """Wakes on changes in a folder and its trust folders (Linux only)."""

    def __init__(self, folder: Path):
        self.folder = folder
        #: Files whose last event said they arrived whole: renamed in, or closed after writing.
        self.whole: set[Path] = set()
        self._folders: dict[int, Path] = {}
        self._libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.watch_all()

    def watch_all(self) -> None:
        """Watch the inbox and every trust folder in it; watching one twice is harmless, so a
        folder created since the last call is added here."""
        folders = [self.folder]
        with suppress(OSError):
            folders += [p for p in self.folder.iterdir() if p.is_dir() and not p.is_symlink()]
        for folder in folders:
            watch = self._libc.inotify_add_watch(self.fd, os.fsencode(folder), _MASK)
            if watch >= 0:
                self._folders[watch] = folder

    def wait(self, timeout: float) -> bool:
        """Sleep until something changes or ``timeout`` passes; True if something changed."""
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return False
        with suppress(BlockingIOError):
            while chunk := os.read(self.fd, 65536):
                self._note(chunk)
        self.watch_all()
        return True

    def _note(self, chunk: bytes) -> None:
        """Keep :attr:`whole` up to date from a read's events."""
        offset = 0
        while offset + _EVENT.size <= len(chunk):
            watch, mask, _, length = _EVENT.unpack_from(chunk, offset)
            name = chunk[offset + _EVENT.size : offset + _EVENT.size + length].rstrip(b"\0")
            offset += _EVENT.size + length
            folder = self._folders.get(watch)
            if folder is None or not name:
                continue
            path = folder / os.fsdecode(name)
            if mask & (_IN_CLOSE_WRITE | _IN_MOVED_TO):
                self.whole.add(path)
            elif mask & _IN_CREATE:
                self.whole.discard(path)  # being written

    def close(self) -> None:
        with suppress(OSError):
            os.close(self.fd)


class InboxWatch:
    """The inbox, watched: :meth:`arrived_new` says which files to hand to a run and when they
    will have settled, :meth:`offer` marks them handed, :meth:`wait` sleeps until the next
    change worth a look."""

    def __init__(self, settings: Settings, safety_seconds: float, watch: bool = True):
        """``watch=False`` looks only every ``safety_seconds`` (an interval scan, as before the
        watch: kept to measure the difference, see ``bench/serve_inbox.py``)."""
        self.settings = settings
        self.safety_seconds = safety_seconds
        self.watching = watch
        self.offered: set[Signature] = set()
        self.notifier: _Inotify | None = None
        settings.inbox.mkdir(parents=True, exist_ok=True)
        if watch and sys.platform.startswith("linux"):
            with suppress(OSError, AttributeError):
                self.notifier = _Inotify(settings.inbox)
        self._next_safety_look = time.monotonic() + safety_seconds

    @property
    def notified(self) -> bool:
        """Whether changes wake it (else it looks every second)."""
        return self.notifier is not None

    def arrived_new(self) -> tuple[list[Path], float]:
        """Files not offered before that have settled or arrived whole (see the module's
        docstring), and the seconds until the last of them has settled (0: all have). Forgets
        offers at each safety look."""
        if time.monotonic() >= self._next_safety_look:
            self.offered.clear()
            self._next_safety_look = time.monotonic() + self.safety_seconds
        elif not self.watching:
            return [], 0.0
        whole = self.notifier.whole if self.notifier is not None else set()
        waiting, wait = [], 0.0
        # As the inbox will be once every file there now has settled, untouched.
        for path in scan_inbox(self.settings, now=time.time() + self.settings.settle_seconds):
            signature = _signature(path)
            if signature is None or signature in self.offered:
                continue
            settles_in = _settles_in(path, self.settings)
            if settles_in <= 0 or path in whole:
                waiting.append(path)
                wait = max(wait, settles_in)
        whole.intersection_update(waiting)  # offered now, or gone: forgotten either way
        return waiting, wait

    def offer(self, paths: list[Path]) -> None:
        """Mark ``paths`` as handed to a run."""
        self.offered.update(s for s in map(_signature, paths) if s is not None)

    def wait(self, stop_seconds: float) -> None:
        """Sleep until a change, the moment the next unsettled file settles, the next safety look,
        or ``stop_seconds``, whichever is first."""
        now = time.monotonic()
        timeout = min(stop_seconds, self._next_safety_look - now, self._until_settled())
        if not self.watching:
            time.sleep(max(0.0, min(stop_seconds, self._next_safety_look - now)))
        elif self.notifier is None:
            time.sleep(max(0.0, min(timeout, POLL_SECONDS)))
        else:
            self.notifier.wait(timeout)

    def _until_settled(self) -> float:
        """Seconds until the youngest file waiting to settle has settled (inf if none)."""
        now = time.time()
        soonest = float("inf")
        with suppress(OSError):
            for folder in self.settings.inbox.iterdir():
                if folder.is_dir() and not folder.is_symlink():
                    for path in folder.iterdir():
                        if path.name.startswith((".", "~$")):
                            continue
                        with suppress(OSError):
                            settles = path.lstat().st_mtime + self.settings.settle_seconds
                            if settles > now:
                                soonest = min(soonest, settles - now)
        # A little after the settle time, so scan_inbox agrees it has settled.
        return soonest + 0.05

    def close(self) -> None:
        if self.notifier is not None:
            self.notifier.close()


def _settles_in(path: Path, settings: Settings) -> float:
    """Seconds until ``path`` has settled as ``scan_inbox`` counts it (0 or less: it has)."""
    try:
        return path.lstat().st_mtime + settings.settle_seconds - time.time()
    except OSError:
        return 0.0


def _signature(path: Path) -> Signature | None:
    try:
        stat = path.lstat()
    except OSError:
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns)

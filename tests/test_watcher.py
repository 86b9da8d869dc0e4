"""The inbox watch on a real folder: which files it offers, and when."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import replace

import pytest

from pipeline.watcher import InboxWatch
from tests.conftest import drop_csv, uec_rows


@pytest.fixture
def settled(settings):
    return replace(settings, settle_seconds=0.0)


def test_a_settled_file_is_offered_once_until_the_safety_look(settled):
    watch = InboxWatch(settled, safety_seconds=3600)
    try:
        assert watch.settled_new() == []
        hidden = settled.inbox / "RJR" / ".partial.csv"
        hidden.parent.mkdir(parents=True, exist_ok=True)
        hidden.write_text("x\n")
        assert watch.settled_new() == []  # a sender's part-written file
        path = drop_csv(settled, uec_rows(), name="a.csv")
        assert watch.settled_new() == [path]
        watch.offer([path])
        assert watch.settled_new() == []  # handed to a run already
        os.utime(path, (time.time() - 10, time.time() - 10))  # changed: offered again
        assert watch.settled_new() == [path]
        watch.offer([path])
        watch._next_safety_look = time.monotonic()  # the safety look is due
        assert watch.settled_new() == [path]  # left after its run: tried again
    finally:
        watch.close()


def test_a_file_still_settling_is_not_offered(settings):
    watch = InboxWatch(replace(settings, settle_seconds=60.0), safety_seconds=3600)
    try:
        drop_csv(settings, uec_rows(), name="fresh.csv")
        assert watch.settled_new() == []
    finally:
        watch.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_change_wakes_the_watch_and_a_new_trust_folder_is_watched(settled):
    watch = InboxWatch(settled, safety_seconds=3600)
    try:
        assert watch.notified
        assert not watch.notifier.wait(0)  # nothing changed yet
        # A folder created after the watch started, and a file written into it afterwards.
        (settled.inbox / "RWW").mkdir()
        assert watch.notifier.wait(30)
        threading.Timer(0.2, lambda: drop_csv(settled, uec_rows(org="RWW", site="RWW01"),
                                              org="RWW", name="b.csv")).start()
        assert watch.notifier.wait(30)
        assert [p.name for p in watch.settled_new()] == ["b.csv"]
    finally:
        watch.close()

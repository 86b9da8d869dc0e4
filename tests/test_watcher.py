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
        assert watch.arrived_new() == ([], 0.0)
        hidden = settled.inbox / "RJR" / ".partial.csv"
        hidden.parent.mkdir(parents=True, exist_ok=True)
        hidden.write_text("x\n")
        assert watch.arrived_new() == ([], 0.0)  # a sender's part-written file
        path = drop_csv(settled, uec_rows(), name="a.csv")
        assert watch.arrived_new() == ([path], 0.0)
        watch.offer([path])
        assert watch.arrived_new() == ([], 0.0)  # handed to a run already
        os.utime(path, (time.time() - 10, time.time() - 10))  # changed: offered again
        assert watch.arrived_new() == ([path], 0.0)
        watch.offer([path])
        watch._next_safety_look = time.monotonic()  # the safety look is due
        assert watch.arrived_new() == ([path], 0.0)  # left after its run: tried again
    finally:
        watch.close()


def test_a_file_still_settling_is_not_offered(settings):
    watch = InboxWatch(replace(settings, settle_seconds=60.0), safety_seconds=3600)
    try:
        drop_csv(settings, uec_rows(), name="fresh.csv")
        assert watch.arrived_new() == ([], 0.0)
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
        threading.Timer(
            0.2,
            lambda: drop_csv(settled, uec_rows(org="RWW", site="RWW01"), org="RWW", name="b.csv"),
        ).start()
        assert watch.notifier.wait(30)
        assert [p.name for p in watch.arrived_new()[0]] == ["b.csv"]
    finally:
        watch.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_file_that_arrived_whole_is_offered_before_it_settles(settings):
    """Renamed in by its sender: offered at once, with the time left to settle (so its run's
    process can start meanwhile); one still open for writing waits until it has settled."""
    watch = InboxWatch(replace(settings, settle_seconds=60.0), safety_seconds=3600)
    try:
        folder = settings.inbox / "RJR"
        folder.mkdir(parents=True, exist_ok=True)
        assert watch.notifier.wait(30)  # the trust's folder, now watched
        writing = (folder / "slow.csv").open("w")  # created, not yet closed
        writing.write("org_code\n")
        writing.flush()
        partial = folder / ".whole.csv.partial"
        partial.write_text("org_code\nRJR\n")
        os.replace(partial, folder / "whole.csv")
        assert watch.notifier.wait(30)
        files, settles_in = watch.arrived_new()
        assert files == [folder / "whole.csv"]
        assert 50 < settles_in <= 60
        watch.offer(files)
        assert watch.arrived_new() == ([], 0.0)
        writing.close()
    finally:
        watch.close()

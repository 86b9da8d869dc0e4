"""Processes that end with the process that started them.

``cmast serve`` and ``cmast ingest`` start other processes: a Prefect server, the serving
process, flow runs, a forkserver and its workers. Each must end when its parent dies, however the
parent dies (``kill -9``, an out-of-memory kill), or it lives on holding a port, the server's
database or a writer slot. On Linux the kernel does this for us: ``prctl(PR_SET_PDEATHSIG)``
asks for a signal when the parent ends. Elsewhere a thread watches the parent's id instead.

Nothing here imports Prefect: it runs in processes about to start, or just started.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

_PR_SET_PDEATHSIG = 1
#: The serving process's id, given to the flow runs it starts (see :func:`end_with_server`).
SERVING_PID = "CMAST_SERVING_PID"


def end_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have the kernel send ``signum`` to this process when its parent ends (Linux; elsewhere
    a no-op). Safe as a ``preexec_fn``: a parent that died before this call is noticed at once
    (the request alone would wait for a death that has already happened)."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    import ctypes

    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent or parent == 1:
        os.kill(os.getpid(), signum)


def watch_parent(on_death: Callable[[], None], every_seconds: float = 1.0) -> threading.Thread:
    """Call ``on_death`` once, from a daemon thread, when this process's parent has gone (it is
    then adopted, so its parent id changes). The portable twin of :func:`end_with_parent`, for
    a process that would rather stop in order than be signalled."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_seconds)
        on_death()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread


#: How long a process told to stop (SIGTERM) may take over it once a handler has caught the
#: signal, before it ends itself. A flow's own handler reports the run as crashed to the
#: Prefect server first; on a loaded machine with a busy server that report was seen to take
#: over two minutes, which no service manager waits for.
TERM_GRACE_SECONDS = 30.0


def bound_termination(grace_seconds: float = TERM_GRACE_SECONDS) -> bool:
    """Make SIGTERM end this process within ``grace_seconds`` whatever handles it meanwhile.

    With no Python handler the signal ends the process at once. A handler (Prefect installs
    one for the length of a flow run) may take as long as it likes; so the signal is also seen
    through Python's wakeup file descriptor, which the interpreter writes to on every signal
    it catches before any handler runs, and a thread then ends the process (``os._exit``, code
    143, as SIGTERM's default would) once the grace has passed. Ending a process mid-load is
    safe: a load is one transaction, and an interrupted move is finished by the next run.
    Call from the main thread; returns whether the watch is in place (False elsewhere, or if
    something already uses the wakeup descriptor, which is then left alone)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    if previous != -1:
        # Someone else's (an event loop's) wakeup descriptor: give it back, do without.
        signal.set_wakeup_fd(previous)
        reader.close()
        writer.close()
        return False

    def watch() -> None:
        while True:
            received = reader.recv(64)
            if signal.SIGTERM in received:
                time.sleep(grace_seconds)
                os._exit(128 + signal.SIGTERM)

    threading.Thread(target=watch, name="bound-termination", daemon=True).start()
    # Kept for the process's life: the descriptor must stay open while it is registered.
    _wakeup.extend([reader, writer])
    return True


_wakeup: list[socket.socket] = []


def end_with_server() -> None:
    """In a flow run started by ``cmast serve``'s serving process: end (SIGKILL) if that
    process dies. Prefect starts the runs itself, so each served flow asks as it begins; a kill
    is safe, since a load is one transaction. Elsewhere (``cmast ingest`` run
    by hand, whose parent is a shell) nothing is done."""
    serving = os.environ.get(SERVING_PID)
    if serving and serving.isdigit() and int(serving) == os.getppid():
        end_with_parent(signal.SIGKILL)


def children(pid: int) -> list[int]:
    """The ids of ``pid``'s children (Linux, from /proc; elsewhere none)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            # The command name (field 2) may hold spaces and parentheses: split after it.
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def kill_descendants(pid: int, signum: int = signal.SIGKILL) -> None:
    """Signal every process below ``pid``, and their process groups where they lead one (the
    runs Prefect starts lead sessions of their own)."""
    for child in children(pid):
        kill_descendants(child, signum)
        with suppress(OSError):
            if os.getpgid(child) == child:
                os.killpg(child, signum)
            else:
                os.kill(child, signum)


def start_guard() -> None:
    """Start a guard that ends this process's children and theirs when this process dies.

    For the children this process does not start itself: the temporary server Prefect starts for a
    flow run outside ``cmast serve`` (``cmast ingest`` by hand) cannot be asked to end with its
    parent, and after a ``kill -9`` of the command it lived on for good, holding Prefect's
    database and the writer slot. The guard is a small Python process importing nothing heavy:
    it notes the descendants of this process twice a second and, once this process has gone,
    sends them SIGTERM, then SIGKILL to any still there after ``GUARD_GRACE_SECONDS``.
    """
    if not sys.platform.startswith("linux"):
        return
    import subprocess

    # Every process started from here on inherits the mark, so the guard finds each one even
    # if it was started too shortly before this process died for the guard's look to see it.
    os.environ[GUARD_MARK] = f"{os.getpid()}-{_started_at(os.getpid())}"
    subprocess.Popen(
        [sys.executable, "-m", "pipeline.lifeline", str(os.getpid())],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        start_new_session=True,
        preexec_fn=end_with_parent,
    )


GUARD_GRACE_SECONDS = 10.0
#: The environment variable that marks the processes a guard looks after (see start_guard).
GUARD_MARK = "CMAST_GUARDED_BY"


def _marked(mark: str) -> dict[int, str]:
    """Every process whose environment carries ``GUARD_MARK=mark``: id and start time."""
    needle = b"\0" + f"{GUARD_MARK}={mark}".encode() + b"\0"  # a whole entry, no more
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environment = b"\0" + (entry / "environ").read_bytes() + b"\0"
        except OSError:
            continue
        if needle in environment:
            started = _started_at(int(entry.name))
            if started is not None:
                found[int(entry.name)] = started
    return found


def _started_at(pid: int) -> str | None:
    """A process's start time (field 22 of its stat), to tell it from a later one given the
    same id."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def descendants(pid: int) -> list[int]:
    found = []
    for child in children(pid):
        found += [child, *descendants(child)]
    return found


def _guard(parent: int) -> None:
    # The parent's death is seen by polling: the SIGTERM it sends only shortens the wait.
    signal.signal(signal.SIGTERM, lambda *_: None)
    me = os.getpid()
    known: dict[int, str] = {}
    while os.getppid() == parent:
        for pid in descendants(parent):
            if pid != me and pid not in known:
                started = _started_at(pid)
                if started is not None:
                    known[pid] = started
        time.sleep(0.5)
    mark = os.environ.get(GUARD_MARK)
    if mark:
        known.update({pid: started for pid, started in _marked(mark).items() if pid != me})
    alive = [pid for pid, started in known.items() if _started_at(pid) == started]
    for pid in alive:
        with suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + GUARD_GRACE_SECONDS
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in alive if _running(pid, known[pid])]
    for pid in alive:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _running(pid: int, started: str) -> bool:
    if _started_at(pid) != started:
        return False
    try:  # a zombie has ended; only its parent's wait is missing
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


if __name__ == "__main__":
    _guard(int(sys.argv[1]))

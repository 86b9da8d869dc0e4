"""Worker processes for work that is independent item by item: checking the files waiting in
the inbox, drawing the briefing's charts.

Checking a file and drawing a chart are Python-heavy (pandas, pandera, matplotlib), so threads
would take turns on one core; processes use them all. There is one pool per process, started on
first use and kept, so a process that ingests and then writes the briefing starts it once (under
``cmast serve`` each scheduled run is a process of its own; a scan with one file or none never
starts a pool). Start-up takes about a second, during which the caller works alone. Workers
are forked from a *forkserver* that imports the heavy libraries once when it starts: forking the
calling process itself would copy Prefect's and DuckDB's threads mid-flight, and starting each
worker afresh would import pandas every time.

Whatever runs in a worker must also be safe to run in the calling process: a caller that finds
the pool busy, broken or disabled (``CMAST_WORKERS=1``) does the work itself.

Stopping: a worker receives its queues' semaphores by name as it starts, after the forkserver
forked it, and the calling process deletes those names as it exits. A process that exited while
a worker was still starting (a short ingest run, a run cancelled by SIGTERM) left it to fail
with ``FileNotFoundError`` in ``multiprocessing/synchronize.py``. So every worker is started, and
seen to have started, before the pool is handed out, and the pool is shut down in order, waiting
for its workers, before anything else at exit. Workers end with the forkserver (which ends
with the process that started it) and ignore Ctrl-C and SIGTERM sent to the whole process
group: the pool's own shutdown, or their parent's death, is what ends them.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from pipeline.config import Settings
from pipeline.lifeline import end_with_parent

#: Imported once in the forkserver, so each worker starts with them loaded.
PRELOAD = ["pipeline.validation.validate", "pipeline.ingest", "pipeline.briefing.charts"]

T = TypeVar("T")
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_size = 0
#: How long a new pool may take for all its workers to start before it is used anyway.
START_SECONDS = 60.0


def pool(settings: Settings) -> ProcessPoolExecutor | None:
    """The process's worker pool, started if need be; ``None`` when settings ask for one
    process only."""
    global _pool, _size
    if settings.workers <= 1:
        return None
    with _lock:
        if _pool is None or _size != settings.workers:
            if _pool is not None:
                _stop(_pool)
            context: multiprocessing.context.BaseContext
            if "forkserver" in multiprocessing.get_all_start_methods():
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD + _main_module())
            else:  # Windows: each worker starts afresh
                context = multiprocessing.get_context("spawn")
            started = context.Semaphore(0)
            _pool = ProcessPoolExecutor(
                max_workers=settings.workers,
                mp_context=context,
                initializer=_worker_starts,
                initargs=(started,),
            )
            _size = settings.workers
            _start_all(_pool, settings.workers, started)
        return _pool


def _worker_starts(started) -> None:
    """In each worker as it starts: end with the forkserver, leave group-wide signals to the
    parent, and say it is up."""
    end_with_parent(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    started.release()


def _start_all(executor: ProcessPoolExecutor, workers: int, started) -> None:
    """Start every worker now and wait until each has taken its semaphores (see the module's
    docstring). The executor starts a worker per task submitted while none is idle, so one
    quick task each starts them all."""
    for _ in range(workers):
        executor.submit(time.sleep, 0)
    deadline = time.monotonic() + START_SECONDS
    # Private, but the only record of how many it started (at most ``workers``).
    for _ in range(len(executor._processes)):  # noqa: SLF001
        if not started.acquire(timeout=max(0.0, deadline - time.monotonic())):
            _log.warning("Worker processes slow to start: going on without waiting")
            return


def _stop(executor: ProcessPoolExecutor) -> None:
    """Shut a pool down and wait for its workers to exit (a broken pool's are killed)."""
    executor.shutdown(wait=True, cancel_futures=True)


def shutdown() -> None:
    """Shut the process's pool down in order; the next :func:`pool` starts a new one."""
    global _pool
    with _lock:
        if _pool is not None:
            _stop(_pool)
            _pool = None


# Before concurrent.futures' own handler at exit (the last registered runs first), which waits
# only for its queue threads; ours waits for the workers as well.
threading._register_atexit(shutdown)  # type: ignore[attr-defined]  # noqa: SLF001


def _main_module() -> list[str]:
    """The program's main module, for the forkserver to import once.

    Each worker re-imports the main module as ``__mp_main__`` when it starts (multiprocessing's
    rule, so a worker can unpickle what the main module defines). Under ``cmast serve`` that is
    Prefect's engine, seconds of imports per worker unless the forkserver has them already.
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:  # run as ``python -m name``; a package's __main__ is never re-imported
        return [] if name.endswith("__main__") else [name]
    return ["__main__"] if getattr(main, "__file__", None) else []


def submit(settings: Settings, fn: Callable[..., Any], *args: Any) -> Future | None:
    """``fn(*args)`` in a worker, or ``None`` when there is no pool to run it (the caller then
    runs it itself)."""
    executor = pool(settings)
    if executor is None:
        return None
    try:
        return executor.submit(fn, *args)
    except (BrokenProcessPool, RuntimeError):  # a worker died, or the pool was shut down
        discard_broken()
        return None


def discard_broken() -> None:
    """Forget a pool a dead worker has broken; the next :func:`pool` starts a new one."""
    global _pool
    with _lock:
        if _pool is not None:
            _log.warning("A worker process stopped unexpectedly; starting a fresh pool")
            _stop(_pool)
            _pool = None


def run_all(settings: Settings, fn: Callable[..., T], calls: Sequence[tuple]) -> list[T]:
    """``[fn(*args) for args in calls]``, shared out among the workers; in this process when
    there is no pool, one call only, or a worker dies on the way."""
    executor = pool(settings) if len(calls) > 1 else None
    if executor is None:
        return [fn(*args) for args in calls]
    try:
        futures = [executor.submit(fn, *args) for args in calls]
        return [future.result() for future in futures]
    except BrokenProcessPool:
        discard_broken()
        return [fn(*args) for args in calls]

"""One writer in Prefect's terms: a global concurrency limit of one slot, ``warehouse-writer``,
held by every run while it writes to the warehouse (an ingest run for all its files and its
snapshot, a marts rebuild, a briefing), so the Prefect UI (Concurrency) shows who is writing.

The guarantee itself is the lock in ``pipeline.locking``, which also covers runs outside the
server and is released by the operating system when its holder dies. The Prefect slot cannot be
trusted as far: a slot held by a process that died (``kill -9`` of ``cmast ingest``, a server
restart) stays taken until its lease runs out, and every later writer would wait for it. Hence
every writer takes the lock *first* and the slot second: a writer holding the lock knows no other
live writer holds the slot, so a slot it finds taken was left by a dead one, and it frees it and
takes it at once (from the CLI as from serve). ``cmast serve`` also frees every slot left held
when it starts, as none of its runs can be alive then.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from uuid import UUID

from prefect import get_run_logger
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound

from pipeline.config import Settings
from pipeline.locking import WriterBusy, writer_lock
from pipeline.warehouse import held_open

WRITER_LIMIT = "warehouse-writer"


def ensure_writer_limit() -> None:
    """Create the limit (one slot) on the server in use, if it is not there yet."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(WRITER_LIMIT, 1)


def release_stale_slots(deployment_ids: Iterable[UUID]) -> None:
    """Free the writer slot and the deployments' own run slots: call only when no run can be
    alive (as ``cmast serve`` starts), since anything still held was left by a stopped one."""
    names = [WRITER_LIMIT, *(f"deployment:{d}" for d in deployment_ids)]
    with get_client(sync_client=True) as client:
        for name in names:
            # A deployment without a run limit has no slots to free.
            with suppress(ObjectNotFound):
                client.update_global_concurrency_limit(
                    name, GlobalConcurrencyLimitUpdate(active_slots=0)
                )


#: How long to wait for the slot once any stale holder is cleared: only the round trips.
_SLOT_WAIT_SECONDS = 30.0


@contextmanager
def writer_slot(settings: Settings) -> Iterator[None]:
    """Hold the warehouse's writer lock, then the writer slot, for the block.

    Waits for the lock up to ``CMAST_LOCK_WAIT_SECONDS``; past that (another writer's long
    load) goes on as before, without either: each operation then waits for the lock itself.
    Re-entrant: a task inside a run that holds the slot writes on the run's turn."""
    if _holding:
        yield
        return
    if not _ensured:
        ensure_writer_limit()  # else every CLI run before the first `cmast serve` warns per file
        _ensured.append(True)
    _holding.append(True)
    with ExitStack() as held:
        held.callback(_holding.pop)
        try:
            held.enter_context(writer_lock(settings))
        except WriterBusy as busy:
            get_run_logger().warning("%s Going on: each write waits for its turn.", busy)
            yield
            return
        _free_stale_slot()
        held.enter_context(concurrency(WRITER_LIMIT, occupy=1, timeout_seconds=_SLOT_WAIT_SECONDS))
        yield


def _free_stale_slot() -> None:
    """Called holding the lock: a slot taken now was left by a process that died (see the
    module's docstring), so it is freed, and taking it does not wait for its lease to run out."""
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(WRITER_LIMIT)
        if limit.active_slots:
            get_run_logger().warning(
                "The Prefect slot %r was held by a process that has stopped: freed.", WRITER_LIMIT
            )
            client.update_global_concurrency_limit(
                WRITER_LIMIT, GlobalConcurrencyLimitUpdate(active_slots=0)
            )


_ensured: list[bool] = []  # once per process
_holding: list[bool] = []  # this process holds the slot (a run's tasks run one at a time)


@contextmanager
def writing(settings: Settings) -> Iterator[None]:
    """A run's turn to write, for all its files and its snapshot: the warehouse's lock, the
    Prefect slot, then one open connection. Every writer takes them in this order, so none
    holds what another waits for. Taken once per run: each taking of the Prefect slot costs a
    round trip or two to the server, and about 2 s whenever it was released just before."""
    with writer_slot(settings), held_open(settings):
        yield

"""One writer in Prefect's terms: a global concurrency limit of one slot, ``warehouse-writer``,
held by every run while it writes to the warehouse (an ingest run for all its files and its
snapshot, a marts rebuild, a briefing), so the Prefect UI (Concurrency) shows who is writing.

The guarantee itself is the lock in ``pipeline.locking``, which also covers runs outside the
server and is released by the operating system when its holder dies. The Prefect slot cannot be
trusted as far: Prefect 3.8 keeps slot leases in the server's memory, so a slot held when its
server stops (Ctrl-C on a CLI run, a server restart) stays taken in the database for good, and
with a tag-based limit every later writer would wait for it forever. Hence: writers wait for the
slot at most ``CMAST_LOCK_WAIT_SECONDS`` and then go ahead under the lock alone, with a warning;
and ``cmast serve`` frees every slot left held when it starts, as none of its runs can be alive
then (a command run by hand at that moment is still kept apart by the lock).
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
                    name, GlobalConcurrencyLimitUpdate(active_slots=0))


@contextmanager
def writer_slot(wait_seconds: float) -> Iterator[None]:
    """Hold the writer slot for the block; after ``wait_seconds`` without it, go ahead anyway
    (see the module's docstring: the lock inside is what keeps writers apart). Re-entrant: a
    task inside a run that holds the slot writes on the run's turn."""
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
            held.enter_context(concurrency(WRITER_LIMIT, occupy=1, timeout_seconds=wait_seconds))
        except TimeoutError:
            get_run_logger().warning(
                "The Prefect slot %r stayed taken for %g s, going ahead under the warehouse "
                "lock alone. If no other run is writing, a stopped run left it taken; the next "
                "`cmast serve` frees it.", WRITER_LIMIT, wait_seconds)
        yield


_ensured: list[bool] = []  # once per process
_holding: list[bool] = []  # this process holds the slot (a run's tasks run one at a time)


@contextmanager
def writing(settings: Settings) -> Iterator[None]:
    """A run's turn to write, for all its files and its snapshot: the Prefect slot, then the
    warehouse's lock and one open connection. Every writer takes them in this order, so none
    holds what another waits for. Taken once per run: each taking of the Prefect slot costs a
    round trip or two to the server, and about 2 s whenever it was released just before."""
    with writer_slot(settings.lock_wait_seconds), held_open(settings):
        yield

"""The deployments ``cmast serve`` runs, and serving them until stopped.

``python -m flows.serve --interval N`` is the serving process ``cmast serve`` starts (in a
session of its own, so Ctrl-C reaches only ``cmast serve``, which stops this one with SIGTERM);
it needs ``PREFECT_API_URL`` and reads ``CMAST_*`` settings from the environment, and runs in
the Prefect environment ``cmast serve`` prepared (:func:`flows.environment.prepare`) before
starting it: this module imports Prefect, so it cannot prepare it itself.

| deployment | flow | when |
|---|---|---|
| ``ingest-inbox/inbox-watch`` | load or quarantine each file waiting | when files settle in the inbox |
| ``rebuild-marts/nightly`` | rebuild the marts, publish the snapshot | ``CMAST_MARTS_CRON`` |
| ``monthly-briefing/monthly`` | the previous month's briefing | ``CMAST_BRIEFING_CRON`` |
| ``check-submissions/daily`` | alert for returns missing past their deadline | 09:00 daily |

The inbox runs are started by the inbox watch (``pipeline.watcher``), a thread of this process:
a run exists because a file arrived. A file that arrived whole gets its run at once, scheduled
for when it will have settled, so the run's process starts while it settles. ``--interval`` (``CMAST_INBOX_INTERVAL``) is how often it
also looks over the whole inbox, as a safety net for changes it was not told about.

Cron times are UK time (``Europe/London``), so they keep to the clock across summer time.
Needs a real Prefect server (``PREFECT_API_URL``): schedules do not fire on a temporary one.
"""  # noqa: E501

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import threading
import time
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron
from prefect.states import Scheduled

from flows.alerting import serving_stops
from flows.briefing import monthly_briefing
from flows.deadlines import check_submissions
from flows.ingest import ingest_inbox
from flows.marts import rebuild_marts
from flows.writer import ensure_writer_limit, release_stale_slots
from pipeline.config import Settings
from pipeline.lifeline import SERVING_PID, kill_descendants, watch_parent
from pipeline.watcher import POLL_SECONDS, InboxWatch

TIMEZONE = "Europe/London"
DEADLINE_CHECK_CRON = "0 9 * * *"


#: How often the runner asks the server for runs due: a run the inbox watch starts is taken up
#: within this (Prefect's default, 10 s, was most of a trust's wait for its answer).
RUNNER_POLL_SECONDS = 1.0
#: After SIGTERM, how long the runner may take to cancel its runs and pause the schedules
#: through the server; then its runs are killed (a load is one transaction) and it exits.
STOP_SECONDS = 45.0
_log = logging.getLogger("cmast.serve")


def deployments(settings: Settings) -> list[RunnerDeployment]:
    """The four deployments, each run with this data root. The inbox's has no schedule: the
    inbox watch (:func:`watch_inbox`) starts its runs when files arrive."""
    parameters = {"data_dir": str(settings.data_dir)}
    # A run started (say, from the UI) while another is taking the inbox would find nothing the
    # first does not take: drop it rather than queue it.
    one_scan_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
    )
    # By module path, not file path: served runs then load the flows from the installed
    # package, wherever `cmast serve` was started from.
    common = {"parameters": parameters, "entrypoint_type": EntrypointType.MODULE_PATH}
    return [
        ingest_inbox.to_deployment(
            INBOX_DEPLOYMENT,
            concurrency_limit=one_scan_at_a_time,
            description="Takes every file waiting in the inbox: loaded, or quarantined with "
            "feedback. Started by the inbox watch when files arrive.",
            **common,
        ),
        rebuild_marts.to_deployment(
            "nightly",
            schedule=Cron(settings.marts_cron, timezone=TIMEZONE),
            description="Rebuilds the marts and publishes the snapshot.",
            **common,
        ),
        monthly_briefing.to_deployment(
            "monthly",
            schedule=Cron(settings.briefing_cron, timezone=TIMEZONE),
            description="Writes the previous month's briefing.",
            **common,
        ),
        check_submissions.to_deployment(
            "daily",
            schedule=Cron(DEADLINE_CHECK_CRON, timezone=TIMEZONE),
            description="Alerts for monthly returns missing past their deadline.",
            **common,
        ),
    ]


INBOX_DEPLOYMENT = "inbox-watch"


def serve_deployments(settings: Settings, interval_seconds: float) -> None:
    """Register the deployments, watch the inbox and run what is due until SIGTERM or SIGINT.

    On the way out a run in progress is cancelled (a load is one transaction: its file stays in
    the inbox for next time) and the schedules are paused, so a server left running (one given
    by PREFECT_API_URL) does not pile up runs nobody will execute; the next start resumes them.
    All of that within ``STOP_SECONDS``; past it, or when the parent (``cmast serve``) has died
    and so its server with it, the runs are killed and the process exits at once.
    """
    ensure_writer_limit()
    # The runs this process starts end with it (each served flow reads this as it begins).
    os.environ[SERVING_PID] = str(os.getpid())
    # A run dropped by the one-at-a-time rule is logged at INFO: routine, not news.
    logging.getLogger("prefect.runner.state_proposer").setLevel(logging.WARNING)
    asyncio.run(_serve_until_stopped(settings, deployments(settings), interval_seconds))


class _Runner(Runner):
    """Prefect's runner, with its SIGTERM handler replaced: that one stops the runner from
    outside the event loop and exits, which cuts off its own connections mid-read and prints
    their tracebacks (or, before the loop runs, fails with ``NoEventLoopError`` and never
    exits). Ours only asks the loop to stop."""

    on_sigterm = None

    def handle_sigterm(self, *args: object, **kwargs: object) -> None:
        if self.on_sigterm is not None:
            self.on_sigterm()


async def _serve_until_stopped(
    settings: Settings, served: list[RunnerDeployment], safety_seconds: float
) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    parent = os.getppid()

    def request_stop() -> None:
        if os.getppid() != parent:
            _orphaned()  # cmast serve is gone, and its server with it: nothing to stop in order
        loop.call_soon_threadsafe(stop.set)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: request_stop())
    watch_parent(request_stop)
    # Runs due within the prefetch have their process started ahead (see _start_after): it
    # must cover the settling time.
    runner = _Runner(
        name="cmast-serve",
        pause_on_shutdown=True,
        query_seconds=RUNNER_POLL_SECONDS,
        prefetch_seconds=max(10.0, settings.settle_seconds + 5),
    )
    runner.on_sigterm = request_stop
    ids = [await runner.add_deployment(deployment) for deployment in served]
    release_stale_slots(ids)
    watching = threading.Event()
    watcher = threading.Thread(
        target=watch_inbox,
        args=(settings, ids[0], safety_seconds, watching),
        name="inbox-watch",
        daemon=True,
    )
    async with asyncio.TaskGroup() as group:
        starting = group.create_task(runner.start())
        watcher.start()
        await stop.wait()
        watching.set()
        serving_stops()
        # Bounded: a server that stopped answering must not keep this process alive.
        threading.Thread(target=_exit_after, args=(STOP_SECONDS,), daemon=True).start()
        if runner.started:
            await runner.astop()
        else:  # stopped while starting: the runner's own start is what to end
            starting.cancel()


def watch_inbox(
    settings: Settings, deployment_id: UUID, safety_seconds: float, stop: threading.Event
) -> None:
    """Start an inbox run as soon as files have settled, one run at a time, until ``stop``.

    While a run is taking the inbox, files that arrive wait for it to end: it took its list
    when it started, and the next run takes them.
    """
    # CMAST_INBOX_WATCH=off: only the interval looks, as `cmast serve` once scanned (to
    # compare; see bench/serve_inbox.py).
    watch = InboxWatch(
        settings, safety_seconds, watch=os.environ.get("CMAST_INBOX_WATCH", "on") != "off"
    )
    if watch.watching and not watch.notified:
        _log.warning(
            "No change notification for %s: looking every %g s instead",
            settings.inbox,
            POLL_SECONDS,
        )
    active: UUID | None = None
    try:
        with get_client(sync_client=True) as client:
            while not stop.is_set():
                try:
                    if active is not None and client.read_flow_run(active).state.is_final():
                        active = None
                    if active is None:
                        files, settles_in = watch.arrived_new()
                        if files:
                            watch.offer(files)
                            run = client.create_flow_run_from_deployment(
                                deployment_id,
                                tags=["inbox-watch"],
                                state=Scheduled(scheduled_time=_start_after(settles_in)),
                            )
                            active = run.id
                            _log.info("%d file(s) arrived: started run %s", len(files), run.name)
                except Exception as error:  # noqa: BLE001  the server busy or restarting
                    if stop.is_set():
                        return
                    _log.warning("Inbox watch: %s; trying again shortly", error)
                    stop.wait(2.0)
                # While a run is on, look at its state every second; else sleep until a change.
                watch.wait(1.0 if active is not None else 5.0)
    finally:
        watch.close()


def _start_after(seconds: float) -> dt.datetime:
    """When a run for files settling ``seconds`` from now may begin. The runner takes up a run
    due within its prefetch at once and starts its process, which then waits for this time:
    the process starts while the files settle. The server lets a run begin up to half a
    second before its time (it rounds the wait to whole seconds), hence the margin."""
    margin = _EARLY_START_SECONDS if seconds > 0 else 0.0
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds + margin)


#: How early the server lets a scheduled run begin (see :func:`_start_after`).
_EARLY_START_SECONDS = 0.5


def _exit_after(seconds: float) -> None:
    time.sleep(seconds)
    _log.warning("Not stopped within %g s: killing its runs and exiting", seconds)
    _orphaned()


def _orphaned() -> None:
    """Kill every run this process started (each in a session of its own) and exit now."""
    kill_descendants(os.getpid())
    os._exit(0)


def main() -> None:
    import argparse

    from pipeline.config import load_settings

    parser = argparse.ArgumentParser(description="Serve the cmast deployments until SIGTERM.")
    parser.add_argument(
        "--interval",
        type=float,
        required=True,
        help="Seconds between the inbox watch's full looks (its safety net).",
    )
    serve_deployments(load_settings(), parser.parse_args().interval)


if __name__ == "__main__":
    main()

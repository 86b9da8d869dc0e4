"""The deployments ``cmast serve`` runs, and serving them until stopped.

``python -m flows.serve --interval N`` is the serving process ``cmast serve`` starts (in a
session of its own, so Ctrl-C reaches only ``cmast serve``, which stops this one with SIGTERM);
it needs ``PREFECT_API_URL`` and reads ``CMAST_*`` settings from the environment.

| deployment | flow | when |
|---|---|---|
| ``ingest-inbox/inbox-watch`` | scan the inbox, load or quarantine each file | every ``CMAST_INBOX_INTERVAL`` s |
| ``rebuild-marts/nightly`` | rebuild the marts, publish the snapshot | ``CMAST_MARTS_CRON`` |
| ``monthly-briefing/monthly`` | the previous month's briefing | ``CMAST_BRIEFING_CRON`` |
| ``check-submissions/daily`` | alert for returns missing past their deadline | 09:00 daily |

Cron times are UK time (``Europe/London``), so they keep to the clock across summer time.
Needs a real Prefect server (``PREFECT_API_URL``): schedules do not fire on a temporary one.
"""  # noqa: E501

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.runner import Runner
from prefect.schedules import Cron, Interval

from flows.alerting import serving_stops
from flows.briefing import monthly_briefing
from flows.deadlines import check_submissions
from flows.ingest import ingest_inbox
from flows.marts import rebuild_marts
from flows.writer import ensure_writer_limit, release_stale_slots
from pipeline.config import Settings

TIMEZONE = "Europe/London"
DEADLINE_CHECK_CRON = "0 9 * * *"


def deployments(settings: Settings, interval_seconds: float) -> list[RunnerDeployment]:
    """The four deployments, each run with this data root."""
    parameters = {"data_dir": str(settings.data_dir)}
    # A scan still running when the next is due makes the next one pointless: drop it rather
    # than queue it, so a slow afternoon never builds a backlog of scans.
    one_scan_at_a_time = ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)
    # By module path, not file path: served runs then load the flows from the installed
    # package, wherever `cmast serve` was started from.
    common = {"parameters": parameters, "entrypoint_type": EntrypointType.MODULE_PATH}
    return [
        ingest_inbox.to_deployment(
            "inbox-watch", schedule=Interval(dt.timedelta(seconds=interval_seconds)),
            concurrency_limit=one_scan_at_a_time,
            description="Takes every file waiting in the inbox: loaded, or quarantined with "
            "feedback.", **common),
        rebuild_marts.to_deployment(
            "nightly", schedule=Cron(settings.marts_cron, timezone=TIMEZONE),
            description="Rebuilds the marts and publishes the snapshot.", **common),
        monthly_briefing.to_deployment(
            "monthly", schedule=Cron(settings.briefing_cron, timezone=TIMEZONE),
            description="Writes the previous month's briefing.", **common),
        check_submissions.to_deployment(
            "daily", schedule=Cron(DEADLINE_CHECK_CRON, timezone=TIMEZONE),
            description="Alerts for monthly returns missing past their deadline.", **common),
    ]


def serve_deployments(settings: Settings, interval_seconds: float) -> None:
    """Register the deployments and run their scheduled runs until SIGTERM or SIGINT.

    On the way out a run in progress is cancelled (a load is one transaction: its file stays in
    the inbox for next time) and the schedules are paused, so a server left running (one given
    by PREFECT_API_URL) does not pile up runs nobody will execute; the next start resumes them.
    """
    ensure_writer_limit()
    # A scan dropped by the one-at-a-time rule is logged at INFO for each tick: routine, not news.
    logging.getLogger("prefect.runner.state_proposer").setLevel(logging.WARNING)
    asyncio.run(_serve_until_stopped(deployments(settings, interval_seconds)))


async def _serve_until_stopped(served: list[RunnerDeployment]) -> None:
    runner = Runner(name="cmast-serve", pause_on_shutdown=True)
    ids = [await runner.add_deployment(deployment) for deployment in served]
    release_stale_slots(ids)
    stop = asyncio.Event()
    async with asyncio.TaskGroup() as group:
        group.create_task(runner.start())
        while not runner.started:
            await asyncio.sleep(0.1)
        # Replace the handler the runner installs as it starts: it exits from inside the event
        # loop, which cuts off its own connections mid-read and prints their tracebacks. Ours
        # only sets an event, and the runner is stopped through its API.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
        serving_stops()
        await runner.astop()


def main() -> None:
    import argparse

    from pipeline.config import load_settings

    parser = argparse.ArgumentParser(description="Serve the cmast deployments until SIGTERM.")
    parser.add_argument("--interval", type=float, required=True,
                        help="Seconds between inbox scans.")
    serve_deployments(load_settings(), parser.parse_args().interval)


if __name__ == "__main__":
    main()

"""Raising alerts from flows: recorded by ``pipeline.alerts``, then sent through a Prefect
notification block when ``CMAST_ALERT_BLOCK`` names one. Sending is best effort: an alert that
cannot be sent is logged, never a reason for a run to fail (it is in the alerts file anyway).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from pipeline import alerts as alerting
from pipeline.alerts import Alert
from pipeline.config import Settings, load_settings

#: Set in the serving process once it has been told to stop: the runs it then ends are not
#: failures, and an alert for each would be a false alarm.
_stopping = threading.Event()


def serving_stops() -> None:
    _stopping.set()


def _logger() -> logging.Logger | logging.LoggerAdapter:
    try:
        return get_run_logger()
    except Exception:  # outside a run (a hook after it ended): the module's own logger
        return logging.getLogger("cmast.alerts")


def run_link(flow_run_id=None) -> tuple[str | None, str | None]:
    """The id and UI address of a flow run (by default the one this code runs in)."""
    from prefect.runtime import flow_run
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL

    run_id = str(flow_run_id or flow_run.id or "") or None
    if run_id is None:
        return None, None
    base = PREFECT_UI_URL.value() or (PREFECT_API_URL.value() or "").removesuffix("/api")
    if not base:  # a temporary server: its address is only known to the client
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            base = str(client.api_url).rstrip("/").removesuffix("/api")
    return run_id, f"{base}/runs/flow-run/{run_id}"


def raise_alerts(settings: Settings, found: list[Alert], flow_run_id=None) -> list[Alert]:
    """Record the alerts not raised before, log them on the run, send them; return the new.
    Each carries the id and UI address of the run that raised it."""
    try:
        run_id, run_url = run_link(flow_run_id)
    except Exception:  # noqa: BLE001  an alert without its link beats no alert
        run_id = run_url = None
    found = [replace(alert, run_id=run_id, run_url=run_url) for alert in found]
    new = alerting.record(settings, found)
    logger = _logger()
    for alert in new:
        logger.warning("Alert: %s", alert.line())
    if new and settings.alert_block:
        send(settings.alert_block, new, logger)
    return new


def send(block_name: str, new: list[Alert], logger) -> None:
    try:
        # Importing the module registers the notification block types Block.load resolves.
        import prefect.blocks.notifications  # noqa: F401
        from prefect.blocks.core import Block

        block = Block.load(block_name)
        subject, body = alerting.notification(new)
        block.notify(body=body, subject=subject)
    except Exception as error:
        logger.error(
            "Could not send %d alert(s) through the notification block %r "
            "(they are in the alerts file): %s",
            len(new),
            block_name,
            error,
        )


@task(name="raise-alerts", cache_policy=NO_CACHE)
def raise_alerts_task(found: list[Alert], data_dir: str) -> list[Alert]:
    return raise_alerts(load_settings(Path(data_dir)), found)


def alert_failed_run(flow, flow_run, state) -> None:
    """Flow hook (``on_failure``, ``on_crashed``): a run that failed as a whole is an alert."""
    if _stopping.is_set():
        _logger().info("Run %s ended by stopping cmast serve: not an alert.", flow_run.name)
        return
    try:
        data_dir = (flow_run.parameters or {}).get("data_dir")
        settings = load_settings(Path(data_dir) if data_dir else None)
        raise_alerts(
            settings,
            [alerting.run_failed(flow.name, flow_run.name, state.message or state.name)],
            flow_run_id=flow_run.id,
        )
    except Exception as error:  # a hook that raises would hide the run's own failure
        _logger().error("Could not record the failed run as an alert: %s", error)

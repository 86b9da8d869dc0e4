"""The nightly rebuild of the marts, then a fresh snapshot for report writers."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.alerting import alert_failed_run, raise_alerts
from flows.snapshot import publish_snapshot_task
from flows.writer import writer_slot
from pipeline.config import load_settings
from pipeline.lifeline import end_with_server
from pipeline.national import reconcile
from pipeline.warehouse.rebuild import rebuild_marts as rebuild


@task(name="build-marts", retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE)
def build_marts_task(data_dir: str) -> list[str]:
    """Every marts table from sql/marts, in one transaction. Retried: a long load elsewhere may
    hold the writer lock."""
    settings = load_settings(Path(data_dir))
    with writer_slot(settings):
        return rebuild(settings)


@flow(name="rebuild-marts", on_failure=[alert_failed_run], on_crashed=[alert_failed_run])
def rebuild_marts(data_dir: str | None = None) -> list[str]:
    """Rebuild the marts from the current submissions and publish the snapshot."""
    end_with_server()  # a run `cmast serve` started ends with its serving process
    settings = load_settings(Path(data_dir) if data_dir else None)
    built = build_marts_task(str(settings.data_dir))
    get_run_logger().info("Rebuilt %d mart(s): %s", len(built), ", ".join(built) or "none yet")
    # A trust's return against NHS England's figure for it: each difference alerted once.
    raise_alerts(settings, reconcile.check(settings))
    publish_snapshot_task(str(settings.data_dir))
    return built

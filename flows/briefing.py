"""The monthly briefing on a schedule: the previous month's, written to outputs/briefing/.

``pipeline.briefing`` arrived after the schedule was set up; where it is absent (an older
checkout) the run says so in a warning and finishes without writing anything.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.alerting import alert_failed_run
from flows.snapshot import publish_snapshot_task
from flows.writer import writer_slot
from pipeline.config import load_settings
from pipeline.lifeline import end_with_server
from pipeline.warehouse.places import snapshot_path


def previous_month(today: dt.date) -> str:
    return str(pd.Period(today, freq="M") - 1)


@task(name="write-briefing", cache_policy=NO_CACHE)
def write_briefing_task(data_dir: str, period: str) -> dict:
    """The briefing's files for ``period``, and whether the marts were rebuilt for it first:
    the one write it may make, as a writer, and only when they are out of date (the figures
    are then read read-only)."""
    from pipeline.briefing import write_briefing
    from pipeline.warehouse.rebuild import marts_out_of_date, refresh_marts

    settings = load_settings(Path(data_dir))
    rebuilt = False
    if settings.warehouse_path.exists() and marts_out_of_date(settings):
        with writer_slot(settings):
            rebuilt = refresh_marts(settings)
    written = write_briefing(settings, period)
    if written.pdf_problem:
        # The other forms are written; the run still fails, so the missing PDF raises an alert.
        raise RuntimeError(
            f"Board pack for {period} written without its PDF: {written.pdf_problem}"
        )
    return {"folder": str(written.folder), "marts_rebuilt": rebuilt}


@flow(name="monthly-briefing", on_failure=[alert_failed_run], on_crashed=[alert_failed_run])
def monthly_briefing(data_dir: str | None = None, period: str | None = None) -> str | None:
    """Write the briefing for ``period`` (YYYY-MM; default the previous month)."""
    end_with_server()  # a run `cmast serve` started ends with its serving process
    logger = get_run_logger()
    settings = load_settings(Path(data_dir) if data_dir else None)
    period = period or previous_month(dt.date.today())
    try:
        importlib.import_module("pipeline.briefing")
    except ModuleNotFoundError as error:
        if error.name != "pipeline.briefing":
            raise  # the briefing is there but something it needs is not: a real failure
        logger.warning(
            "No briefing written for %s: this version of cmast-metrics has no "
            "briefing module (pipeline.briefing) yet.",
            period,
        )
        return None
    written = write_briefing_task(str(settings.data_dir), period)
    logger.info("Briefing for %s written to %s", period, written["folder"])
    if written["marts_rebuilt"] or not snapshot_path(settings).exists():
        publish_snapshot_task(str(settings.data_dir))  # the report writers' copy follows
    return written["folder"]

"""The daily check that every trust has sent each monthly return by its deadline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger

from flows.alerting import alert_failed_run, raise_alerts
from pipeline import alerts
from pipeline.config import load_settings
from pipeline.lifeline import end_with_server


@flow(name="check-submissions", on_failure=[alert_failed_run], on_crashed=[alert_failed_run])
def check_submissions(data_dir: str | None = None, today: dt.date | None = None) -> int:
    """Alert once for each trust and monthly return missing for the latest month past its
    deadline; return how many alerts were new."""
    end_with_server()  # a run `cmast serve` started ends with its serving process
    settings = load_settings(Path(data_dir) if data_dir else None)
    missing = alerts.check_deadlines(settings, today)
    new = raise_alerts(settings, missing)
    get_run_logger().info(
        "%d submission(s) missing past the deadline, %d new alert(s)", len(missing), len(new)
    )
    return len(new)

"""Publishing the read-only snapshot for report writers, as a task of the flows that write."""

from __future__ import annotations

from pathlib import Path

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.writer import writer_slot
from pipeline.config import load_settings
from pipeline.warehouse.snapshot import publish_snapshot


@task(name="publish-snapshot", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def publish_snapshot_task(data_dir: str) -> dict:
    """Copy the warehouse to outputs/snapshot/ and export its reporting relations as Parquet.
    Retried: it waits for the writer lock, which a long load elsewhere may hold."""
    settings = load_settings(Path(data_dir))
    with writer_slot(settings):
        published = publish_snapshot(settings)
    get_run_logger().info(
        "Snapshot published: %d submissions, %d relations as Parquet",
        published.submissions,
        len(published.relations),
    )
    return {
        "path": str(published.path),
        "submissions": published.submissions,
        "relations": published.relations,
    }

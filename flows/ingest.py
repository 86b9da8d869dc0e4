"""The ingest flow: every file waiting in the inbox, each on its own, loaded or quarantined;
then alerts for what went wrong, and a fresh snapshot for report writers if the ledger changed.

What happened is visible in Prefect without reading logs: each file's task run is named by its
trust and file; the run publishes a table artifact (``inbox-outcomes``, a row per file) and a
markdown summary (``inbox-summary``); and its final state is named by the worst that happened
to a file (``Loaded``, ``Quarantined``, ``File failed``: all of type Completed, as the run did
its job) and it is tagged ``quarantined`` or ``file-failed`` so the run list filters on them.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import asdict
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import get_run_context
from prefect.runtime import task_run
from prefect.states import Completed

from flows.alerting import alert_failed_run, raise_alerts_task
from flows.snapshot import publish_snapshot_task
from flows.writer import writing
from pipeline import alerts, run_summary
from pipeline.config import load_settings
from pipeline.ingest import not_taken, process_file, scan_inbox
from pipeline.lifeline import end_with_server
from pipeline.prechecks import checking_ahead
from pipeline.progress import progress_bar
from pipeline.warehouse.rebuild import refresh_marts

#: Outcomes that wrote to the ledger, so the snapshot's copy of it is out of date.
_CHANGED_LEDGER = {"loaded", "rejected", "duplicate", "recovered"}
#: Outcomes that may have changed the current rows, so the marts are out of date.
_LOADED_ROWS = {"loaded", "recovered"}


def _task_run_name() -> str:
    """``RJR/return.csv``: the trust and the file, not the whole server path."""
    path = Path(task_run.parameters["path"])
    return f"{path.parent.name}/{path.name}"


@task(
    name="ingest-file",
    retries=2,
    retry_delay_seconds=3,
    cache_policy=NO_CACHE,
    task_run_name=_task_run_name,
)
def ingest_file(path: str, data_dir: str) -> dict:
    """Load or quarantine one file. Retried only for outside causes (a locked warehouse, a full
    disk): a bad file is an answer, not a failure."""
    outcome = process_file(Path(path), load_settings(Path(data_dir)))
    record = asdict(outcome)
    record["problems"] = [p.as_line() for p in outcome.problems]
    return record


@flow(
    name="ingest-inbox",
    log_prints=False,
    on_failure=[alert_failed_run],
    on_crashed=[alert_failed_run],
)
def ingest_inbox(data_dir: str | None = None, show_progress: bool = False):
    """Scan the inbox and take each file in arrival order, one at a time (DuckDB has one writer).

    A file whose task still fails after its retries is left in the inbox for the next run and
    reported; it never stops the other files. Returns the outcomes, one dict per file (as
    the final state's result).
    """
    end_with_server()  # a run `cmast serve` started ends with its serving process
    logger = get_run_logger()
    settings = load_settings(Path(data_dir) if data_dir else None)
    settings.ensure_dirs()
    files = scan_inbox(settings)
    logger.info("%d file(s) waiting in %s", len(files), settings.inbox)
    outcomes = []
    found = []
    unfinished: list[dict] = []
    waiting = not_taken(settings)
    replaced: dict[int, list[str]] = {}
    # An empty inbox (most scans under `cmast serve`) needs no turn to write.
    with writing(settings) if files else nullcontext():
        # Workers check the files after the one loading (pipeline.prechecks).
        with (
            checking_ahead(files, settings),
            progress_bar(len(files), "Ingesting", enabled=show_progress) as advance,
        ):
            for path in files:
                state = ingest_file(str(path), str(settings.data_dir), return_state=True)
                if state.is_completed():
                    outcome = state.result()
                else:
                    outcome = {
                        "file_name": path.name,
                        "org_code": path.parent.name,
                        "status": "failed",
                        "message": f"Left in the inbox: {state.message}",
                    }
                    logger.error("%s/%s failed: %s", path.parent.name, path.name, state.message)
                logger.info(
                    "%s/%s: %s", outcome["org_code"], outcome["file_name"], outcome["status"]
                )
                outcomes.append(outcome)
                advance()
        if any(o["status"] == "loaded" for o in outcomes):
            replaced = run_summary.superseded(settings, [o.get("submission_id") for o in outcomes])
        if any(o["status"] in _CHANGED_LEDGER for o in outcomes):
            run = get_run_context().flow_run.name
            if any(o["status"] in _LOADED_ROWS for o in outcomes):
                # The figures are built here, by the writer, so reads never need to write.
                marts = refresh_marts_task(str(settings.data_dir), return_state=True)
                if not marts.is_completed():
                    found.append(
                        alerts.run_failed(
                            "ingest-inbox", run, f"marts not rebuilt: {marts.message}"
                        )
                    )
                    unfinished.append(_run_step("marts", marts.message))
            state = publish_snapshot_task(str(settings.data_dir), return_state=True)
            if not state.is_completed():  # the files are loaded: a stale snapshot is an alert
                found.append(
                    alerts.run_failed(
                        "ingest-inbox", run, f"snapshot not published: {state.message}"
                    )
                )
                unfinished.append(_run_step("snapshot", state.message))
    found = alerts.from_outcomes(outcomes) + alerts.from_waiting(waiting) + found
    if found:
        raise_alerts_task(found, str(settings.data_dir))
    return _publish(outcomes + waiting + unfinished, replaced, settings.data_dir)


def _publish(outcomes: list[dict], replaced: dict[int, list[str]], data_dir: Path):
    """The artifacts, the tags and the named final state of the run (see the docstring)."""
    if not outcomes:
        return outcomes
    rows = run_summary.table(outcomes, replaced, data_dir)
    headline = run_summary.headline(outcomes)
    create_table_artifact(rows, key="inbox-outcomes", description=headline)
    create_markdown_artifact(
        run_summary.markdown(outcomes, rows), key="inbox-summary", description=headline
    )
    flow_run = get_run_context().flow_run
    extra = [t for t in run_summary.tags(outcomes) if t not in flow_run.tags]
    if extra:
        with get_client(sync_client=True) as client:
            client.update_flow_run(flow_run.id, tags=[*flow_run.tags, *extra])
    return Completed(name=run_summary.state_name(outcomes), message=headline, data=outcomes)


def _run_step(step: str, message: str) -> dict:
    """A step of the run after the files (marts, snapshot) that failed, as an outcome line: the
    command's exit code and summary must show it, not only the alerts file."""
    return {
        "file_name": f"({step})",
        "org_code": "-",
        "status": "failed",
        "message": f"The {step} step failed: {message}",
        "step": step,
    }


@task(name="refresh-marts", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def refresh_marts_task(data_dir: str) -> bool:
    return refresh_marts(load_settings(Path(data_dir)))

"""Alerts: what the analyst on duty must hear about without watching the pipeline.

Five kinds, each about one thing:

- ``file_held``: a file in the inbox that cannot be taken until someone acts (a modification
  time in the future, outside a trust's folder, in a sub-folder); ``file`` is where it lies;

- ``quarantined``: a trust's file was refused (``file`` is where it now lies, beside its feedback);
- ``file_failed``: a file could not be processed for an outside reason after its retries and was
  left in the inbox (``file`` is its inbox path);
- ``run_failed``: a scheduled run failed as a whole (``run`` names the Prefect flow run);
- ``submission_missing``: a trust had no loaded return of a monthly type for a period by its
  deadline, day ``CMAST_SUBMISSION_DEADLINE_DAY`` of the following month;
- ``reconciliation_differs``: a trust's return differs from NHS England's published figure for
  the same trust, month and measure by more than the measure's tolerance
  (``CMAST_RECONCILE_TOLERANCES``; ``measure`` names it, see ``pipeline.national.reconcile``).

Each alert is one line of JSON appended to ``<data root>/outputs/alerts/alerts.jsonl`` (fields
``time, kind, org_code, return_type, period, message, file, run, measure``) and a warning in the
log; the flows also send new ones through a Prefect notification block when one is configured.
An alert is recorded once per (kind, org, return, period, file, run, measure): checking again,
or rerunning, does not repeat it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pipeline.config import Settings

QUARANTINED, FILE_FAILED, RUN_FAILED, SUBMISSION_MISSING, RECONCILIATION_DIFFERS, FILE_HELD = (
    "quarantined",
    "file_failed",
    "run_failed",
    "submission_missing",
    "reconciliation_differs",
    "file_held",
)
#: The ICB has an inbox too, but sends only its own finance return (pipeline/returns/finance.py)
#: and its programme teams' return (pipeline/returns/programme.py) of the monthly ones; every
#: CMAST trust sends every monthly return but the programme return, whose rows of its own a
#: trust may send or leave to the ICB.
ICB_CODE = "QYG"
ICB_RETURNS = frozenset({"finance", "programme"})
NOT_EXPECTED_OF_TRUSTS = frozenset({"programme"})


@dataclass(frozen=True)
class Alert:
    """One thing that went wrong, or did not happen, and whom it concerns."""

    kind: str
    message: str
    org_code: str | None = None
    return_type: str | None = None
    period: str | None = None
    file: str | None = None  # relative to the data root
    run: str | None = None  # the Prefect flow run, for a failed run
    measure: str | None = None  # the measure reconciled, for a reconciliation difference
    # The run that raised it, to trace it in the Prefect UI; not part of what makes it new.
    run_id: str | None = None
    run_url: str | None = None

    @property
    def key(self) -> tuple:
        return (
            self.kind,
            self.org_code,
            self.return_type,
            self.period,
            self.file,
            self.run,
            self.measure,
        )

    def line(self) -> str:
        about = " ".join(x for x in (self.org_code, self.return_type, self.period) if x)
        raised_by = f" (run {self.run_id}: {self.run_url})" if self.run_id else ""
        return f"[{self.kind}] {about + ': ' if about else ''}{self.message}{raised_by}"


def alerts_path(settings: Settings) -> Path:
    return settings.outputs / "alerts" / "alerts.jsonl"


def record(
    settings: Settings, alerts: Iterable[Alert], now: dt.datetime | None = None
) -> list[Alert]:
    """Append the alerts not recorded before; return those new ones (to log and send)."""
    alerts = list(dict.fromkeys(alerts))  # the same alert twice in one call counts once
    if not alerts:
        return []
    path = alerts_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now()).astimezone().isoformat(timespec="seconds")
    with path.open("a+", encoding="utf-8") as handle:
        # Held while reading and appending, so two runs cannot both decide an alert is new.
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        seen = {_key(json.loads(line)) for line in handle if line.strip()}
        new = [alert for alert in alerts if alert.key not in seen]
        for alert in new:
            handle.write(json.dumps({"time": stamp, **asdict(alert)}) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return new


def recorded(settings: Settings) -> list[dict]:
    """Every alert recorded so far, oldest first."""
    path = alerts_path(settings)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _key(record: dict) -> tuple:
    return tuple(
        record.get(k)
        for k in ("kind", "org_code", "return_type", "period", "file", "run", "measure")
    )


def notification(alerts: list[Alert]) -> tuple[str, str]:
    """Subject and body of one message about several new alerts."""
    subject = (
        f"CMAST metrics: {alerts[0].line()}"
        if len(alerts) == 1
        else f"CMAST metrics: {len(alerts)} new alerts"
    )
    return subject[:200], "\n".join(alert.line() for alert in alerts)


def from_outcomes(outcomes: list[dict]) -> list[Alert]:
    """Alerts for the files of an ingest run that were quarantined or could not be processed."""
    alerts = []
    for outcome in outcomes:
        if outcome["status"] == "rejected":
            problems = outcome.get("problems") or []
            detail = f" First: {problems[0]}" if problems else ""
            alerts.append(
                Alert(
                    kind=QUARANTINED,
                    org_code=outcome["org_code"],
                    return_type=outcome.get("return_type"),
                    period=outcome.get("period"),
                    file=outcome.get("path"),
                    message=f"{outcome['file_name']} was quarantined: {outcome['message']}{detail} "
                    f"Feedback for the trust: {outcome.get('feedback_path')}",
                )
            )
        elif outcome["status"] == "failed":
            alerts.append(
                Alert(
                    kind=FILE_FAILED,
                    org_code=outcome["org_code"],
                    file=f"inbox/{outcome['org_code']}/{outcome['file_name']}",
                    message=f"{outcome['file_name']} could not be processed and waits in the "
                    "inbox: "
                    f"{outcome['message']}",
                )
            )
    return alerts


def from_waiting(waiting: list[dict]) -> list[Alert]:
    """Alerts for the files a scan could not take and that need someone to act (``held``)."""
    return [
        Alert(
            kind=FILE_HELD,
            org_code=None if w["org_code"] == "-" else w["org_code"],
            file=w.get("path"),
            message=f"{w['file_name']}: {w['message']}",
        )
        for w in waiting
        if w["status"] == "held"
    ]


def run_failed(flow_name: str, run_name: str, message: str) -> Alert:
    return Alert(
        kind=RUN_FAILED, run=run_name, message=f"The {flow_name} run {run_name} failed: {message}"
    )


def deadline(period: str, deadline_day: int) -> dt.date:
    """The day a month's return is due: ``deadline_day`` of the following month (or its last)."""
    following = pd.Period(period, freq="M") + 1
    last = calendar.monthrange(following.year, following.month)[1]
    return dt.date(following.year, following.month, min(deadline_day, last))


def overdue_period(today: dt.date, deadline_day: int) -> str:
    """The latest month whose returns were due before ``today`` (YYYY-MM)."""
    period = pd.Period(today, freq="M") - 1
    if today <= deadline(str(period), deadline_day):
        period -= 1  # last month's returns are not due yet: the month before's were
    return str(period)


def missing_submissions(
    ledger: pd.DataFrame,
    trusts: Iterable[str],
    return_types: dict[str, str],
    period: str,
    deadline_day: int,
) -> list[Alert]:
    """One alert per trust and monthly return with no loaded submission for ``period`` (and
    for the ICB's own finance return).

    ``ledger`` has the columns of ``ledger.submissions``; ``trusts`` are the CMAST trusts (the
    ICB among them or not); ``return_types`` maps each monthly return type to its title.
    """
    loaded = ledger[(ledger["status"] == "loaded") & (ledger["period"] == period)]
    have = set(zip(loaded["org_code"], loaded["return_type"], strict=True))
    due = deadline(period, deadline_day)
    alerts = []
    for org in sorted(set(trusts) | {ICB_CODE}):
        for return_type, title in sorted(return_types.items()):
            expected = (
                return_type in ICB_RETURNS
                if org == ICB_CODE
                else return_type not in NOT_EXPECTED_OF_TRUSTS
            )
            if expected and (org, return_type) not in have:
                alerts.append(
                    Alert(
                        kind=SUBMISSION_MISSING,
                        org_code=org,
                        return_type=return_type,
                        period=period,
                        message=f"No {title} return for {period} loaded by its deadline, "
                        f"{due:%-d %B %Y}",
                    )
                )
    return alerts


def check_deadlines(settings: Settings, today: dt.date | None = None) -> list[Alert]:
    """The trusts and monthly returns missing for the latest period now past its deadline."""
    from pipeline.reference_data import cmast_trusts
    from pipeline.returns import all_returns
    from pipeline.warehouse import ledger
    from pipeline.warehouse.reading import reading

    period = overdue_period(today or dt.date.today(), settings.submission_deadline_day)
    monthly = {
        spec.return_type: spec.title for spec in all_returns() if spec.frequency == "monthly"
    }
    from pipeline.warehouse.connection import received_before

    if not settings.warehouse_path.exists() and not received_before(settings):
        frame = ledger.empty_ledger()  # nothing received yet: every return is missing
    else:
        with reading(settings) as conn:
            frame = ledger.submissions(conn)
    return missing_submissions(
        frame, cmast_trusts(settings), monthly, period, settings.submission_deadline_day
    )

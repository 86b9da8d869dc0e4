"""Taking one file from the inbox to the warehouse or to quarantine, exactly once.

The order of steps makes every crash recoverable without loss or double loading:

1. hash the file; if the ledger already knows this content from this inbox, either finish what
   a crash interrupted (the ledger row exists but the file never reached its place) or record a
   duplicate;
2. check it completely (nothing is written meanwhile);
3. valid: one transaction records it, appends its rows and supersedes the previous submission,
   then the file moves to ``archive/<org>/<sha256>.<ext>``;
   invalid: the feedback workbook is written, the rejection recorded, then the file moves to
   ``quarantine/<org>/``.
A crash before the commit leaves the warehouse as it was and the file in the inbox; a crash
after it leaves a ledger row whose file is still in the inbox, which step 1 completes.

Several runs may scan the same inbox at once (the schedule under ``cmast serve`` and an analyst's
``cmast ingest``). Each file is processed under the warehouse's writer lock, from hashing to the
move, so the ledger check and the load cannot interleave; a file already gone when the lock is
held was taken by the other run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings
from pipeline.locking import writer_lock
from pipeline.reference_data import cmast_trusts, trust_sites
from pipeline.spreadsheet.feedback import write_feedback
from pipeline.validation.problems import Problem
from pipeline.validation.validate import Checked, Context, check_file
from pipeline.warehouse import connect, ledger
from pipeline.warehouse.ledger import DUPLICATE, LOADED, REJECTED, Submission

TAKEN = "taken"


@dataclass
class Outcome:
    """What became of one file, for the person who sent it and the analyst watching."""

    file_name: str
    org_code: str
    status: str  # loaded, rejected, duplicate, recovered, or taken (by another run)
    message: str
    submission_id: int | None = None
    return_type: str | None = None
    period: str | None = None
    row_count: int = 0
    path: str | None = None
    feedback_path: str | None = None
    problems: list[Problem] = field(default_factory=list)


def scan_inbox(settings: Settings, now: float | None = None) -> list[Path]:
    """Files waiting in ``inbox/<ORG>/``, oldest first, so resubmissions apply in order.

    Files modified in the last ``settle_seconds`` may still be being written: left for next time.
    """
    now = now if now is not None else dt.datetime.now().timestamp()
    found = []
    if not settings.inbox.exists():
        return []
    for folder in sorted(p for p in settings.inbox.iterdir() if p.is_dir()):
        for path in folder.iterdir():
            if not path.is_file() or path.name.startswith((".", "~$")):
                continue  # hidden files and Excel's lock files are not submissions
            try:
                mtime = path.stat().st_mtime
            except FileNotFoundError:
                continue  # taken by another run while we looked
            if now - mtime < settings.settle_seconds:
                continue
            found.append((mtime, path.parent.name, path.name, path))
    return [path for *_, path in sorted(found)]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def process_file(
    path: Path,
    settings: Settings,
    *,
    today: dt.date | None = None,
    before_commit: Callable[[], None] | None = None,
) -> Outcome:
    """Validate one inbox file and load it or quarantine it. Never raises for a bad file.

    Holds the writer lock throughout (see the module's docstring); raises
    :class:`pipeline.locking.WriterBusy` if another writer keeps it too long.
    """
    org = path.parent.name.strip().upper()
    with writer_lock(settings):
        try:
            sha = sha256_of(path)
            received_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
        except FileNotFoundError:
            return Outcome(file_name=path.name, org_code=org, status=TAKEN,
                           message="Taken by another run before this one reached it")
        return _process(path, settings, org, sha, received_at, today, before_commit)


def _process(path: Path, settings: Settings, org: str, sha: str, received_at: dt.datetime,
             today: dt.date | None, before_commit: Callable[[], None] | None) -> Outcome:
    with connect(settings) as conn:
        earlier = ledger.by_sha(conn, sha, org)
        unfinished = [r for r in earlier if r["status"] != DUPLICATE
                      and not settings.absolute(r["path"]).exists()]
        if unfinished:
            return _finish_move(path, settings, unfinished[0])
        loaded = [r for r in earlier if r["status"] == LOADED]
        if loaded:
            return _record_duplicate(conn, path, settings, sha, org, received_at, loaded[0])

    checked = _check(path, settings, org, today)
    if checked.valid:
        return _load(path, settings, sha, org, received_at, checked, before_commit)
    return _quarantine(path, settings, sha, org, received_at, checked)


def _check(path: Path, settings: Settings, org: str, today: dt.date | None) -> Checked:
    trusts = cmast_trusts(settings)
    if org not in trusts:
        return Checked(problems=[Problem(
            rule=f"inbox/{org}/ is not the inbox of a CMAST trust",
            hint=f"Drop files in your own trust's folder: one of {', '.join(sorted(trusts))}.")])
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > settings.max_file_mb:
        return Checked(problems=[Problem(
            rule=f"The file is {size_mb:,.0f} MB, over the {settings.max_file_mb:,.0f} MB limit",
            hint="Check it is the right file; a monthly return is well under this size.")])
    context = Context(org_code=org, sites=trust_sites(settings),
                      today=today or dt.date.today())
    return check_file(path, context)


def _load(path: Path, settings: Settings, sha: str, org: str, received_at: dt.datetime,
          checked: Checked, before_commit: Callable[[], None] | None) -> Outcome:
    spec = checked.spec
    destination = settings.archive / org / f"{sha}{_suffix(path)}"
    raw_ready = checked.in_raw_form or spec.to_raw is None  # a bulk check reduced it already
    rows = checked.rows if raw_ready else spec.to_raw(checked.rows)
    submission = Submission(
        sha256=sha, org_code=org, file_name=path.name, received_at=received_at,
        processed_at=dt.datetime.now(), status=LOADED, path=settings.relative(destination),
        return_type=spec.return_type, period=checked.period,
        template_version=spec.template_version, row_count=len(rows),
        message=f"{len(rows):,} rows of {spec.title} for {checked.period}",
    )
    with connect(settings) as conn:
        ledger.load(conn, submission, spec.raw_table, rows, before_commit=before_commit)
    _move(path, destination)
    return Outcome(file_name=path.name, org_code=org, status=LOADED, message=submission.message,
                   submission_id=submission.submission_id, return_type=spec.return_type,
                   period=checked.period, row_count=len(rows), path=submission.path)


def _quarantine(path: Path, settings: Settings, sha: str, org: str, received_at: dt.datetime,
                checked: Checked) -> Outcome:
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    destination = settings.quarantine / org / f"{stamp}_{sha[:8]}_{_safe_name(path.name)}"
    feedback = destination.with_name(destination.name + ".feedback.xlsx")
    what = checked.spec.title if checked.spec else "file"
    summary = (f"{len(checked.problems)} problem{'s' if len(checked.problems) != 1 else ''} "
               f"found in this {what}; nothing from it was loaded.")
    write_feedback(feedback, file_name=path.name, org_code=org, summary=summary,
                   problems=checked.problems)
    submission = Submission(
        sha256=sha, org_code=org, file_name=path.name, received_at=received_at,
        processed_at=dt.datetime.now(), status=REJECTED, path=settings.relative(destination),
        return_type=checked.spec.return_type if checked.spec else None,
        period=checked.period, template_version=checked.template_version,
        error_count=len(checked.problems), feedback_path=settings.relative(feedback),
        message=checked.problems[0].as_line() if checked.problems else summary,
    )
    with connect(settings) as conn:
        ledger.record(conn, submission)
    _move(path, destination)
    return Outcome(file_name=path.name, org_code=org, status=REJECTED, message=summary,
                   submission_id=submission.submission_id, return_type=submission.return_type,
                   period=checked.period, path=submission.path,
                   feedback_path=submission.feedback_path, problems=checked.problems)


def _record_duplicate(conn, path: Path, settings: Settings, sha: str, org: str,
                      received_at: dt.datetime, original: dict) -> Outcome:
    message = (f"Identical to submission {original['submission_id']} "
               f"({original['file_name']}), already loaded; nothing new to load")
    submission = Submission(
        sha256=sha, org_code=org, file_name=path.name, received_at=received_at,
        processed_at=dt.datetime.now(), status=DUPLICATE, path=original["path"],
        return_type=original["return_type"], period=original["period"],
        template_version=original["template_version"],
        duplicate_of=original["submission_id"], message=message,
    )
    ledger.record(conn, submission)
    path.unlink()  # the archive already holds these exact bytes
    return Outcome(file_name=path.name, org_code=org, status=DUPLICATE, message=message,
                   submission_id=submission.submission_id, return_type=original["return_type"],
                   period=original["period"], path=original["path"])


def _finish_move(path: Path, settings: Settings, record: dict) -> Outcome:
    _move(path, settings.absolute(record["path"]))
    return Outcome(file_name=path.name, org_code=record["org_code"], status="recovered",
                   message=f"Completed submission {record['submission_id']} ({record['status']}),"
                   " interrupted before its file was moved",
                   submission_id=record["submission_id"], return_type=record["return_type"],
                   period=record["period"], path=record["path"])


def _move(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.exists():
        source.unlink()  # archive names are content hashes: the same bytes are already there
        return
    temporary = destination.with_name(destination.name + ".partial")
    shutil.copy2(source, temporary)
    os.replace(temporary, destination)  # atomic: the file appears whole or not at all
    source.unlink()


def _suffix(path: Path) -> str:
    return path.suffix.lower() if path.suffix.lower() in {".xlsx", ".csv", ".xls", ".ods"} else ""


def _safe_name(name: str) -> str:
    kept = "".join(c if c.isalnum() or c in "._-" else "_" for c in name)
    return kept.lstrip(".") or "file"

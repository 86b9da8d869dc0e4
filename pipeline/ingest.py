"""Taking one file from the inbox to the warehouse or to quarantine, exactly once.

The order of steps makes every crash recoverable without loss or double loading:

1. hash the file; if the ledger already knows this content from this inbox, either finish what
   a crash interrupted (the ledger row exists but the file never reached its place) or record a
   duplicate;
2. check it completely (nothing is written meanwhile), or take the check a worker made ahead
   of these very bytes (``pipeline.prechecks``);
3. valid: one transaction records it, appends its rows and supersedes the previous submission,
   then the file moves to ``archive/<org>/<sha256>.<ext>``;
   invalid: the feedback workbook is written, the rejection recorded, then the file moves to
   ``quarantine/<org>/``.
A crash before the commit leaves the warehouse as it was and the file in the inbox; a crash
after it leaves a ledger row whose file is still in the inbox, which step 1 completes. The copy
into the archive or quarantine is made *before* the commit (``pipeline.filing``), so a full disk
or a read-only folder stops the file while nothing is recorded, with an error saying so.

A file is only ever read through the inbox folder it was found in: a symbolic link is refused
unread (its target may lie anywhere), and a file's name is never used as a path.

``faults`` lets a test stop the process at a named step (``FAULT_STEPS``), to show that every
interruption is recovered by the next run (``tests/test_faults.py``).

Several runs may scan the same inbox at once (the schedule under ``cmast serve`` and an analyst's
``cmast ingest``). Each file is processed under the warehouse's writer lock, from hashing to the
move, so the ledger check and the load cannot interleave; a file already gone when the lock is
held was taken by the other run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import filing, prechecks
from pipeline.config import Settings
from pipeline.inbox import (  # noqa: F401  (the inbox's names, as callers of the loader know them)
    CHECK_MB_PER_FILE_MB,
    FUTURE_TOLERANCE_SECONDS,
    HELD,
    NOT_RETURNS,
    WAITING,
    check_waiting_file,
    is_not_a_return,
    not_taken,
    outside_inbox,
    owner_file_beside,
    scan_inbox,
    sha256_of,
)
from pipeline.locking import writer_lock
from pipeline.spreadsheet.feedback import write_feedback
from pipeline.validation.problems import Problem
from pipeline.validation.validate import Checked
from pipeline.warehouse import connect, ledger
from pipeline.warehouse.ledger import DUPLICATE, LOADED, REJECTED, SUPERSEDED, Submission

TAKEN = "taken"
#: Where a test may stop a load (see ``faults`` of :func:`process_file`): after the file was
#: read and checked, nothing written; after the ledger commit, the file not yet moved; with the
#: file in its archive or quarantine place and still in the inbox; and after the move.
FAULT_STEPS = ("after_read", "after_commit", "during_move", "after_move")
_faults: ContextVar[Mapping[str, Callable[[], None]] | None] = ContextVar("faults", default=None)
_log = logging.getLogger(__name__)


def _reached(step: str) -> None:
    hook = (_faults.get() or {}).get(step)
    if hook is not None:
        hook()


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


def process_file(
    path: Path,
    settings: Settings,
    *,
    today: dt.date | None = None,
    before_commit: Callable[[], None] | None = None,
    faults: Mapping[str, Callable[[], None]] | None = None,
) -> Outcome:
    """Validate one inbox file and load it or quarantine it. Never raises for a bad file.

    Holds the writer lock throughout (see the module's docstring); raises
    :class:`pipeline.locking.WriterBusy` if another writer keeps it too long, and
    :class:`pipeline.filing.StorageFailed` if the file cannot be stored (nothing recorded, the
    file left in the inbox). ``faults`` maps steps of ``FAULT_STEPS`` to a function called
    there (tests use it to kill the process mid-load).
    """
    org = path.parent.name.strip().upper()
    token = _faults.set(faults or {})
    try:
        with writer_lock(settings):
            if outside_inbox(path, settings):
                return Outcome(
                    file_name=path.name,
                    org_code=org,
                    status=REJECTED,
                    message="Not read: its folder is a link to somewhere outside "
                    "the inbox. Drop files into the inbox folder itself.",
                )
            if path.is_symlink():
                return _refuse_link(path, settings, org)
            try:
                sha = sha256_of(path)
                received_at = dt.datetime.fromtimestamp(path.stat().st_mtime)
            except FileNotFoundError:
                return Outcome(
                    file_name=path.name,
                    org_code=org,
                    status=TAKEN,
                    message="Taken by another run before this one reached it",
                )
            return _process(path, settings, org, sha, received_at, today, before_commit)
    finally:
        prechecks.done_with(path)
        _faults.reset(token)


def _process(
    path: Path,
    settings: Settings,
    org: str,
    sha: str,
    received_at: dt.datetime,
    today: dt.date | None,
    before_commit: Callable[[], None] | None,
) -> Outcome:
    with connect(settings) as conn:
        earlier = ledger.by_sha(conn, sha, org)
        unfinished = [
            r
            for r in earlier
            if r["status"] != DUPLICATE and not settings.absolute(r["path"]).exists()
        ]
        if unfinished:
            return _finish_move(path, settings, unfinished[0])
        # The very file whose copy reached its place before the process stopped, so it is
        # still in the inbox too: only its removal is left to do.
        interrupted = [r for r in earlier if is_interrupted(path, settings, sha, r)]
        if interrupted:
            return _finish_move(path, settings, interrupted[0])
        loaded = [r for r in earlier if r["status"] == LOADED]
        if loaded:
            return _record_duplicate(conn, path, settings, sha, org, received_at, loaded[0])

    day = today or dt.date.today()
    checked = prechecks.take(path, sha, day) or check_waiting_file(path, settings, org, day)
    _reached("after_read")
    if checked.valid:
        spec, _, period = checked.accepted()
        with connect(settings) as conn:
            previous = ledger.current(conn, org, spec.return_type, period)
        if (
            previous is not None
            and previous["received_at"] == received_at
            and previous["sha256"] != sha
        ):
            return _refuse_tie(path, settings, sha, org, received_at, checked, previous)
        reverted = [r for r in earlier if r["status"] == SUPERSEDED]
        return _load(
            path,
            settings,
            sha,
            org,
            received_at,
            checked,
            before_commit,
            reverted[0] if reverted else None,
        )
    return _quarantine(path, settings, sha, org, received_at, checked)


def is_interrupted(path: Path, settings: Settings, sha: str, record: dict) -> bool:
    """Whether ``path`` is the file whose processing ``record`` recorded, interrupted after its
    copy reached its place: the name, modification time and content are those recorded, the
    recorded place holds that content, and the inbox file has not changed since it was
    processed (its change time, which a copy, move or new save sets, is not later). A file sent
    again as it was (a revert to an earlier version, a rejected file sent again, by a copy that
    keeps the modification time) arrived after, so it is a new submission, never "recovered"."""
    if record["status"] == DUPLICATE or record["file_name"] != path.name:
        return False
    if record["received_at"] != dt.datetime.fromtimestamp(path.stat().st_mtime):
        return False
    placed = settings.absolute(record["path"])
    if not placed.is_file() or sha256_of(placed) != sha:
        return False
    changed = dt.datetime.fromtimestamp(path.stat().st_ctime)
    return changed <= record["processed_at"]


def _refuse_tie(
    path: Path,
    settings: Settings,
    sha: str,
    org: str,
    received_at: dt.datetime,
    checked: Checked,
    previous: dict,
) -> Outcome:
    """Two different files for one trust, return and period with the same modification time:
    which is newer cannot be told, and their names must not decide it. Both are refused: this
    one is quarantined, and the one loaded first stops being current (the submission before it,
    if any, is current again), each saying why."""
    stamp = received_at.strftime("%d %B %Y %H:%M:%S")
    spec, _, period = checked.accepted()
    checked = Checked(
        problems=[
            Problem(
                rule=f"This file and {previous['file_name']} (submission "
                f"{previous['submission_id']}) "
                f"are both {spec.title} returns for {period} with the same "
                f"modification time ({stamp}), so which is the newer cannot be told; neither is "
                "used",
                hint="Send again only the file that is right, saved anew (so that it has a later "
                "time).",
            )
        ],
        spec=spec,
        period=period,
    )
    outcome = _quarantine(path, settings, sha, org, received_at, checked)
    with connect(settings) as conn:
        ledger.withdraw(
            conn,
            previous["submission_id"],
            f"Withdrawn: {path.name} (submission {outcome.submission_id}) has the "
            f"same modification time for the same return and period, so which is "
            "the newer cannot be told; neither is used",
        )
    outcome.message += (
        f" {previous['file_name']} (submission {previous['submission_id']}), "
        "with the same time, is no longer current either."
    )
    return outcome


def _load(
    path: Path,
    settings: Settings,
    sha: str,
    org: str,
    received_at: dt.datetime,
    checked: Checked,
    before_commit: Callable[[], None] | None,
    reverted: dict | None = None,
) -> Outcome:
    spec, _, period = checked.accepted()
    destination = settings.archive / org / f"{sha}{_suffix(path)}"
    rows = checked.raw_rows()
    message = f"{len(rows):,} rows of {spec.title} for {period}" + (
        ""
        if reverted is None
        else f"; the same content as submission {reverted['submission_id']} "
        f"({reverted['file_name']}), which it makes current again (a revert)"
    )
    submission = Submission(
        sha256=sha,
        org_code=org,
        file_name=path.name,
        received_at=received_at,
        processed_at=dt.datetime.now(),
        status=LOADED,
        path=settings.relative(destination),
        return_type=spec.return_type,
        period=period,
        template_version=spec.template_version,
        row_count=len(rows),
        message=message,
    )
    staged = filing.stage(path, destination)  # a full disk shows here, before any commit
    try:
        with connect(settings) as conn:
            ledger.load(conn, submission, spec.raw_table, rows, before_commit=before_commit)
    except BaseException:
        filing.discard(staged)
        raise
    _reached("after_commit")
    _move(path, destination)
    _reached("after_move")
    return Outcome(
        file_name=path.name,
        org_code=org,
        status=LOADED,
        message=message,
        submission_id=submission.submission_id,
        return_type=spec.return_type,
        period=period,
        row_count=len(rows),
        path=submission.path,
    )


def _quarantine(
    path: Path, settings: Settings, sha: str, org: str, received_at: dt.datetime, checked: Checked
) -> Outcome:
    destination, feedback = _quarantine_place(settings, org, sha, path.name)
    what = checked.spec.title if checked.spec else "file"
    summary = (
        f"{len(checked.problems)} problem{'s' if len(checked.problems) != 1 else ''} "
        f"found in this {what}; nothing from it was loaded."
    )
    link = path.is_symlink()
    staged = None if link else filing.stage(path, destination)  # a link is moved, not read
    try:
        write_feedback(
            feedback, file_name=path.name, org_code=org, summary=summary, problems=checked.problems
        )
    except OSError as error:
        filing.discard(staged)
        feedback.unlink(missing_ok=True)
        raise filing.StorageFailed(
            f"Could not write the feedback for {org}/{path.name} in {feedback.parent}: "
            f"{error.strerror or error}. Nothing was recorded; the file stays in the inbox."
        ) from error
    submission = Submission(
        sha256=sha,
        org_code=org,
        file_name=path.name,
        received_at=received_at,
        processed_at=dt.datetime.now(),
        status=REJECTED,
        path=settings.relative(destination),
        return_type=checked.spec.return_type if checked.spec else None,
        period=checked.period,
        template_version=checked.template_version,
        error_count=len(checked.problems),
        feedback_path=settings.relative(feedback),
        message=checked.problems[0].as_line() if checked.problems else summary,
    )
    try:
        with connect(settings) as conn:
            ledger.record(conn, submission)
    except BaseException:
        filing.discard(staged)
        raise
    _reached("after_commit")
    if link:
        _move_link(path, destination)
    else:
        _move(path, destination)
    _reached("after_move")
    return Outcome(
        file_name=path.name,
        org_code=org,
        status=REJECTED,
        message=summary,
        submission_id=submission.submission_id,
        return_type=submission.return_type,
        period=checked.period,
        path=submission.path,
        feedback_path=submission.feedback_path,
        problems=checked.problems,
    )


def _quarantine_place(settings: Settings, org: str, sha: str, name: str) -> tuple[Path, Path]:
    """Where a refused file and its feedback go: named by time, hash and the name sent, and
    never over an earlier refusal (the same file sent again within the second gets ``-2``...),
    so each refusal keeps its own copy and feedback."""
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    folder, safe = settings.quarantine / org, filing.safe_name(name)
    for attempt in range(1, 10_000):
        tag = "" if attempt == 1 else f"-{attempt}"
        destination = folder / f"{stamp}_{sha[:8]}{tag}_{safe}"
        feedback = destination.with_name(destination.name + ".feedback.xlsx")
        if not (
            destination.exists() or feedback.exists() or filing.partial_path(destination).exists()
        ):
            return destination, feedback
    raise filing.StorageFailed(f"No free name for {org}/{name} in {folder}")


def _record_duplicate(
    conn,
    path: Path,
    settings: Settings,
    sha: str,
    org: str,
    received_at: dt.datetime,
    original: dict,
) -> Outcome:
    message = (
        f"Identical to submission {original['submission_id']} "
        f"({original['file_name']}), already loaded; nothing new to load"
    )
    submission = Submission(
        sha256=sha,
        org_code=org,
        file_name=path.name,
        received_at=received_at,
        processed_at=dt.datetime.now(),
        status=DUPLICATE,
        path=original["path"],
        return_type=original["return_type"],
        period=original["period"],
        template_version=original["template_version"],
        duplicate_of=original["submission_id"],
        message=message,
    )
    ledger.record(conn, submission)
    path.unlink()  # the archive already holds these exact bytes
    return Outcome(
        file_name=path.name,
        org_code=org,
        status=DUPLICATE,
        message=message,
        submission_id=submission.submission_id,
        return_type=original["return_type"],
        period=original["period"],
        path=original["path"],
    )


def _refuse_link(path: Path, settings: Settings, org: str) -> Outcome:
    """Quarantine a symbolic link without following it: its target may be any file on the
    server, which must be neither read nor moved. Identified by the target it names."""
    target = os.readlink(path)
    sha = hashlib.sha256(b"symlink\0" + os.fsencode(target)).hexdigest()
    with connect(settings) as conn:
        unfinished = [
            r for r in ledger.by_sha(conn, sha, org) if not settings.absolute(r["path"]).exists()
        ]
    if unfinished:
        _move_link(path, settings.absolute(unfinished[0]["path"]))
        return Outcome(
            file_name=path.name,
            org_code=org,
            status="recovered",
            message="Completed the refusal of a link, interrupted before it was moved",
            submission_id=unfinished[0]["submission_id"],
            path=unfinished[0]["path"],
        )
    checked = Checked(
        problems=[
            Problem(
                rule="The file is a link (a symbolic link or shortcut) to another file, so it "
                "was not "
                "read",
                hint="Drop the file itself into the inbox, not a link to it.",
            )
        ]
    )
    received_at = dt.datetime.fromtimestamp(path.lstat().st_mtime)
    return _quarantine(path, settings, sha, org, received_at, checked)


def _move_link(link: Path, destination: Path) -> None:
    """Move a link itself (a rename never follows it); across file systems, just remove it:
    a link holds nothing of the trust's to keep."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(link, destination)
    except OSError:
        link.unlink(missing_ok=True)


def _finish_move(path: Path, settings: Settings, record: dict) -> Outcome:
    _move(path, settings.absolute(record["path"]))
    return Outcome(
        file_name=path.name,
        org_code=record["org_code"],
        status="recovered",
        message=f"Completed submission {record['submission_id']} ({record['status']}),"
        " interrupted before its file was moved",
        submission_id=record["submission_id"],
        return_type=record["return_type"],
        period=record["period"],
        path=record["path"],
    )


def _move(source: Path, destination: Path) -> None:
    """Put the file in its place (its staged copy renamed), then take it out of the inbox.

    Archive names are content hashes: a destination already there holds the same bytes.
    """
    filing.place(source, destination, on_placed=lambda: _reached("during_move"))


def _suffix(path: Path) -> str:
    return path.suffix.lower() if path.suffix.lower() in {".xlsx", ".csv", ".xls", ".ods"} else ""

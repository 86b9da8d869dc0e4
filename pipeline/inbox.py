"""What waits in the inbox, and the checks made of a waiting file before anything is loaded.

Used by the loader (:mod:`pipeline.ingest`) and by the look-ahead that checks the next files
in worker processes (:mod:`pipeline.prechecks`), which therefore import this module and not
each other. The one SHA-256 of a file that both rely on is here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import stat
from pathlib import Path
from typing import BinaryIO

from pipeline.config import Settings
from pipeline.reference_data import cdc_sites, cmast_trusts, trust_sites
from pipeline.validation.bulk import bulk_spec
from pipeline.validation.problems import Problem
from pipeline.validation.validate import Checked, Context, check_file
from schemas.reference import use_reference_dir

_log = logging.getLogger("pipeline.ingest")

#: Peak memory of checking a file row by row, in MB per MB of file, as measured by
#: ``make bench`` (benchmark check_memory, on a 2-core machine: a 28 MB UEC CSV grew the process
#: by 721 MB, 25.7 per MB; a 200 MB one, the default size limit, by 4,956 MB, 24.8 per MB), and
#: rounded up. Files checked in bulk (patient-level lists, in DuckDB) are not bound by it.
CHECK_MB_PER_FILE_MB = 26.0

#: Names the operating system or Office leave beside files, which are never returns: left alone
#: without a word (an alert to a trust about its Thumbs.db helps nobody).
NOT_RETURNS = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", ".ds_store"})
#: A file modified further ahead than this is "in the future" (a client clock ahead), beyond
#: what the clocks of a network share and the server differ by.
FUTURE_TOLERANCE_SECONDS = 300.0
#: Statuses of files seen but not taken (``not_taken``): ``waiting`` clears by itself (a
#: workbook still open in Excel); ``held`` needs the sender to act, and is an alert.
WAITING, HELD = "waiting", "held"


def is_not_a_return(name: str) -> bool:
    """Hidden files, OS metadata, alternate-stream copies (``x.xlsx:Zone.Identifier``, as a
    download copied from Windows leaves them) and Office's owner files (``~$x.xlsx``)."""
    return (
        name.startswith((".", "~$"))
        or name.lower() in NOT_RETURNS
        or ":" in name
        or name.lower().endswith(".zone.identifier")
    )


def owner_file_beside(path: Path) -> Path | None:
    """The Office owner file (``~$`` name) Excel keeps beside a workbook it has open, if any.
    Excel names it ``~$`` + the name, or for longer names replaces the first two characters."""
    for name in (f"~${path.name}", f"~${path.name[1:]}", f"~${path.name[2:]}"):
        candidate = path.with_name(name)
        if candidate != path and candidate.exists():
            return candidate
    return None


def scan_inbox(settings: Settings, now: float | None = None) -> list[Path]:
    """Files ready to be taken from ``inbox/<ORG>/``, oldest first, so resubmissions apply in
    order. Files of equal modification time are taken by folder and name, for repeatability
    only: which of two files for the same return and period is the newer is never decided by
    that order (both are refused, see ``_refuse_tie``).

    Left for next time without a word: files modified in the last ``settle_seconds`` (they may
    still be being written). Files that cannot be taken at all are listed by :func:`not_taken`.
    """
    now = now if now is not None else dt.datetime.now().timestamp()
    found = []
    for path, mtime, _ in _trust_files(settings):
        if now - mtime < settings.settle_seconds:
            continue  # still being written, or in the future (reported by not_taken)
        if owner_file_beside(path) is not None:
            continue  # still open in Excel: half saved, perhaps
        found.append((mtime, path.parent.name, path.name, path))
    return [path for *_, path in sorted(found)]


def _trust_files(settings: Settings) -> list[tuple[Path, float, float]]:
    """Every candidate file directly in a trust's folder: path, modification and change time."""
    found = []
    if not settings.inbox.exists():
        return []
    # A trust's folder that is a link leads outside the inbox: never followed.
    for folder in sorted(p for p in settings.inbox.iterdir() if p.is_dir() and not p.is_symlink()):
        for path in folder.iterdir():
            if is_not_a_return(path.name):
                continue
            if not (path.is_symlink() or path.is_file()):
                continue  # folders, pipes and devices: links are taken, to be refused
            try:
                status = path.lstat()
            except FileNotFoundError:
                continue  # taken by another run while we looked
            found.append((path, status.st_mtime, status.st_ctime))
    return found


def not_taken(settings: Settings, now: float | None = None) -> list[dict]:
    """The files in the inbox that a scan does not take, each with what to do: a workbook open
    in Excel (waiting), a modification time in the future, a file outside any trust's folder or
    in a sub-folder of one (held: the sender must act). Outcome records, as the flow returns."""
    now = now if now is not None else dt.datetime.now().timestamp()
    found = []
    for path, mtime, _ in _trust_files(settings):
        org = path.parent.name
        owner = owner_file_beside(path)
        if mtime - now > FUTURE_TOLERANCE_SECONDS:
            stamp = dt.datetime.fromtimestamp(mtime).strftime("%d %B %Y %H:%M")
            found.append(
                _not_taken(
                    org,
                    path,
                    HELD,
                    settings,
                    f"Not taken: its modification time ({stamp}) is in the future, so its order "
                    "against other files cannot be known (the sending computer's clock is ahead?). "
                    "Correct that clock and save the file again, or set its time to now "
                    f"(touch it); it is taken by itself once {stamp} has passed.",
                )
            )
        elif owner is not None and now - mtime >= settings.settle_seconds:
            found.append(
                _not_taken(
                    org,
                    path,
                    WAITING,
                    settings,
                    f"Waiting: the workbook is open in Excel ({owner.name} is beside it), so it "
                    "may "
                    "be half saved. It is taken once it is closed.",
                )
            )
    if settings.inbox.exists():
        for path in sorted(settings.inbox.rglob("*")):
            if any(is_not_a_return(part) for part in path.relative_to(settings.inbox).parts):
                continue
            if any(p.is_symlink() for p in [path, *path.parents] if settings.inbox in p.parents):
                continue  # links inside trust folders are refused by the loader; others unread
            depth = len(path.relative_to(settings.inbox).parts)
            if not path.is_file() or depth == 2:
                continue
            where = path.relative_to(settings.inbox).as_posix()
            if depth == 1:
                message = (
                    f"Not taken: inbox/{where} is not in a trust's folder. Move it into "
                    "the folder of the trust that sent it, inbox/<ORG>/."
                )
                org = "-"
            else:
                org = path.relative_to(settings.inbox).parts[0]
                message = (
                    f"Not taken: inbox/{where} is in a sub-folder of inbox/{org}/, "
                    f"where files are not looked for. Move it up into inbox/{org}/."
                )
            found.append(_not_taken(org, path, HELD, settings, message))
    return found


def _not_taken(org: str, path: Path, status: str, settings: Settings, message: str) -> dict:
    return {
        "file_name": path.name,
        "org_code": org,
        "status": status,
        "message": message,
        "path": settings.relative(path),
    }


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's content (raises ``FileNotFoundError`` if it has gone)."""
    with path.open("rb") as handle:
        return _digest(handle)


def sha256_unfollowed(path: Path) -> str | None:
    """The SHA-256 of a regular file, never following a link; ``None`` for anything else."""
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        return _digest(file)


def _digest(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def outside_inbox(path: Path, settings: Settings) -> bool:
    """True when the folder holding ``path`` is not really a folder of the inbox (a link)."""
    folder = path.parent
    return folder.is_symlink() or folder.resolve() != settings.inbox.resolve() / folder.name


def check_waiting_file(path: Path, settings: Settings, org: str, today: dt.date) -> Checked:
    """Everything found wrong with a file waiting in ``inbox/<org>/``; reads the file and
    nothing else, so it may run ahead of loading, in another process (``pipeline.prechecks``).
    Raises ``OSError`` for an outside cause (the file is kept and retried)."""
    use_reference_dir(settings.reference_dir)  # what the schemas check codes against
    trusts = cmast_trusts(settings)
    if org not in trusts:
        return Checked(
            problems=[
                Problem(
                    rule=f"inbox/{org}/ is not the inbox of a CMAST trust",
                    hint="Drop files in your own trust's folder: one of "
                    f"{', '.join(sorted(trusts))}.",
                )
            ]
        )
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > settings.max_file_mb:
        return Checked(
            problems=[
                Problem(
                    rule=f"The file is {size_mb:,.1f} MB, over the {settings.max_file_mb:g} MB "
                    "limit "
                    "(CMAST_MAX_FILE_MB)",
                    hint="Check it is the right file; a monthly return is well under this size.",
                )
            ]
        )
    needed = size_mb * CHECK_MB_PER_FILE_MB
    if needed > settings.check_memory_mb and bulk_spec(path) is None:
        return Checked(
            problems=[
                Problem(
                    rule=f"The file is {size_mb:,.1f} MB: checking it row by row would take about "
                    f"{needed:,.0f} MB of memory, over the {settings.check_memory_mb:,} MB allowed "
                    "(CMAST_CHECK_MEMORY_MB)",
                    hint="Check it is the right file: a monthly return is well under 1 MB. Send "
                    "one "
                    "month per file.",
                )
            ]
        )
    context = Context(
        org_code=org, sites=trust_sites(settings), cdc_sites=cdc_sites(settings), today=today
    )
    try:
        return check_file(path, context)
    except OSError:
        raise  # an outside cause (the disk, the network share): retried, the file kept
    except Exception as error:  # noqa: BLE001  a file must never stop the inbox
        # A file the checks cannot cope with is a fault of the pipeline, but the trust still
        # needs an answer and the other files must go on: quarantined, with the trace logged.
        _log.exception("Checking %s/%s failed", org, path.name)
        return Checked(
            problems=[
                Problem(
                    rule=f"The file could not be checked ({type(error).__name__}): a fault in the "
                    "pipeline, not necessarily in the file",
                    hint="The CMAST data team can see what went wrong; send the file again once "
                    "they "
                    "say it is fixed, or send it as CSV in the meantime.",
                )
            ]
        )

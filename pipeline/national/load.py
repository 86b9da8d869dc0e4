"""Taking an NHS England publication into the warehouse, through the same ledger as trust returns.

Each file is hashed, recognised from its content, parsed and validated, then loaded in one
transaction under org code ``NHSE`` with the dataset (``nhse_ae``, ``nhse_dm01``, ``nhse_rtt``) as
its return type. The file itself is copied (not moved: it is the analyst's) to
``archive/NHSE/<sha256>``. Loading a file already loaded changes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from pipeline.ingest import sha256_of
from pipeline.national import PublicationError, parse_publication
from pipeline.warehouse import connect, ledger
from pipeline.warehouse.ledger import DUPLICATE, REJECTED, Submission
from pipeline.warehouse.publications import load_publication

PUBLISHER = "NHSE"

#: The parser's kind -> the dataset its month belongs to (CSV and workbook carry the same A&E data).
DATASETS = {
    "ae_provider_csv": "ae",
    "ae_workbook": "ae",
    "dm01_provider_xls": "dm01",
    "rtt_full_extract_zip": "rtt",
    "rtt_full_extract_csv": "rtt",
}


@dataclass
class NationalOutcome:
    file_name: str
    status: str  # loaded, superseded (an older revision, kept), duplicate, rejected
    message: str
    dataset: str | None = None
    period: str | None = None
    submission_id: int | None = None
    rows: int = 0


def _suffix(path: Path) -> str:
    name = path.name.lower()
    return ".csv.zip" if name.endswith(".csv.zip") else path.suffix.lower()


def load_national_file(path: Path, settings: Settings) -> NationalOutcome:
    path = Path(path)
    sha = sha256_of(path)
    archived = settings.archive / PUBLISHER / f"{sha}{_suffix(path)}"
    with connect(settings) as conn:
        earlier = [
            r
            for r in ledger.by_sha(conn, sha, PUBLISHER)
            if r["status"] not in (REJECTED, DUPLICATE)
        ]
    if earlier:
        _copy(path, archived)  # completes a copy interrupted after the commit, else a no-op
        record = earlier[0]
        return NationalOutcome(
            path.name,
            DUPLICATE,
            f"already loaded as submission {record['submission_id']} "
            f"({record['return_type']} {record['period']}): nothing changed",
            record["return_type"],
            record["period"],
            record["submission_id"],
        )
    try:
        parsed = parse_publication(path)
    except PublicationError as error:
        return NationalOutcome(path.name, REJECTED, str(error))
    dataset = DATASETS[parsed.kind]
    tables = {f"nhse_{dataset}_{name}": frame for name, frame in parsed.tables().items()}
    stated = parsed.revised or parsed.published
    message = f"NHS England {dataset.upper()} publication for {parsed.period}"
    submission = Submission(
        sha256=sha,
        org_code=PUBLISHER,
        file_name=path.name,
        received_at=dt.datetime.fromtimestamp(path.stat().st_mtime),
        processed_at=dt.datetime.now(),
        status=ledger.LOADED,
        path=settings.relative(archived),
        return_type=f"nhse_{dataset}",
        period=parsed.period,
        template_version=f"{parsed.kind}@{stated.isoformat() if stated else ''}",
        row_count=sum(len(frame) for frame in tables.values()),
        message=message,
    )
    with connect(settings) as conn:
        status = load_publication(conn, submission, tables)
    _copy(path, archived)
    note = (
        " (an earlier revision than the one already current: kept as a version)"
        if status == ledger.SUPERSEDED
        else ""
    )
    return NationalOutcome(
        path.name,
        status,
        message + note,
        submission.return_type,
        parsed.period,
        submission.submission_id,
        submission.row_count,
    )


def _copy(source: Path, destination: Path) -> None:
    if destination.exists():
        return
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(destination.name + ".partial")
    shutil.copyfile(source, temporary)
    temporary.replace(destination)

"""Recognise an NHS England publication from its content, never from its file name.

Files arrive renamed ("Monthly-AE-October-2023.csv", "August-2023-revised-91123-mno111.csv",
a zip re-made on a Mac), so the name says nothing reliable. The first bytes say which container
it is (zip, legacy OLE2 ``.xls``, or text); the header row, sheet names and metadata say which
publication. Anything else raises :class:`UnrecognisedPublication` saying what was seen.

Kinds: ``ae_provider_csv``, ``ae_workbook``, ``dm01_provider_xls``, ``rtt_full_extract_zip``,
``rtt_full_extract_csv``.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

from pipeline.national import ae, dm01, grid, rtt
from pipeline.national.publication import PublicationError, UnrecognisedPublication

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Excel (BIFF inside OLE2)
ZIP_MAGIC = b"PK\x03\x04"

AE_CSV_COLUMNS = {"Period", *ae.CSV_COLUMNS}
RTT_COLUMNS = set(rtt.REQUIRED)
AE_WORKBOOK_SHEETS = {
    "Provider Level Data",
    "Non-Booked Data",
    "Booked Appointments Data",
    "System Level Data",
    "System Mapping",
}

__all__ = ["UnrecognisedPublication", "detect", "KINDS"]
KINDS = (
    "ae_provider_csv",
    "ae_workbook",
    "dm01_provider_xls",
    "rtt_full_extract_zip",
    "rtt_full_extract_csv",
)


def detect(path: Path) -> str:
    """The kind of publication in ``path``; raises ``UnrecognisedPublication`` otherwise."""
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE2_MAGIC):
        return _legacy_workbook(path)
    if head.startswith(ZIP_MAGIC) and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return _workbook(path)
        return _zipped_csv(path)
    return _text(path)


def _legacy_workbook(path: Path) -> str:
    try:
        if dm01.is_dm01_workbook(path):
            return "dm01_provider_xls"
        names = grid.sheet_names(path)
    except (PublicationError, OSError, ValueError, RuntimeError) as error:
        raise UnrecognisedPublication(f"{path.name}: unreadable .xls workbook ({error})") from error
    raise UnrecognisedPublication(
        f"{path.name}: .xls workbook with sheets {names}, not a DM01 provider file"
    )


def _workbook(path: Path) -> str:
    try:
        names = set(grid.sheet_names(path))
        if names >= AE_WORKBOOK_SHEETS:
            meta = grid.metadata(grid.read_grid(path, "Provider Level Data").iloc[:20])
            if "A&E Attendances" in meta.get("Title", ""):
                return "ae_workbook"
        if dm01.is_dm01_workbook(path):
            # An xlsx re-save of DM01 has the same content; the parser reads either.
            return "dm01_provider_xls"
    except (PublicationError, OSError, ValueError, RuntimeError) as error:
        raise UnrecognisedPublication(f"{path.name}: unreadable workbook ({error})") from error
    raise UnrecognisedPublication(
        f"{path.name}: workbook with sheets {sorted(names)}, not an A&E or DM01 publication"
    )


def _zipped_csv(path: Path) -> str:
    try:
        header, first = rtt.header_and_first_row(path)
    except (PublicationError, zipfile.BadZipFile) as error:
        raise UnrecognisedPublication(f"{path.name}: zip without one CSV ({error})") from error
    if set(header) >= RTT_COLUMNS and first and first[0].startswith("RTT-"):
        return "rtt_full_extract_zip"
    raise UnrecognisedPublication(
        f"{path.name}: zipped CSV is not an RTT full extract (header starts {header[:4]})"
    )


def _text(path: Path) -> str:
    with open(path, "rb") as handle:
        sample = handle.read(4096)
    if b"\x00" in sample:
        raise UnrecognisedPublication(f"{path.name}: binary content, not a publication")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A read of 4 KB may cut a multi-byte character at its end; only fail on others.
        if error.start < len(sample) - 4:
            raise UnrecognisedPublication(f"{path.name}: not UTF-8 text") from error
    header, first = _peek(path)
    columns = set(header)
    if columns >= AE_CSV_COLUMNS and first and first[0].startswith("MSitAE-"):
        return "ae_provider_csv"
    if columns >= RTT_COLUMNS and first and first[0].startswith("RTT-"):
        return "rtt_full_extract_csv"
    raise UnrecognisedPublication(
        f"{path.name}: CSV whose header ({header[:4]} ...) is neither the A&E provider CSV "
        "nor the RTT full extract"
    )


def _peek(path: Path) -> tuple[list[str], list[str]]:
    """Header and first data row of a text file read as CSV, cells stripped."""
    with open(path, newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        header, first = next(reader, []), next(reader, [])
    return [c.strip() for c in header], [c.strip() for c in first]

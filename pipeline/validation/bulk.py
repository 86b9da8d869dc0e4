"""Recognising, from its header line alone, a CSV that is checked in bulk rather than in pandas.

A patient-level PTL can hold millions of rows: reading it whole into pandas would need several
GB. Only its first line is read here; a file whose header is a return with a bulk check is
handed to that check, anything else goes the usual way (``read_table``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from pipeline.returns.base import ReturnSpec
from pipeline.returns.registry import identify, normalise_header
from pipeline.spreadsheet.csv_read import decode
from pipeline.spreadsheet.read import sniff_kind
from pipeline.validation.problems import FileProblem

_HEAD_BYTES = 64 * 1024  # a header line is far shorter than this


@dataclass(frozen=True)
class CsvHeader:
    """A CSV file's header: normalised column names in file order, separator and encoding."""

    columns: tuple[str, ...]
    separator: str
    encoding: str  # "utf-8" or "cp1252", as the reader decodes it


def csv_header(path: Path) -> CsvHeader | None:
    """The header of a CSV file, or None if the file is not CSV (or has no header line)."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if sniff_kind(head) != "csv":
        return None
    decoded = decode(head.split(b"\n", 1)[0])
    if decoded.encoding == "utf-16":
        return None  # DuckDB's reader takes UTF-8 or Windows-1252: the usual path reads it
    text = decoded.text.rstrip("\r")
    separator = ";" if text.count(";") > text.count(",") else ","
    try:
        names = next(csv.reader([text], delimiter=separator), [])
    except csv.Error:
        return None  # not a header line this path can use; the usual path reports it
    if not names:
        return None
    return CsvHeader(tuple(normalise_header(n) for n in names), separator, decoded.encoding)


def bulk_spec(path: Path) -> ReturnSpec | None:
    """The return with a bulk check that this CSV's header names exactly, if any."""
    header = csv_header(path)
    if header is None:
        return None
    try:
        spec = identify(list(header.columns))
    except FileProblem:
        return None  # the usual path reports header problems, with the whole file in view
    return spec if spec.bulk_check_and_reduce is not None else None

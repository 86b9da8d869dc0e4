"""Reading a CSV file as the person who saved it meant it.

Excel and the systems trusts export from write CSV in several ways: UTF-8 with or without a byte
order mark, Windows-1252 (older Excel; sometimes with a UTF-8 mark in front all the same),
UTF-16 ("Unicode text", tab-separated); commas, semicolons (European settings) or tabs between
values; a title line or blank lines above the header. The text is decoded and the separator and
header line chosen so that the header names a return's columns; every cell stays text.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from pipeline.spreadsheet.header import SEARCHED_ROWS, find_header, header_score
from pipeline.validation.problems import file_problem

SEPARATORS = (",", ";", "\t", "|")
_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


@dataclass
class CsvText:
    """A CSV file decoded: its text and the encoding it was read with."""

    text: str
    encoding: str  # "utf-8", "utf-16" or "cp1252"


def decode(content: bytes) -> CsvText:
    """Text from bytes: a byte order mark decides; else UTF-8 if it is valid; else Windows-1252.

    A UTF-8 mark followed by Windows-1252 bytes (some tools add the mark whatever the encoding)
    is read as Windows-1252 without the mark. Bytes Windows-1252 leaves undefined become U+FFFD
    rather than stopping the read: the cell holding one is then reported, not the file.
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return CsvText(content.decode("utf-16", errors="replace"), "utf-16")
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    try:
        return CsvText(content.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return CsvText(content.decode("cp1252", errors="replace"), "cp1252")


def separator_and_header(text: str) -> tuple[str, int]:
    """The separator, and the 0-based line of the header, that make the best header.

    Among the first lines, each separator is tried; the one whose header names the most columns
    of a return wins. If none names any, the separator most used on the first line.
    """
    lines = text.splitlines()[:SEARCHED_ROWS]
    best = None
    for separator in SEPARATORS:
        try:
            rows = list(csv.reader(lines, delimiter=separator))
        except csv.Error:
            continue  # a NUL or a stray line end: not the header's separator, or not a header
        index = find_header(rows)
        score = header_score(rows[index]) if rows else 0
        if score and (best is None or score > best[0]):
            best = (score, separator, index)
    if best is not None:
        return best[1], best[2]
    first = lines[0] if lines else ""
    return max(SEPARATORS, key=first.count), find_header([[line] for line in lines])


def read_csv_frame(text: str, separator: str, header_line: int) -> pd.DataFrame:
    """Every row from the header line on, as text, header included (row 0); blank lines kept as
    blank rows so that row numbers stay line numbers."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            skiprows=header_line,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
        )
    except pd.errors.EmptyDataError as exc:
        raise file_problem(
            "The CSV file has no header row", "The first line must be the template's column names."
        ) from exc
    except pd.errors.ParserError as exc:
        raise file_problem(*_parser_message(str(exc), header_line)) from exc


def _parser_message(message: str, header_line: int) -> tuple[str, str]:
    fields = _FIELDS.search(message)
    if fields:
        expected, line, saw = fields.groups()
        return (
            f"Line {line} has {saw} values but the header has {expected}",
            "Check that line: a value holding the separator must be in double quotes, "
            "and every line needs the same number of separators as the header.",
        )
    quote = _OPEN_QUOTE.search(message)
    if quote:
        line = int(quote.group(1)) + header_line + 1
        return (
            f'A double quote (") opened on line {line} is never closed',
            "Close the quote or remove it, save, and send the file again.",
        )
    return (
        f"The CSV file could not be read: {message.strip()}",
        "Check every line has the same number of separators as the header.",
    )

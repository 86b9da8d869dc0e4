"""Cell text to typed values, by the column's kind (declared in ``schemas.fields``).

Readers hand over every cell as text (or missing), so that what a person typed is what the report
shows. Each kind is parsed vectorised over the column; a cell that does not parse becomes missing
and yields one :class:`Problem` naming the rule. Range and cross-column rules are pandera's job.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pandera.pandas as pandera
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.validation.problems import Problem
from schemas.fields import TIME_ONLY_DATE

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.0+)?$")
_SUPPRESSION_MARKERS = {"*", "-", "~", "..", "c", "x"}
#: No count in a return comes near this; past it a number cannot be held exactly (and past
#: 2**63 it would wrap round when stored), so it is refused rather than silently changed.
_LARGEST_COUNT = 10**15


def kind_of(schema: pandera.DataFrameSchema, column: str) -> str:
    return (schema.columns[column].metadata or {}).get("kind", "text")


def parse_frame(
    raw: pd.DataFrame, schema: pandera.DataFrameSchema
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every schema column of ``raw`` (text) into its kind's type."""
    typed = {}
    problems: list[Problem] = []
    for column in raw.columns:
        text = _clean_text(raw[column])
        if column not in schema.columns:
            typed[column] = text
            continue
        parser = _PARSERS[kind_of(schema, column)]
        values, bad = parser(text)
        typed[column] = values
        # Index labels are data-row positions in the file (blank rows dropped keep theirs).
        kind = kind_of(schema, column)
        for label, value in text[bad.to_numpy(dtype=bool)].items():
            problems.append(_cell_problem(kind, column, int(label), str(value)))
    return pd.DataFrame(typed, index=raw.index), problems


def _clean_text(column: pd.Series) -> pd.Series:
    text = column.astype("string").str.strip()
    return text.mask(text == "")


def _parse_code(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    return text.str.upper(), pd.Series(False, index=text.index)


def _parse_text(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    return text, pd.Series(False, index=text.index)


def _parse_count(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    plain = _plain_counts(text)
    if plain is not None:
        return plain, pd.Series(False, index=text.index, dtype="boolean")
    # "1,234" is unambiguous as a thousands separator; anything else with a comma is not.
    unseparated = text.where(
        ~text.str.match(_THOUSANDS).fillna(False), text.str.replace(",", "", regex=False)
    )
    numbers = pd.to_numeric(unseparated, errors="coerce")
    # Compared as floats: the absolute value of the smallest 64-bit integer wraps round.
    size = numbers.astype("float64").abs()
    whole = numbers.notna() & (numbers == np.floor(numbers)) & (size < _LARGEST_COUNT)
    bad = text.notna() & ~whole
    return numbers.where(whole).astype("Int64"), bad


def _plain_counts(text: pd.Series) -> pd.Series | None:
    """The usual count column, digits only, parsed in one step; ``None`` if any cell is not
    (Arrow's cast refuses anything but an optional sign and digits), for the full parse to
    say which."""
    try:
        cells = pa.array(text, type=pa.string(), from_pandas=True)
        if pc.all(pc.match_substring_regex(cells, r"^-?[0-9]+$")).as_py() is False:
            return None  # Arrow's cast would also take "0x1F" and "+5": left to the full parse
        values = pc.cast(cells, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return None
    extremes = pc.min_max(values)
    if any(
        v is not None and abs(v) >= _LARGEST_COUNT
        for v in (extremes["min"].as_py(), extremes["max"].as_py())
    ):
        return None
    # By position: the index has gaps where blank rows were dropped.
    counts = values.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    return pd.Series(counts.array, index=text.index, name=text.name)


def _parse_date(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    remaining = text.notna()
    # Workbook dates arrive as "2023-10-01 00:00:00"; people type ISO or UK day-first dates.
    for pattern, fmt in [
        (r"^\d{4}-\d{2}-\d{2}( 00:00:00)?$", "%Y-%m-%d"),
        (r"^\d{1,2}/\d{1,2}/\d{4}$", "%d/%m/%Y"),
        (r"^\d{1,2}-\d{1,2}-\d{4}$", "%d-%m-%Y"),
        (r"^\d{1,2} [A-Za-z]{3} \d{4}$", "%d %b %Y"),
        (r"^\d{1,2}-[A-Za-z]{3}-\d{4}$", "%d-%b-%Y"),  # Excel's dd-mmm-yyyy, as exported
        (r"^\d{1,2} [A-Za-z]{4,9} \d{4}$", "%d %B %Y"),  # 1 October 2023
    ]:
        if not remaining.any():
            break  # the usual column: every cell in the first form
        match = remaining & text.str.match(pattern).fillna(False)
        if match.any():
            parsed = pd.to_datetime(
                text[match].str.slice(0, 10) if fmt == "%Y-%m-%d" else text[match],
                format=fmt,
                errors="coerce",
            )
            result[match] = parsed.astype("datetime64[s]")
            remaining &= ~match
    serial = (
        remaining & text.str.match(r"^\d{5}(\.0+)?$").fillna(False)
        if remaining.any()
        else remaining
    )
    if serial.any():
        days = pd.to_numeric(text[serial]).astype("int64")
        result[serial] = (_EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).astype("datetime64[s]")
        remaining &= ~serial
    bad = (text.notna() & result.isna()) | remaining
    return result, bad


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cell text (stripped, blank as missing) to dates in every form a date column accepts,
    and which cells are not dates."""
    return _parse_date(text)


def _parse_period(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    # A spreadsheet program turns "2023-10" typed into a cell into a date: take its month.
    as_date = text.str.match(r"^\d{4}-\d{2}-01( 00:00:00)?$").fillna(False)
    period = text.where(~as_date, text.str.slice(0, 7))
    bad = period.notna() & ~period.str.match(r"^\d{4}-(0[1-9]|1[0-2])$").fillna(False)
    return period.mask(bad), bad


def _parse_week(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    # A weekly return's period is its snapshot date, kept as YYYY-MM-DD text like a month period;
    # it is read as any date is, since a spreadsheet turns a typed date into a date cell.
    days, bad = _parse_date(text)
    return days.dt.strftime("%Y-%m-%d").astype("string").mask(bad), bad


_TIME_FORMS = [
    # (pattern, format, time of day only). Workbooks hand over a time cell as a time on
    # Excel's day zero, which calamine writes as 1899-12-31.
    (r"^\d{1,2}:\d{2}$", "%H:%M", True),
    (r"^\d{1,2}:\d{2}:\d{2}$", "%H:%M:%S", True),
    (r"^1899-12-3[01] \d{2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S", True),
    (r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}$", "%Y-%m-%d %H:%M", False),
    (r"^\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}$", "%Y-%m-%d %H:%M:%S", False),
    (r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}$", "%d/%m/%Y %H:%M", False),
    (r"^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2}$", "%d/%m/%Y %H:%M:%S", False),
]


def _parse_time(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A time of day, kept on ``TIME_ONLY_DATE``, or a full date and time as given."""
    text = text.str.replace("T", " ", regex=False)
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[s]")
    remaining = text.notna()
    for pattern, fmt, time_only in _TIME_FORMS:
        if not remaining.any():
            break
        match = remaining & text.str.match(pattern).fillna(False)
        if not match.any():
            continue
        parsed = pd.to_datetime(text[match], format=fmt, errors="coerce").astype("datetime64[s]")
        if time_only:
            parsed = parsed - parsed.dt.normalize() + pd.Timestamp(TIME_ONLY_DATE)
        result[match] = parsed
        remaining &= ~match
    bad = (text.notna() & result.isna()) | remaining
    return result, bad


_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS_DECIMAL = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def _parse_decimal(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    plain = text.str.match(_DECIMAL).fillna(False)
    if plain.sum() == text.notna().sum():  # the usual case: plain numbers, nothing to clean
        return pd.to_numeric(text, errors="coerce").astype("Float64"), ~plain & text.notna()
    # Finance exports carry accounting formats: "£1,250.5", "(250)" for -250, "-" for zero.
    cleaned = text.str.replace("£", "", regex=False).str.strip()
    bracketed = cleaned.str.match(r"^\(.*\)$").fillna(False)
    cleaned = cleaned.where(~bracketed, "-" + cleaned.str.slice(1, -1).str.strip())
    cleaned = cleaned.mask((cleaned == "-").fillna(False), "0")
    separated = cleaned.str.match(_THOUSANDS_DECIMAL).fillna(False)
    cleaned = cleaned.where(~separated, cleaned.str.replace(",", "", regex=False))
    ok = cleaned.str.match(_DECIMAL).fillna(False)
    numbers = pd.to_numeric(cleaned.where(ok), errors="coerce").astype("Float64")
    return numbers, text.notna() & ~ok


def _parse_financial_year(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    # 2023-24, 2023/24 and 2023-2024 all mean April 2023 to March 2024; kept as 2023-24.
    parts = text.str.extract(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})$")
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1].str.slice(-2), errors="coerce")
    ok = first.notna() & ((first + 1) % 100 == second)
    years = first.astype("Int64").astype("string") + "-" + parts[1].str.slice(-2)
    return years.where(ok), text.notna() & ~ok


_PARSERS = {
    "code": _parse_code,
    "text": _parse_text,
    "count": _parse_count,
    "date": _parse_date,
    "period": _parse_period,
    "week": _parse_week,
    "time": _parse_time,
    "money": _parse_decimal,
    "number": _parse_decimal,
    "financial_year": _parse_financial_year,
}

_KIND_RULES = {
    "count": ("must be a whole number", "Type the count as digits only, e.g. 152."),
    "date": ("must be a date", "Use a date cell, or type it as YYYY-MM-DD or DD/MM/YYYY."),
    "period": ("must be a month written YYYY-MM", "For October 2023 type 2023-10."),
    "week": (
        "must be a date, the Sunday that ends the week",
        "Type it as YYYY-MM-DD, e.g. 2023-10-29.",
    ),
    "time": (
        "must be a time written HH:MM, or a date and time",
        "Use the 24-hour clock, e.g. 08:30 or 17:45, or YYYY-MM-DD HH:MM.",
    ),
    "money": (
        "must be an amount in £ thousands",
        "Type the number only, with a minus sign for a deficit, e.g. -1250.5.",
    ),
    "number": ("must be a number", "Type digits only, e.g. 76 or 1250.5."),
    "financial_year": (
        "must be a financial year written YYYY-YY",
        "For April 2023 to March 2024 type 2023-24.",
    ),
}


def _cell_problem(kind: str, column: str, index: int, value: str) -> Problem:
    rule, hint = _KIND_RULES.get(kind, ("could not be read", ""))
    if kind == "count" and value.strip() in _SUPPRESSION_MARKERS:
        rule = "must be a whole number, not a suppression marker"
        hint = "Send the real count: returns are not published, so nothing is suppressed in them."
    elif kind == "count" and abs(_as_float(value)) >= _LARGEST_COUNT:
        rule = "is far too large for a count"
        hint = "Check the cell: a count here has at most a few thousand per row."
    return Problem(rule=rule, column=column, row=index, value=value, hint=hint)


def _as_float(value: str) -> float:
    try:
        return float(value.replace(",", ""))
    except ValueError:
        return 0.0

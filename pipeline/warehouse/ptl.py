"""Reading, checking and counting a patient-level PTL CSV inside DuckDB.

A trust's PTL is 20,000 to 150,000 rows; England's is about 7.6 million. pandas would hold the
whole file as Python strings (several GB), so the file is read by DuckDB into an in-memory
database of its own (spilling to a temporary folder past ``MEMORY_LIMIT``), every check is an
SQL condition counted in one pass, and only the first few offending rows of each failing check
come back to Python, by row number, so a problem still names its line. A valid file is reduced
to counts by clock start date with one GROUP BY; the pathway rows never leave this module, and
this database is thrown away when the scan ends.

Rows are numbered by DuckDB's ``rowid``: the order of the file, since insertion order is kept.
DuckDB skips empty lines, so callers map row numbers back to data rows (see
``pipeline.validation.ptl``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from schemas.rtt import PATHWAY_ID_PATTERN, PATHWAY_TYPES, PRIORITIES

#: DuckDB's own memory ceiling for the scan; past it, it spills to disk rather than failing.
MEMORY_LIMIT = "1500MB"

#: The NHS number test of ``pipeline.validation.identifiers`` in RE2, which has no look-arounds,
#: so the characters either side are matched (and stripped before the check digit is tested).
_NHS_CANDIDATE = r"(^|[^0-9A-Za-z])[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}([^0-9A-Za-z]|$)"

_MACROS = [
    # The date forms pipeline.validation.parse accepts, for cells that arrive as text.
    r"""CREATE MACRO day_of(t) AS CAST(CASE
        WHEN regexp_full_match(t, '\d{4}-\d{2}-\d{2}( 00:00:00)?')
            THEN try_strptime(left(t, 10), '%Y-%m-%d')
        WHEN regexp_full_match(t, '\d{1,2}/\d{1,2}/\d{4}') THEN try_strptime(t, '%d/%m/%Y')
        WHEN regexp_full_match(t, '\d{1,2}-\d{1,2}-\d{4}') THEN try_strptime(t, '%d-%m-%Y')
        WHEN regexp_full_match(t, '\d{1,2} [A-Za-z]{3} \d{4}') THEN try_strptime(t, '%d %b %Y')
        WHEN regexp_full_match(t, '\d{5}(\.0+)?')
            THEN DATE '1899-12-30' + CAST(CAST(t AS DOUBLE) AS INTEGER)
        END AS DATE)""",
    # Modulus 11 over ten digits: weights 10..2 on the first nine; 11 counts as 0, 10 never
    # passes (the % 11 below turns 11 into 0 and leaves 10, which no digit equals).
    """CREATE MACRO mod11_ok(d) AS length(d) = 10 AND (11 - (
        CAST(d[1] AS INTEGER) * 10 + CAST(d[2] AS INTEGER) * 9 + CAST(d[3] AS INTEGER) * 8
        + CAST(d[4] AS INTEGER) * 7 + CAST(d[5] AS INTEGER) * 6 + CAST(d[6] AS INTEGER) * 5
        + CAST(d[7] AS INTEGER) * 4 + CAST(d[8] AS INTEGER) * 3 + CAST(d[9] AS INTEGER) * 2
        ) % 11) % 11 = CAST(d[10] AS INTEGER)""",
    # Only cells with a run that could be one are looked at closely (most are dates or codes).
    f"""CREATE MACRO has_nhs_number(t) AS coalesce(
        regexp_matches(t, '[0-9]{{3}}[ -]?[0-9]{{3}}[ -]?[0-9]{{4}}')
        AND list_bool_or(list_transform(regexp_extract_all(t, '{_NHS_CANDIDATE}', 0),
            lambda m: mod11_ok(regexp_replace(m, '[^0-9]', '', 'g')))), false)""",
]

#: Each column's cleaning as read: trimmed, blank as NULL, codes in upper case (as the parser).
_CODE_COLUMNS = {"org_code", "treatment_function_code", "pathway_type", "priority"}

#: (check, column, SQL condition true where the row is wrong), over the view ``data``.
CHECKS: list[tuple[str, str, str]] = [
    ("blank", "org_code", "org_code IS NULL"),
    ("form", "org_code", "NOT regexp_full_match(org_code, '[A-Z0-9]{3,5}')"),
    ("blank", "period", "period IS NULL"),
    ("not_a_date", "period", "snapshot IS NULL AND period IS NOT NULL"),
    ("blank", "pathway_id", "pathway_id IS NULL"),
    ("form", "pathway_id", "NOT regexp_full_match(pathway_id, $id_pattern)"),
    ("blank", "clock_start_date", "clock_start_date IS NULL"),
    ("not_a_date", "clock_start_date", "clock_start IS NULL AND clock_start_date IS NOT NULL"),
    ("after_snapshot", "clock_start_date", "clock_start > snapshot"),
    ("blank", "treatment_function_code", "treatment_function_code IS NULL"),
    ("unknown", "treatment_function_code", "NOT list_contains($tfcs, treatment_function_code)"),
    ("blank", "pathway_type", "pathway_type IS NULL"),
    ("unknown", "pathway_type", "NOT list_contains($types, pathway_type)"),
    ("unknown", "priority", "NOT list_contains($priorities, priority)"),
]


class CsvReadError(Exception):
    """The CSV could not be read as a table; ``line`` is the file line DuckDB stopped at."""

    def __init__(self, reason: str, line: int | None = None):
        self.reason, self.line = reason, line
        super().__init__(reason if line is None else f"{reason} (line {line})")


@dataclass
class Failure:
    """A check some rows fail: how many, and the first few as (row number, cell text)."""

    check: str
    column: str
    count: int
    examples: list[tuple[int, str | None]]


@dataclass
class PtlScan:
    """What the scan found. Row numbers count data rows as DuckDB read them, from 0."""

    rows: int
    failures: list[Failure] = field(default_factory=list)
    #: org_code, period (as YYYY-MM-DD, or missing if not a date) and the first row of each pair
    periods: pd.DataFrame | None = None
    duplicate_ids: list[tuple[int, int, str]] = field(default_factory=list)  # row, first, id
    duplicate_count: int = 0
    #: one row per org, period, clock start date, TFC, pathway type and priority: pathways
    counts: pd.DataFrame | None = None


def scan_ptl(path: Path, *, columns: Sequence[str], separator: str, encoding: str,
             tfc_codes: Sequence[str], examples: int = 100) -> PtlScan:
    """Read ``path`` (a CSV with exactly the PTL columns, in file order) and check every row.

    Counts are computed only when no check fails. Raises :class:`CsvReadError` for a file that
    is not a well-formed table (a line with too many separators, say).
    """
    for name in columns:  # the names are pasted into SQL: they must be plain identifiers
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"unexpected column name {name!r}")
    with tempfile.TemporaryDirectory(prefix="ptl-") as spill:
        conn = duckdb.connect(":memory:", config={
            "memory_limit": MEMORY_LIMIT, "temp_directory": spill,
            "preserve_insertion_order": True,
        })
        try:
            for macro in _MACROS:
                conn.execute(macro)
            _read(conn, path, columns, separator, encoding)
            return _check_and_count(conn, columns, tfc_codes, examples)
        finally:
            conn.close()


def _read(conn: duckdb.DuckDBPyConnection, path: Path, columns: Sequence[str], separator: str,
          encoding: str) -> None:
    types = ", ".join(f"'{name}': 'VARCHAR'" for name in columns)
    cleaned = ", ".join(
        (f"upper(nullif(trim({n}, ' \t\r\n'), '')) AS {n}" if n in _CODE_COLUMNS
         else f"nullif(trim({n}, ' \t\r\n'), '') AS {n}") for n in columns)
    blank = " AND ".join(f"{n} IS NULL" for n in columns)
    read = (f"SELECT {cleaned} FROM read_csv($path, header = true, columns = {{{types}}}, "
            "delim = $delim, quote = '\"', escape = '\"', auto_detect = false, "
            "encoding = $encoding)")
    # cp1252 is read as latin-1, its near twin (they differ only in rarely used 0x80-0x9F).
    params = {"path": str(path), "delim": separator,
              "encoding": "utf-8" if encoding == "utf-8" else "latin-1"}
    try:
        conn.execute(f"CREATE TABLE cells AS {read}", params)
    except duckdb.InvalidInputException as error:
        if "unicode" in str(error).lower() and encoding == "utf-8":
            return _read(conn, path, columns, separator, "cp1252")
        raise _read_error(error) from None
    except duckdb.Error as error:
        raise _read_error(error) from None
    # Parsed dates beside the text; rows with every cell blank are spacing, as in the reader.
    conn.execute(f"""CREATE VIEW data AS
        SELECT rowid AS row_number, *, day_of(period) AS snapshot,
               day_of(clock_start_date) AS clock_start
        FROM cells WHERE NOT ({blank})""")


def _read_error(error: duckdb.Error) -> CsvReadError:
    # DuckDB's message quotes the offending line, which may hold anything: keep only its number.
    text = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    if "Expected Number of Columns" in text:
        reason = "a line has a different number of fields from the header"
    elif "unicode" in text.lower():
        reason = "the file's text encoding is not UTF-8 or Windows-1252"
    elif "quote" in text.lower():
        reason = "a quoted value is not closed"
    else:
        reason = "it is not a well-formed CSV table"
    return CsvReadError(reason, int(line.group(1)) if line else None)


def _conditions(columns: Sequence[str]) -> list[tuple[str, str, str]]:
    present = set(columns)
    checks = [c for c in CHECKS if c[1] in present]
    return checks + [("nhs_number", n, f"has_nhs_number({n})") for n in columns]


def _check_and_count(conn: duckdb.DuckDBPyConnection, columns: Sequence[str],
                     tfc_codes: Sequence[str], examples: int) -> PtlScan:
    checks = _conditions(columns)
    params = {"id_pattern": PATHWAY_ID_PATTERN, "tfcs": list(tfc_codes),
              "types": list(PATHWAY_TYPES), "priorities": list(PRIORITIES)}
    # One pass over the rows counts every check (a NULL condition is a pass: blanks are
    # reported once, by their own check).
    counted = ", ".join(f"count(*) FILTER (WHERE coalesce({cond}, false))"
                        for _, _, cond in checks)
    totals = conn.execute(f"SELECT count(*), {counted} FROM data", _used(params, checks)
                          ).fetchall()[0]
    scan = PtlScan(rows=totals[0])
    for (check, column, cond), count in zip(checks, totals[1:], strict=True):
        if count:
            found = conn.execute(
                f"SELECT row_number, {column} FROM data WHERE coalesce({cond}, false) "
                "ORDER BY row_number LIMIT $limit",
                {**_used(params, [(check, column, cond)]), "limit": examples}).fetchall()
            scan.failures.append(Failure(check, column, count, [(r, v) for r, v in found]))
    _duplicates(conn, scan, examples)
    scan.periods = conn.execute(
        "SELECT org_code, strftime(snapshot, '%Y-%m-%d') AS period, "
        "min(row_number) AS first_row FROM data GROUP BY ALL ORDER BY first_row").df()
    if not scan.failures and not scan.duplicate_count and scan.rows:
        scan.counts = conn.execute("""
            SELECT org_code, strftime(snapshot, '%Y-%m-%d') AS period,
                   clock_start AS clock_start_date, treatment_function_code,
                   lower(pathway_type) AS pathway_type, priority,
                   CAST(count(*) AS BIGINT) AS pathways
            FROM data GROUP BY ALL ORDER BY ALL""").df()
    return scan


def _used(params: dict, checks: list[tuple[str, str, str]]) -> dict:
    # DuckDB refuses named parameters a statement does not use.
    text = " ".join(cond for _, _, cond in checks)
    return {k: v for k, v in params.items() if f"${k}" in text}


def _duplicates(conn: duckdb.DuckDBPyConnection, scan: PtlScan, examples: int) -> None:
    """Repeated pathway ids: every repeat after the first, with the row it repeats."""
    scan.duplicate_count = conn.execute("""
        SELECT coalesce(sum(n - 1), 0) FROM (
            SELECT count(*) AS n FROM data WHERE pathway_id IS NOT NULL
            GROUP BY pathway_id HAVING count(*) > 1)""").fetchall()[0][0]
    if not scan.duplicate_count:
        return
    scan.duplicate_ids = [tuple(r) for r in conn.execute("""
        WITH repeated AS (
            SELECT pathway_id FROM data WHERE pathway_id IS NOT NULL
            GROUP BY pathway_id HAVING count(*) > 1),
        numbered AS (
            SELECT row_number, pathway_id,
                   min(row_number) OVER (PARTITION BY pathway_id) AS first_row
            FROM data SEMI JOIN repeated USING (pathway_id))
        SELECT row_number, first_row, pathway_id FROM numbered
        WHERE row_number > first_row ORDER BY row_number LIMIT $limit""",
        {"limit": examples}).fetchall()]

"""Reading, checking and counting a patient-level PTL CSV inside DuckDB.

A trust's PTL is 20,000 to 150,000 rows; England's is about 7.6 million. pandas would hold the
whole file as Python strings (several GB), so the file is read by DuckDB, as text, into an
in-memory database of its own (spilling to a temporary folder past ``MEMORY_LIMIT``), and
checked there:

- every column but the pathway id takes few distinct values (one org, one period, a few
  thousand clock start dates, 23 TFCs, two types, five priorities), so the rows are first
  grouped by those columns (``profile``: how many rows, and the first) and every check on them
  runs once per combination, not once per row;
- the pathway id is checked row by row in one pass (form, blank, NHS number), and for repeats;
- only the first few offending rows of a failing check come back to Python, by row number, so a
  problem still names its line.

A valid file's counts by clock start date are the cleaned ``profile`` summed; the pathway rows
never leave this module, and this database is thrown away when the scan ends.

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
        WHEN regexp_full_match(t, '\d{1,2}-[A-Za-z]{3}-\d{4}') THEN try_strptime(t, '%d-%b-%Y')
        WHEN regexp_full_match(t, '\d{1,2} [A-Za-z]{4,9} \d{4}') THEN try_strptime(t, '%d %B %Y')
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
    # Only cells with a run that could be one are looked at closely (most are dates or codes);
    # CASE, unlike AND, leaves the costly branch unevaluated for the rest.
    f"""CREATE MACRO has_nhs_number(t) AS CASE
        WHEN length(t) < 10 THEN false
        WHEN regexp_matches(t, '[0-9]{{3}}[ -]?[0-9]{{3}}[ -]?[0-9]{{4}}') THEN coalesce(
            list_bool_or(list_transform(regexp_extract_all(t, '{_NHS_CANDIDATE}', 0),
                lambda m: mod11_ok(regexp_replace(m, '[^0-9]', '', 'g')))), false)
        ELSE false END""",
]

#: A clock start this many years before the snapshot is taken for a date of birth.
BIRTH_DATE_YEARS = 10

#: The one column with a value per pathway; every other column takes few values (one org, one
#: period, a few thousand dates, 23 TFCs...), so those are checked once per distinct combination.
ID = "pathway_id"
#: Codes are compared in upper case, as the parser reads them.
_CODE_COLUMNS = ("org_code", "treatment_function_code", "pathway_type", "priority")

#: (check, column, columns it depends on, SQL condition true where wrong) over ``profile``, whose
#: cleaned values are ``c_<column>`` (trimmed, blank as NULL, codes upper-cased) and parsed
#: dates ``snapshot`` and ``clock_start``. A NULL condition is a pass: blanks are reported once.
CHECKS: list[tuple[str, str, tuple[str, ...], str]] = [
    ("blank", "org_code", (), "c_org_code IS NULL"),
    ("form", "org_code", (), "NOT regexp_full_match(c_org_code, '[A-Z0-9]{3,5}')"),
    ("blank", "period", (), "c_period IS NULL"),
    ("not_a_date", "period", (), "snapshot IS NULL AND c_period IS NOT NULL"),
    ("blank", "clock_start_date", (), "c_clock_start_date IS NULL"),
    (
        "not_a_date",
        "clock_start_date",
        (),
        "clock_start IS NULL AND c_clock_start_date IS NOT NULL",
    ),
    ("after_snapshot", "clock_start_date", ("period",), "clock_start > snapshot"),
    # No clock has run for 10 years: such a date is more likely a date of birth (refused, and
    # never shown; see ``pipeline.validation.personal``).
    (
        "birth_date",
        "clock_start_date",
        ("period",),
        f"clock_start < snapshot - INTERVAL {BIRTH_DATE_YEARS} YEAR",
    ),
    ("blank", "treatment_function_code", (), "c_treatment_function_code IS NULL"),
    (
        "unknown",
        "treatment_function_code",
        (),
        "NOT list_contains($tfcs, c_treatment_function_code)",
    ),
    ("blank", "pathway_type", (), "c_pathway_type IS NULL"),
    ("unknown", "pathway_type", (), "NOT list_contains($types, c_pathway_type)"),
    ("unknown", "priority", (), "NOT list_contains($priorities, c_priority)"),
]
#: The same for the pathway id, row by row, over ``ids`` (``id_ok``: in the expected form).
#: CASE rather than AND/OR, so that the costly part runs only on the rows that need it.
ID_CHECKS: list[tuple[str, str]] = [
    (
        "blank",
        "CASE WHEN pathway_id IS NULL THEN true WHEN id_ok THEN false "
        "ELSE trim(pathway_id) = '' END",
    ),
    ("form", "CASE WHEN pathway_id IS NULL OR id_ok THEN false ELSE trim(pathway_id) <> '' END"),
    ("nhs_number", "has_nhs_number(pathway_id)"),
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


def scan_ptl(
    path: Path,
    *,
    columns: Sequence[str],
    separator: str,
    encoding: str,
    tfc_codes: Sequence[str],
    examples: int = 100,
) -> PtlScan:
    """Read ``path`` (a CSV with exactly the PTL columns, in file order) and check every row.

    Counts are computed only when no check fails. Raises :class:`CsvReadError` for a file that
    is not a well-formed table (a line with too many separators, say).
    """
    for name in columns:  # the names are pasted into SQL: they must be plain identifiers
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"unexpected column name {name!r}")
    with tempfile.TemporaryDirectory(prefix="ptl-") as spill:
        conn = duckdb.connect(
            ":memory:",
            config={
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": spill,
                "preserve_insertion_order": True,
            },
        )
        try:
            for macro in _MACROS:
                conn.execute(macro)
            _read(conn, path, columns, separator, encoding)
            return _check_and_count(conn, columns, tfc_codes, examples)
        finally:
            conn.close()


def _read(
    conn: duckdb.DuckDBPyConnection,
    path: Path,
    columns: Sequence[str],
    separator: str,
    encoding: str,
) -> None:
    types = ", ".join(f"'{name}': 'VARCHAR'" for name in columns)
    read = (
        f"SELECT * FROM read_csv($path, header = true, columns = {{{types}}}, "
        "delim = $delim, quote = '\"', escape = '\"', auto_detect = false, "
        "encoding = $encoding)"
    )
    # cp1252 is read as latin-1, its near twin (they differ only in rarely used 0x80-0x9F).
    params = {
        "path": str(path),
        "delim": separator,
        "encoding": "utf-8" if encoding == "utf-8" else "latin-1",
    }
    try:
        # Cells as they are: cleaning 7.6 million rows costs more than reading them, so values
        # are cleaned per distinct combination instead (``profile``).
        conn.execute(f"CREATE TABLE cells AS {read}", params)
    except duckdb.InvalidInputException as error:
        if "unicode" in str(error).lower() and encoding == "utf-8":
            return _read(conn, path, columns, separator, "cp1252")
        raise _read_error(error) from None
    except duckdb.Error as error:
        raise _read_error(error) from None
    blank = " AND ".join(f"{n} IS NULL" for n in columns)
    # Rows with every cell empty are spacing, as in the usual reader.
    conn.execute(
        f"CREATE VIEW data AS SELECT rowid AS row_number, * FROM cells WHERE NOT ({blank})"
    )
    keys = ", ".join(n for n in columns if n != ID)
    cleaned = ", ".join(
        (
            f"upper(nullif(trim({n}), '')) AS c_{n}"
            if n in _CODE_COLUMNS
            else f"nullif(trim({n}), '') AS c_{n}"
        )
        for n in columns
        if n != ID
    )
    conn.execute(f"""CREATE TABLE profile AS
        SELECT *, day_of(c_period) AS snapshot, day_of(c_clock_start_date) AS clock_start
        FROM (SELECT *, {cleaned} FROM (
            SELECT {keys}, count(*) AS n, min(row_number) AS first_row
            FROM data GROUP BY ALL))""")


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


def _check_and_count(
    conn: duckdb.DuckDBPyConnection, columns: Sequence[str], tfc_codes: Sequence[str], examples: int
) -> PtlScan:
    keys = [n for n in columns if n != ID]
    checks = CHECKS + [("nhs_number", n, (), f"has_nhs_number({n})") for n in keys]
    params = {"tfcs": list(tfc_codes), "types": list(PATHWAY_TYPES), "priorities": list(PRIORITIES)}
    counted = ", ".join(f"sum(n) FILTER (WHERE coalesce({cond}, false))" for *_, cond in checks)
    totals = conn.execute(f"SELECT sum(n), {counted} FROM profile", params).fetchall()[0]
    scan = PtlScan(rows=int(totals[0] or 0))
    for (check, column, depends, cond), count in zip(checks, totals[1:], strict=True):
        if count:
            scan.failures.append(
                Failure(
                    check,
                    column,
                    int(count),
                    _examples(conn, column, (column, *depends), cond, params, examples),
                )
            )
    scan.failures += _id_failures(conn, examples)
    _duplicates(conn, scan, examples)
    scan.periods = conn.execute(
        "SELECT c_org_code AS org_code, strftime(snapshot, '%Y-%m-%d') AS period, "
        "min(first_row) AS first_row FROM profile GROUP BY ALL ORDER BY first_row"
    ).df()
    if not scan.failures and not scan.duplicate_count and scan.rows:
        scan.counts = conn.execute("""
            SELECT c_org_code AS org_code, strftime(snapshot, '%Y-%m-%d') AS period,
                   clock_start AS clock_start_date,
                   c_treatment_function_code AS treatment_function_code,
                   lower(c_pathway_type) AS pathway_type, c_priority AS priority,
                   CAST(sum(n) AS BIGINT) AS pathways
            FROM profile GROUP BY ALL ORDER BY ALL""").df()
    return scan


def _examples(
    conn: duckdb.DuckDBPyConnection,
    column: str,
    depends: Sequence[str],
    cond: str,
    params: dict,
    limit: int,
) -> list[tuple[int, str | None]]:
    """The first rows failing a check on ``profile``: rows whose values match a failing
    combination in the columns the check reads."""
    on = " AND ".join(f"d.{c} IS NOT DISTINCT FROM b.{c}" for c in depends)
    names = ", ".join(depends)
    used = {k: v for k, v in params.items() if f"${k}" in cond}  # DuckDB refuses unused ones
    rows = conn.execute(
        f"""
        SELECT d.row_number, d.{column} FROM data AS d
        SEMI JOIN (SELECT DISTINCT {names} FROM profile WHERE coalesce({cond}, false)) AS b
            ON {on}
        ORDER BY d.row_number LIMIT $limit""",
        {**used, "limit": limit},
    ).fetchall()
    return [(r, v) for r, v in rows]


def _id_failures(conn: duckdb.DuckDBPyConnection, examples: int) -> list[Failure]:
    """The pathway id's checks, row by row: one pass counts them all."""
    # The id's pattern, allowing the spaces a cell may carry around it.
    conn.execute(f"""CREATE VIEW ids AS SELECT row_number, pathway_id,
        coalesce(regexp_full_match(pathway_id, ' *(?:{PATHWAY_ID_PATTERN[1:-1]}) *'), false)
            AS id_ok
        FROM data""")
    counted = ", ".join(f"count(*) FILTER (WHERE coalesce({cond}, false))" for _, cond in ID_CHECKS)
    totals = conn.execute(f"SELECT {counted} FROM ids").fetchall()[0]
    failures = []
    for (check, cond), count in zip(ID_CHECKS, totals, strict=True):
        if count:
            found = conn.execute(
                f"SELECT row_number, pathway_id FROM ids WHERE "
                f"coalesce({cond}, false) ORDER BY row_number LIMIT $limit",
                {"limit": examples},
            ).fetchall()
            failures.append(Failure(check, ID, count, [(r, v) for r, v in found]))
    return failures


def _duplicates(conn: duckdb.DuckDBPyConnection, scan: PtlScan, examples: int) -> None:
    """Repeated pathway ids: every repeat after the first, with the row it repeats."""
    # A quick screen on 64-bit hashes (equal ids always hash alike; a collision between
    # different ids only costs the exact count below, which then finds nothing).
    screen = conn.execute(
        "SELECT count(pathway_id) - count(DISTINCT hash(pathway_id)) FROM data"
    ).fetchall()[0][0]
    if not screen:
        return
    scan.duplicate_count = conn.execute("""
        SELECT coalesce(sum(n - 1), 0) FROM (
            SELECT count(*) AS n FROM data WHERE pathway_id IS NOT NULL
            GROUP BY pathway_id HAVING count(*) > 1)""").fetchall()[0][0]
    if not scan.duplicate_count:
        return
    scan.duplicate_ids = [
        tuple(r)
        for r in conn.execute(
            """
        WITH repeated AS (
            SELECT pathway_id FROM data WHERE pathway_id IS NOT NULL
            GROUP BY pathway_id HAVING count(*) > 1),
        numbered AS (
            SELECT row_number, pathway_id,
                   min(row_number) OVER (PARTITION BY pathway_id) AS first_row
            FROM data SEMI JOIN repeated USING (pathway_id))
        SELECT row_number, first_row, pathway_id FROM numbered
        WHERE row_number > first_row ORDER BY row_number LIMIT $limit""",
            {"limit": examples},
        ).fetchall()
    ]

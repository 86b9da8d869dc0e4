"""Checking a patient-level PTL CSV in bulk: what the DuckDB scan found, as a trust's problems.

The same rules as the pandera model ``schemas.rtt.RttPtl`` with the same messages, so a PTL
gets the same answer whether it comes as CSV (here) or as a workbook (the usual path). Two
differences, both for size: a check that many rows fail lists its first 100 rows and then says
how many more there are, and the file is never held in pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.returns.base import ReturnSpec
from pipeline.validation import identifiers, personal
from pipeline.validation.bulk import csv_header
from pipeline.validation.problems import Layout, Problem, file_problem
from pipeline.validation.validate import Checked, Context, context_problems
from pipeline.warehouse.ptl import CsvReadError, PtlScan, scan_ptl
from schemas.rtt import PTL_RULES, SNAPSHOT_DAY, treatment_functions

EXAMPLES = 100  # rows listed per failing check; the rest are counted

_RULES = {rule.name: rule for rule in PTL_RULES}
#: (check, column) -> the schema rule whose message and hint it reports
_RULE_OF = {
    ("unknown", "treatment_function_code"): "tfc_is_on_the_national_list",
    ("unknown", "pathway_type"): "pathway_type_is_known",
    ("unknown", "priority"): "priority_is_known",
    ("after_snapshot", "clock_start_date"): "clock_start_not_after_snapshot",
}
#: Messages of the checks pandera and the cell parser make on the usual path.
_PLAIN = {
    "blank": ("must not be blank", "Fill every cell; type 0 where there were none."),
    "form": ("is not in the expected form", "See the example in the template."),
    ("not_a_date", "period"): (
        "must be a date, the Sunday that ends the week",
        "Type it as YYYY-MM-DD, e.g. 2023-10-29.",
    ),
    ("not_a_date", "clock_start_date"): (
        "must be a date",
        "Use a date cell, or type it as YYYY-MM-DD or DD/MM/YYYY.",
    ),
}


def check_ptl_csv(path: Path, spec: ReturnSpec, context: Context) -> Checked:
    """Check a PTL CSV and, if it is valid, count it by clock start date (``raw_table`` rows)."""
    header = csv_header(path)
    if header is None:  # bulk_spec chose this check by the header it read
        raise file_problem("The CSV file has no header row")
    layout = Layout(sheet=None, header_row=1, columns=header.columns)
    codes = list(treatment_functions()["treatment_function_code"])
    try:
        scan = scan_ptl(
            path,
            columns=header.columns,
            separator=header.separator,
            encoding=header.encoding,
            tfc_codes=codes,
            examples=EXAMPLES,
        )
    except CsvReadError as error:
        where = f"line {error.line}: " if error.line else ""
        return Checked(
            problems=[
                Problem(
                    rule=f"The CSV file could not be read: {where}{error.reason}",
                    location=f"line {error.line}" if error.line else "",
                    hint="Check every line has the same number of separators as the header, and "
                    "that "
                    "values holding a separator are in double quotes.",
                )
            ],
            spec=spec,
            layout=layout,
        )
    if scan.rows == 0:
        return Checked(
            problems=[
                Problem(
                    rule="The file has a header row but no data rows",
                    hint="Fill in the rows and send it again.",
                )
            ],
            spec=spec,
            layout=layout,
        )
    problems, flagged = _scan_problems(scan)
    assert scan.periods is not None, "a scan of a file with rows finds its periods"
    periods = scan.periods.set_index("first_row")
    problems += _sunday_problems(periods)
    problems += context_problems(periods, spec, context)
    if problems or scan.duplicate_count:
        to_data_row = data_rows(path)
        problems = [p if p.row is None else replace(p, row=to_data_row(p.row)) for p in problems]
        problems += _duplicate_problems(scan, to_data_row, layout)
    problems = identifiers.withhold_identifiers(problems, flagged)
    problems = sorted({p.located(layout) for p in problems}, key=Problem.sort_key)
    found = periods["period"].dropna().unique()
    return Checked(
        problems=problems,
        spec=spec,
        rows=None if problems else scan.counts,
        period=str(found[0]) if len(found) == 1 else None,
        layout=layout,
        in_raw_form=True,
    )


def _scan_problems(scan: PtlScan) -> tuple[list[Problem], list[str]]:
    problems: list[Problem] = []
    flagged = []
    for failure in scan.failures:
        if failure.check == "nhs_number":
            flagged.append(failure.column)
            problems.append(
                identifiers.nhs_number_problem(
                    failure.column, failure.count, failure.examples[0][0]
                )
            )
            continue
        if failure.check == "birth_date":
            flagged.append(failure.column)
            problems.append(
                personal.birth_date_problem(
                    failure.column,
                    failure.count,
                    failure.examples[0][0],
                    "dates more than 10 years before the snapshot",
                )
            )
            continue
        rule, hint = _message(failure.check, failure.column)
        problems += [
            Problem(rule=rule, column=failure.column, row=row, value=value, hint=hint)
            for row, value in failure.examples
        ]
        problems += _more(failure.count, len(failure.examples), rule, failure.column)
    return problems, flagged


def _duplicate_problems(
    scan: PtlScan, to_data_row: Callable[[int], int], layout: Layout
) -> list[Problem]:
    problems = [
        Problem(
            rule="must be unique within the file: the same pathway id as "
            f"{layout.cell(None, to_data_row(first))}",
            column="pathway_id",
            row=to_data_row(row),
            value=value,
            hint="Each pathway is listed once: remove or merge the repeated rows.",
        )
        for row, first, value in scan.duplicate_ids
    ]
    return problems + _more(
        scan.duplicate_count,
        len(scan.duplicate_ids),
        "must be unique within the file",
        "pathway_id",
    )


def _message(check: str, column: str) -> tuple[str, str]:
    if (check, column) in _RULE_OF:
        rule = _RULES[_RULE_OF[(check, column)]]
        return rule.message, rule.hint
    return _PLAIN.get((check, column)) or _PLAIN[check]


def _more(count: int, shown: int, rule: str, column: str) -> list[Problem]:
    if count <= shown:
        return []
    return [
        Problem(
            rule=f"{rule}: {count - shown:,} more rows like the ones listed ({count:,} in all)",
            column=column,
            hint="Fix them all the same way; only the first rows are listed.",
        )
    ]


def _sunday_problems(periods: pd.DataFrame) -> list[Problem]:
    rule = _RULES["period_is_a_sunday"]
    days = pd.to_datetime(periods["period"], format="%Y-%m-%d", errors="coerce")
    bad = days.notna() & (days.dt.day_of_week != SNAPSHOT_DAY) & ~periods["period"].duplicated()
    return [
        Problem(rule=rule.message, column="period", row=int(row), value=str(value), hint=rule.hint)
        for row, value in periods.loc[bad, "period"].items()
    ]


def data_rows(path: Path, chunk_bytes: int = 1 << 24) -> Callable[[int], int]:
    """Maps DuckDB's row numbers to data rows as the usual reader numbers them.

    DuckDB skips empty lines; the usual reader counts them (a blank row keeps its number), so
    line = data row + 2 in both. Each empty line after the header moves later rows down by one.
    """
    blank_lines: list[int] = []
    previous = -1  # where the newline before the current line is (before the file: -1)
    offset = newlines = last = 0
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            buffer = np.frombuffer(chunk, dtype=np.uint8)
            positions = np.flatnonzero(buffer == 10) + offset
            if positions.size:
                starts = np.concatenate([[previous], positions[:-1]])
                gap = positions - starts
                carriage = np.zeros(positions.size, dtype=bool)
                two = gap == 2
                if two.any():
                    inside = starts[two] + 1 - offset  # the byte between two newlines
                    carriage[two] = [(chunk[i] if i >= 0 else last) == 13 for i in inside]
                empty = (gap == 1) | carriage
                # The line ending at newline k (0-based) is line k + 1.
                blank_lines += list(newlines + np.flatnonzero(empty) + 1)
                previous = int(positions[-1])
                newlines += positions.size
            last = chunk[-1]
            offset += len(chunk)
    blanks = np.array([b for b in blank_lines if b > 1], dtype=np.int64)
    # Data rows (DuckDB's numbering) that come before each blank line.
    before = blanks - 2 - np.arange(blanks.size)

    def to_data_row(row: int) -> int:
        return int(row + np.searchsorted(before, row, side="right"))

    return to_data_row

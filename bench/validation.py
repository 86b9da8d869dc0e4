"""Benchmark 6: checking 1,000,000 UEC rows with the pandera model, valid and failing.

Two paths are timed, each against the same checks as one DuckDB query (``bench.checks_sql``):

- ``spec.schema.validate(frame, lazy=True)`` on typed rows: pandera alone;
- ``check_table``: what a received file goes through after reading (cells parsed from text,
  pandera, context checks, the NHS-number screen, problems sorted for the feedback report).

The failing variant has 0.1% of rows broken (1,000 errors of four kinds), enough for every
check's failure path to run without the report dominating.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from bench.checks_sql import failures
from bench.core import Row, Run, Target, median_time, timed
from bench.frames import ORG, as_text, uec_frame, with_errors
from pipeline.returns import get_return
from pipeline.spreadsheet.read import RawTable
from pipeline.validation.problems import Layout
from pipeline.validation.validate import Context, check_table

NAME = "validation"
#: A million rows is near a worksheet's limit (1,048,576): the largest return a trust can send.
PANDERA_TARGET = Target(
    "max_seconds", 5, "pandera is a small part of drop-to-feedback even at a worksheet's row limit"
)
CHECK_TARGET = Target(
    "max_seconds",
    30,
    "the largest workbook a trust can send is answered "
    "within one inbox scan interval (60 s) with time to spare for reading it",
)


def run(run: Run) -> list[Row]:
    spec = get_return("uec")
    rows = run.size(1_000_000, 100_000)
    errors = rows // 1000
    valid = uec_frame(rows)
    broken = with_errors(valid, errors)
    context = Context(
        org_code=ORG, sites={ORG: frozenset(valid["site_code"])}, today=dt.date(2024, 1, 1)
    )
    results = []
    for label, frame in (("valid", valid), (f"{errors:,} errors", broken)):
        found: dict[str, int] = {}  # failures each way, from the timed runs themselves

        def validate(frame=frame, found=found) -> None:
            try:
                spec.schema.validate(frame, lazy=True)
                found["pandera"] = 0
            except pa.errors.SchemaErrors as errors:
                found["pandera"] = len(errors.failure_cases)

        def query(frame=frame, text=False, found=found) -> None:
            found["duckdb_text" if text else "duckdb"] = len(failures(frame, text=text))

        seconds, times = median_time(validate)
        baseline, baseline_times = median_time(query)
        results.append(
            Row(
                NAME,
                f"pandera validate(lazy=True), {rows:,} rows, {label}",
                seconds,
                baseline=baseline,
                baseline_label="same checks, one DuckDB query",
                target=PANDERA_TARGET,
                repeats=len(times),
                notes={
                    "times": times,
                    "baseline_times": baseline_times,
                    "pandera_failure_cases": found["pandera"],
                    "duckdb_failures": found["duckdb"],
                },
            )
        )

        text = as_text(frame)
        table = _raw_table(text)
        # The first call imports and compiles what later calls reuse: not part of a check.
        check_table(_raw_table(text.head(100)), spec, context)
        seconds, checked = timed(lambda table=table: check_table(table, spec, context))
        baseline, baseline_times = median_time(lambda text=text: query(text, text=True))
        results.append(
            Row(
                NAME,
                f"check_table (parse + pandera + context), {rows:,} rows, {label}",
                seconds,
                baseline=baseline,
                baseline_label="parse + same checks, one DuckDB query",
                target=CHECK_TARGET,
                repeats=1,
                notes={
                    "problems": len(checked.problems),
                    "valid": checked.valid,
                    "baseline_times": baseline_times,
                    "duckdb_failures": found["duckdb_text"],
                },
            )
        )
        if run.profile:
            from bench.profiling import profiled

            _, top = profiled(lambda table=table: check_table(table, spec, context))
            run.profiles[f"{NAME}: check_table, {label}"] = top
    return results


def _raw_table(text: pd.DataFrame) -> RawTable:
    """Cells as the reader hands them over, from a Data sheet with the header in row 1."""
    return RawTable(
        frame=text,
        layout=Layout(sheet="Data", header_row=1, columns=tuple(text.columns)),
        file_kind="xlsx",
    )

"""``cmast query "SQL"``: read the published snapshot, never the live warehouse.

Report writers' one-liner: a rich table on the terminal, or every row as CSV (``--csv``, for
Excel) or JSON (``--json``, for scripts) on standard output. It reads
``outputs/snapshot/cmast.duckdb`` read-only, so it works while a load is running; one SELECT
at a time, and anything that would write is refused with exit code 2. The main CLI registers
the function with ``app.command("query")(query)``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

_console = Console(highlight=False)


def query(
    sql: Annotated[
        str, typer.Argument(help='One SELECT, e.g. "SELECT * FROM staging.stg_uec_daily LIMIT 5".')
    ],
    as_csv: Annotated[bool, typer.Option("--csv", help="Every row as CSV on stdout.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Every row as a JSON array on stdout.")
    ] = False,
    max_rows: Annotated[
        int, typer.Option(min=1, help="Rows shown in the table (--csv and --json give them all).")
    ] = 100,
) -> None:
    """Query the read-only snapshot of the warehouse (safe while loads run)."""
    from cmast.state import settings
    from pipeline.warehouse.snapshot import read_snapshot

    if as_csv and as_json:
        raise typer.BadParameter("choose one of --csv and --json")
    # Not a single read (QueryRefused) exits 2; no snapshot yet or a query DuckDB cannot run
    # (NoSnapshot, QueryFailed) exits 1: each is a CmastError the app reports.
    frame = read_snapshot(settings(), sql)
    if as_csv or as_json:
        from pipeline.metrics.formats import integers_as_integers

        frame = integers_as_integers(frame)
    if as_csv:
        # Cells come from trusts' files (file names, free text): none may run as a formula
        # when the CSV is opened in Excel.
        from pipeline.spreadsheet.styles import safe_frame

        safe_frame(frame).to_csv(sys.stdout, index=False)
    elif as_json:
        sys.stdout.write(frame.to_json(orient="records", date_format="iso", indent=2) + "\n")
    else:
        _print_table(frame, max_rows)


def _print_table(frame: pd.DataFrame, max_rows: int) -> None:
    table = Table(*[escape(str(c)) for c in frame.columns], show_lines=False)
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    for column, right in zip(table.columns, numeric, strict=True):
        column.justify = "right" if right else "left"
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*["" if _missing(v) else escape(str(v)) for v in row])
    _console.print(table)
    more = len(frame) - max_rows
    _console.print(
        f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
        + (f", first {max_rows:,} shown (--csv or --json for all)" if more > 0 else "")
    )


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False  # lists and other containers are values, never missing

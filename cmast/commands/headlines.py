"""``cmast headlines``: the month's figures, as a table or JSON records."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

_console = Console()


def headlines(
    period: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM. Default: the latest month with figures.")
    ] = None,
    scope: Annotated[
        str | None,
        typer.Option(
            help="An org code (REM ...), QYG, Y62 or ENG. Default: the system, with its region "
            "and England for benchmarks."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="A JSON array of records, exact values (no suppression).")
    ] = False,
    long_stay_day: Annotated[
        str | None,
        typer.Option(
            help="The day (YYYY-MM-DD, in the month) to take the long-stay shares "
            "uec.long_stay.*_pct_at at. Default: the month's last Sunday."
        ),
    ] = None,
) -> None:
    """The headline figures of METRICS.md for a month, with comparators and sentences."""
    import pandas as pd

    from cmast.commands.errors import refusals
    from cmast.state import settings
    from pipeline.metrics.headlines import as_json, build_headlines, load_inputs, periods
    from pipeline.metrics.sentences import formatted
    from pipeline.warehouse.reading import reading

    current = settings()
    with refusals(), reading(current, marts=True) as conn:
        inputs = load_inputs(conn)
    available = periods(inputs)
    if not available:
        _console.print("No figures yet: load some returns or publications first.")
        raise typer.Exit(1)
    period = period or available[-1]
    if period not in available:
        raise typer.BadParameter(
            f"no figures for {period}; months with figures: {available[0]} to {available[-1]}",
            param_hint="--period",
        )
    if long_stay_day is not None:
        try:
            day = pd.Timestamp(long_stay_day).date().isoformat()
        except ValueError:
            raise typer.BadParameter(
                "give a date, YYYY-MM-DD", param_hint="--long-stay-day"
            ) from None
        if day[:7] != period:
            raise typer.BadParameter(f"{day} is not in {period}", param_hint="--long-stay-day")
        inputs.long_stay_day = day
    records = build_headlines(inputs, period, scope.strip().upper() if scope else None)
    if as_json:
        sys.stdout.write(json.dumps([as_json(r) for r in records], indent=2) + "\n")
        return
    table = Table(
        "id",
        "scope",
        "value",
        "previous",
        "target / plan",
        "coverage",
        title=f"Headline figures, {period} (exact values)",
    )
    table.columns[0].overflow = "fold"  # ids are the contract: never cut them short
    for r in records:
        previous = r.comparators.get("previous_period")
        target = r.comparators.get("target") or r.comparators.get("plan")
        cover = r.coverage
        before = "" if not previous else formatted(replace(r, value=previous["value"]))
        table.add_row(
            r.id,
            r.scope,
            formatted(r),
            before,
            "" if not target else f"{target['value']:g}",
            "" if not cover else f"{cover['trusts_submitted']}/{cover['trusts_expected']}",
        )
    _console.print(table)
    for r in records:
        if r.text:
            _console.print(escape(r.text), soft_wrap=True)

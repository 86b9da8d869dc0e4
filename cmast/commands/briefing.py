"""``cmast briefing``: the month's briefing files, after the consistency checks pass."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

_console = Console()


def briefing(
    period: Annotated[
        str | None, typer.Option(help="The month, YYYY-MM. Default: the latest month with figures.")
    ] = None,
) -> None:
    """Write the board pack (briefing.pdf, .html, .xlsx and .md) to outputs/briefing/YYYY-MM/."""
    from cmast.state import settings

    write_and_report(settings(), period)


def write_and_report(current, period: str | None) -> None:
    from cmast.commands.errors import refusals
    from pipeline.briefing import write_briefing
    from pipeline.warehouse.rebuild import marts_out_of_date, refresh_marts
    from pipeline.warehouse.snapshot import publish_snapshot, snapshot_path

    with refusals():
        # The one write a briefing may need, made as a writer and only when it is needed:
        # marts older than the latest submission are rebuilt, and then the report writers'
        # snapshot follows them. The figures themselves are read read-only.
        if current.warehouse_path.exists() and (
            (marts_out_of_date(current) and refresh_marts(current))
            or not snapshot_path(current).exists()
        ):
            publish_snapshot(current)
    # Figures that disagree (ConsistencyError) or a month without figures (NoFigures): the
    # app says "Briefing not written" and why, exit 1.
    with refusals():
        written = write_briefing(current, period)
    _console.print(
        f"Briefing for {written.period} ({written.figures} figures, checked) in {written.folder}:"
    )
    for path in (written.pdf, written.html, written.excel, written.markdown):
        if path is not None:
            _console.print(f"  {path.name}")
    if written.pdf_problem:
        # The other three forms are written; the exit code still says the pack is incomplete.
        _console.print(f"[red]No PDF[/red]: {escape(written.pdf_problem)}", soft_wrap=True)
        raise typer.Exit(1)

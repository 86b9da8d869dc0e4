"""``cmast national``: NHS England's publications, for benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

national = typer.Typer(
    help="NHS England's national publications, for benchmarks.", no_args_is_help=True
)
_console = Console()


@national.command("load")
def load(
    files: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A&E CSV or workbook, DM01 .xls, RTT full extract (.csv or .csv.zip).",
        ),
    ],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load publications into the warehouse, recognising each from its content.

    A later revision of a month becomes current and the earlier stays queryable; the same file
    twice changes nothing. Exit 1 if any file was not recognised.
    """
    from cmast.commands.errors import refusals
    from cmast.state import settings
    from pipeline.national.load import load_national_file
    from pipeline.progress import progress_bar
    from pipeline.warehouse import connect
    from pipeline.warehouse.models import build_marts
    from pipeline.warehouse.snapshot import publish_snapshot

    current = settings()
    current.ensure_dirs()
    outcomes = []
    with refusals(), progress_bar(len(files), "Loading", enabled=not quiet) as advance:
        for path in files:
            outcomes.append(load_national_file(path, current))
            advance()
    styles = {"loaded": "green", "superseded": "yellow", "duplicate": "dim", "rejected": "red"}
    for outcome in outcomes:
        what = f"{outcome.dataset} {outcome.period}: " if outcome.dataset else ""
        _console.print(
            f"[{styles[outcome.status]}]{outcome.status}[/] "
            + escape(f"{outcome.file_name}: {what}{outcome.message}")
        )
    if any(o.status in ("loaded", "superseded") for o in outcomes):
        # A writer: the marts, then the report writers' snapshot, follow what it loaded.
        with refusals():
            with connect(current) as conn:
                build_marts(conn, current)
            publish_snapshot(current)
        report_differences(current)
    if any(o.status == "rejected" for o in outcomes):
        raise typer.Exit(1)


def report_differences(current) -> None:
    """Record an alert for each trust figure beyond its tolerance, and print the new ones."""
    from pipeline import alerts
    from pipeline.national import reconcile

    for alert in alerts.record(current, reconcile.check(current)):
        _console.print(f"[yellow]alert[/] {escape(alert.line())}")

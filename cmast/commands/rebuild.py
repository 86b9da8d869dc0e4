"""``cmast rebuild``: a sound warehouse again, from the archive and the last snapshot's ledger.

The recovery when the warehouse file was lost or damaged (docs/robustness.md). The main CLI
registers the function with ``app.command("rebuild")(rebuild)``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

_console = Console(highlight=False)


def rebuild(
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Rebuild even though the warehouse opens and passes its check (the "
            "current file is kept beside the new one as cmast.duckdb.replaced-<time>).",
        ),
    ] = False,
) -> None:
    """Rebuild the warehouse from archive/ (files kept by hash, NHS England's included) and the
    ledger of the last snapshot, keeping every submission's id, status and history.

    Exit 0 when every loaded submission's rows are back; 1 when some could not be (each named),
    or when the warehouse is sound and --force was not given.
    """
    from cmast.commands.errors import refusals
    from cmast.state import settings
    from pipeline.warehouse.recovery import rebuild_warehouse

    current = settings()
    with refusals():  # a sound warehouse without --force: RebuildRefused, "Not rebuilt", exit 1
        result = rebuild_warehouse(current, force=force)
    _console.print(
        f"Rebuilt {escape(str(current.warehouse_path))} from the archive: "
        f"{result.submissions:,} submissions in the ledger, rows of "
        f"{result.reloaded:,} loaded or superseded submissions restored."
    )
    if result.set_aside:
        _console.print(f"The file it replaces is kept as {escape(str(result.set_aside))}.")
    for line in result.problems:
        _console.print(f"  [red]not restored[/red] {escape(line)}", soft_wrap=True)
    if result.problems:
        raise typer.Exit(1)

"""``cmast snapshot``: publish the read-only snapshot for report writers now.

It is published by itself after every ingest that changes the ledger and after the nightly
marts rebuild; this is for the times between (after an upgrade, or a rebuild by hand). Waits
for a load in progress to finish. The main CLI registers the function with
``app.command("snapshot")(snapshot)``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from pipeline.progress import progress_bar

_console = Console(highlight=False)


def snapshot(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Publish outputs/snapshot/ (cmast.duckdb and Parquet) from the warehouse now."""
    from cmast.commands.errors import refusals
    from cmast.state import settings
    from pipeline.warehouse.snapshot import publish_snapshot, relation_count

    current = settings()
    with (
        refusals(),
        progress_bar(relation_count(current), "Publishing", enabled=not quiet) as advance,
    ):
        published = publish_snapshot(current, advance)
    _console.print(
        f"Snapshot published to {escape(str(published.path.parent))}: "
        f"{published.submissions:,} submissions; {len(published.relations)} "
        "relations as Parquet in parquet/."
    )

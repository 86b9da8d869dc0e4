"""The failures every command meets the same way: a message a person can act on, and exit 1.

Exit codes of every ``cmast`` command (docs/robustness.md): 0 when everything asked was done,
1 when something was refused or failed (a file rejected or left waiting, a warehouse missing or
damaged, a lock held too long), 2 for bad usage (an unknown option, a bad value; Typer's own).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

_errors = Console(stderr=True, highlight=False)

#: Exit codes, named where they are decided.
DONE, REFUSED, USAGE = 0, 1, 2


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the warehouse's known refusals into their message and exit code 1, never a trace."""
    from pipeline.filing import StorageFailed
    from pipeline.locking import WriterBusy
    from pipeline.warehouse.connection import WarehouseDamaged, WarehouseLocked, WarehouseMissing
    from pipeline.warehouse.snapshot import SnapshotRefused

    try:
        yield
    except (WarehouseMissing, WarehouseDamaged, WarehouseLocked, WriterBusy, StorageFailed,
            SnapshotRefused) as error:
        _errors.print(f"[red]Not done[/red]: {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(REFUSED) from None
    except OSError as error:  # a full disk, a read-only folder: said plainly
        _errors.print(f"[red]Not done[/red]: {escape(str(error))}", soft_wrap=True)
        raise typer.Exit(REFUSED) from None

"""Every error a person can cause or meet, met in one place: a message a person can act on, on
one line of standard error, and its exit code; never a traceback.

Exit codes of every ``cmast`` command (docs/robustness.md): 0 when everything asked was done,
1 when something was refused or failed (a file rejected or left waiting, a warehouse missing or
damaged, a lock held too long), 2 for bad usage (an unknown option, a bad value: Typer's own,
and every :class:`pipeline.errors.UsageError`). The app is a :class:`HandledGroup`, so every
command and sub-command raises a :class:`pipeline.errors.CmastError` and leaves the rest here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from pipeline.errors import CmastError

_errors = Console(stderr=True, highlight=False)


class HandledGroup(TyperGroup):
    """The app's command group: a :class:`CmastError` from any command it runs becomes its line
    and exit code."""

    def invoke(self, ctx: typer.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CmastError as error:
            _errors.print(f"[red]{error.label}[/red]: {escape(str(error))}", soft_wrap=True)
            raise typer.Exit(error.exit_code) from None


@contextmanager
def refusals() -> Iterator[None]:
    """Around a command's writing: a full disk or a read-only folder is said plainly as a
    refusal (exit 1), as the warehouse's own refusals are."""
    try:
        yield
    except CmastError:
        raise  # StorageFailed and WarehouseMissing are OSErrors with their own words
    except OSError as error:
        raise CmastError(str(error)) from error

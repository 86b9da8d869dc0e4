"""A progress bar for long work on a terminal, and nothing when it is off or output is piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


@contextmanager
def progress_bar(total: int, label: str, *, enabled: bool = True) -> Iterator[Callable[[], None]]:
    """Yields ``advance()``; draws a bar only when enabled and writing to a terminal."""
    if not enabled or total == 0 or not sys.stderr.isatty():
        yield lambda: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as progress:
        task_id = progress.add_task(label, total=total)
        yield lambda: progress.advance(task_id)

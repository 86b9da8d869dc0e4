"""Showing the figures: a rich table on the terminal, and ``results.json`` for the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.core import Row


def table(rows: list[Row], title: str) -> Table:
    shown = Table(title=title, show_lines=False)
    for heading, justify in [
        ("benchmark", "left"),
        ("measure", "left"),
        ("figure", "right"),
        ("baseline", "right"),
        ("ratio", "right"),
        ("target", "right"),
        ("met", "center"),
    ]:
        shown.add_column(heading, justify=justify, overflow="fold")
    for row in rows:
        shown.add_row(
            row.benchmark,
            row.measure,
            _amount(row.figure, row.unit, row.repeats),
            _baseline(row),
            _ratio(row),
            row.target.text() if row.target else "-",
            {True: "[green]met[/green]", False: "[red]missed[/red]", None: "-"}[row.met],
        )
    return shown


def print_table(console: Console, rows: list[Row], title: str) -> None:
    console.print(table(rows, title))
    # The table has no room for what each baseline is: list them once, below it.
    labels = dict.fromkeys(f"{r.benchmark}: {r.baseline_label}" for r in rows if r.baseline_label)
    if labels:
        console.print("Baselines, " + "; ".join(labels))


def _amount(value: float, unit: str, repeats: int = 1) -> str:
    if unit == "MB":
        text = f"{value:,.0f} MB"
    else:  # a few milliseconds would print as 0.00 s
        text = f"{value * 1000:,.1f} ms" if value < 0.1 else f"{value:,.2f} s"
    return text + (f" (median of {repeats})" if repeats > 1 else "")


def _baseline(row: Row) -> str:
    return "-" if row.baseline is None else _amount(row.baseline, row.unit)


def _ratio(row: Row) -> str:
    speedup = row.speedup
    if speedup is None:
        return "-"
    better, worse = ("less", "more") if row.unit == "MB" else ("faster", "slower")
    return f"{speedup:.1f}x {better}" if speedup >= 1 else f"{1 / speedup:.1f}x {worse}"


def write_json(
    path: Path,
    *,
    machine: dict[str, Any],
    options: dict[str, Any],
    rows: list[Row],
    skipped: dict[str, str],
    profiles: dict[str, Any],
    seconds: float,
) -> None:
    record = {
        "machine": machine,
        "options": options,
        "total_seconds": round(seconds, 1),
        "results": [row.as_json() for row in rows],
        "skipped": skipped,
    }
    if profiles:
        record["profiles"] = profiles
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")

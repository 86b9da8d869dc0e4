"""``cmast spc``: an MDC statistical process control chart and summary for one measure.

Reads a CSV with a ``period`` and a ``value`` column (one row per period; other columns are
ignored). Rows whose periods are dates (``YYYY-MM-DD``, ``DD/MM/YYYY``, ``YYYY-MM``, ``YYYY-Www``,
``YYYY-Qn``) are put in date order, and the summary says when they had to be; rows out of order
whose periods are not dates are refused, as their time order cannot be known. The series is
analysed with :func:`pipeline.spc.analyse`; the command writes the XmR chart and prints a short
summary, or the whole result as JSON with ``--json``. Bad input stops with exit
code 2 and a message that names the problem. The main CLI registers the function with
``app.command("spc")(spc)``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape

from pipeline.spc import (
    ASSURANCE_LABELS,
    DEFAULT_RUN_LENGTH,
    RULES,
    VARIATION_LABELS,
    SpcResult,
    analyse,
    format_value,
    format_with_unit,
    period_label,
    render_chart,
)

# How many bad rows an error message lists before it stops counting them out.
_SHOWN_BAD_ROWS = 5
_RULE_WORDS = {
    "astronomical": "beyond a limit",
    "two_of_three": "two of three near a limit",
    "run": "run",
    "trend": "trend",
}


def spc(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with 'period' and 'value' columns, one row per period; dated periods are "
            "sorted, others must be in time order.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    improvement: Annotated[
        Literal["up", "down", "neither"],
        typer.Option(help="Which way is better: up (higher), down (lower) or neither."),
    ],
    target: Annotated[
        float | None, typer.Option(help="Target value, for the assurance icon.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the full result as JSON instead of a summary.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Chart file, .png or .svg. Default: FILE with a .png suffix."),
    ] = None,
    run_length: Annotated[
        int, typer.Option(min=2, help="Points that make a run or a trend (MDC uses 7; 6 in use).")
    ] = DEFAULT_RUN_LENGTH,
    baseline: Annotated[
        int | None,
        typer.Option(min=2, help="Fix the mean and limits on the first N points of each segment."),
    ] = None,
    rebase: Annotated[
        list[str] | None,
        typer.Option(help="Period at which a known process change starts new limits; repeatable."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Chart title. Default: from FILE.")] = None,
    unit: Annotated[
        str | None,
        typer.Option(help="Unit of the values (percent, gbp_thousands, count), for the text."),
    ] = None,
) -> None:
    """Draw an SPC (XmR) chart in NHS Making Data Count style and summarise its signals."""
    out = out if out is not None else file.with_suffix(".png")
    if out.suffix.lower() not in (".png", ".svg"):
        raise typer.BadParameter(f"must end in .png or .svg, not {out.name}", param_hint="--out")
    periods, values = read_series(file)
    try:
        result = analyse(
            periods,
            values,
            improvement=improvement,
            target=target,
            run_length=run_length,
            baseline=baseline,
            rebase=rebase or [],
            unit=unit,
        )
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None
    try:
        render_chart(result, out, title=title or _title_from(file))
    except OSError as err:
        raise typer.BadParameter(f"cannot write the chart: {err}", param_hint="--out") from None

    if json_out:
        # Plain echo, not rich: the output is for machines and must stay exactly JSON.
        typer.echo(json.dumps({**result.to_dict(), "file": str(file), "chart": str(out)}, indent=2))
    else:
        _print_summary(result, file, out)


def read_series(file: Path) -> tuple[list[str], list[float]]:
    """Periods (as text) and values from a CSV; ``typer.BadParameter`` names any problem."""
    try:
        # Everything as text first, so a bad value can be quoted back as the analyst typed it.
        df = pd.read_csv(file, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise typer.BadParameter(
            f"cannot read {file.name} as CSV: {err}", param_hint="FILE"
        ) from None
    columns = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in ("period", "value") if c not in columns]
    if missing:
        found = ", ".join(str(c) for c in df.columns) or "none"
        raise typer.BadParameter(
            f"{file.name} needs columns 'period' and 'value'; missing {', '.join(missing)} "
            f"(found: {found})",
            param_hint="FILE",
        )
    periods = df[columns["period"]].str.strip()
    raw = df[columns["value"]].str.strip()
    numbers = pd.to_numeric(raw, errors="coerce")
    bad = [i for i in range(len(df)) if pd.isna(numbers.iloc[i]) or periods.iloc[i] == ""]
    if bad:
        shown = "; ".join(
            f"row {i + 1} (period {periods.iloc[i]!r}, value {raw.iloc[i]!r})"
            for i in bad[:_SHOWN_BAD_ROWS]
        )
        more = f" and {len(bad) - _SHOWN_BAD_ROWS} more" if len(bad) > _SHOWN_BAD_ROWS else ""
        raise typer.BadParameter(
            f"{file.name} has a blank period or a missing or non-numeric value in {shown}{more}",
            param_hint="FILE",
        )
    if len(df) < 2:
        raise typer.BadParameter(
            f"{file.name} has {len(df)} data row(s); SPC needs at least 2", param_hint="FILE"
        )
    return periods.tolist(), [float(x) for x in numbers]


def _title_from(file: Path) -> str:
    words = file.stem.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _print_summary(result: SpcResult, file: Path, out: Path) -> None:
    """A few lines an analyst can paste into a briefing note."""
    # No wrapping: a long chart path stays on one line, ready to copy.
    console = Console(highlight=False, soft_wrap=True)
    latest = result.latest_segment
    direction = {"up": "higher is better", "down": "lower is better", "neither": "no direction"}
    console.print(
        f"[bold]{escape(file.name)}[/bold]: {len(result.points)} points, "
        f"{direction[result.improvement]}"
    )
    if result.reordered:
        console.print(
            f"[yellow]The rows of {escape(file.name)} were not in date order: "
            "sorted by period.[/yellow]"
        )
    since = ""
    if len(result.segments) > 1:
        since = f" (since {escape(period_label(result.points[latest.start].period))})"
    if result.no_variation:
        note = escape(result.no_variation_note or "")
        console.print(f"Mean {format_value(result.mean)}{since}; {note}: no limits, no icons.")
    else:
        console.print(
            f"Mean {format_value(result.mean)}, process limits "
            f"{format_value(result.lower_process_limit)} to "
            f"{format_value(result.upper_process_limit)}{since}"
        )
    if result.insufficient_data and not result.no_variation:
        console.print(
            f"[yellow]Fewer than {result.min_points} points set the limits: "
            "indicative only, no icons.[/yellow]"
        )
    if result.variation is not None:
        latest_period = escape(period_label(result.points[-1].period))
        console.print(f"Variation at {latest_period}: {VARIATION_LABELS[result.variation]}")
    if result.assurance is not None:
        console.print(
            f"Assurance: {ASSURANCE_LABELS[result.assurance]} "
            f"(target {format_with_unit(result.target, result.unit)})"
        )
    else:
        console.print(f"Assurance: {escape(result.assurance_note)}")
    counts = Counter(rule for p in result.points for rule in p.flags)
    flagged = sum(1 for p in result.points if p.flags)
    detail = ", ".join(f"{_RULE_WORDS[r]} {counts[r]}" for r in RULES if counts[r])
    console.print(f"Special cause: {flagged} point(s) flagged" + (f" ({detail})" if detail else ""))
    console.print(f"Chart: {escape(str(out))}")

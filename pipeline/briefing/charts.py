"""The chart of each board figure, drawn as its kind of series allows (catalogue ``kind``):

* a monthly or weekly measure: a Making Data Count XmR chart once it has 12 points, a plain
  trend line before that;
* a year-to-date cumulative: the current financial year's points against its plan line, with
  no limits, since the series restarts every April and a process chart would read the reset
  as a signal;
* a plan, a constant or a rank: a plain line, never limits.

Written as SVG (for the self-contained HTML page and the PDF) and PNG (for the Markdown and the
workbook).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipeline.metrics.catalogue import figure
from pipeline.spc import MIN_POINTS, SpcResult, analyse, render_chart, save_figure
from pipeline.spc.chart import DPI, FIGSIZE, group_thousands

NHS_BLUE = "#005EB8"
PLAN_GREY = "#768692"


@dataclass
class Chart:
    id: str
    png: Path
    svg: Path
    spc: SpcResult | None  # None where the series is too short, or of a kind SPC does not fit
    note: str = ""  # why a chart has no limits, in words a reader can take in


def draw(
    series: pd.Series,
    id_: str,
    title: str,
    folder: Path,
    target: float | None = None,
    y_label: str | None = None,
    plan: pd.Series | None = None,
    unit: str | None = None,
) -> Chart:
    """``series``: values indexed by period (YYYY-MM) or snapshot date, oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = id_.replace(".", "_")
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    entry = figure(id_)
    label = y_label or _axis_label(id_)
    if entry.spc and len(series) >= MIN_POINTS:
        result = analyse(
            series.astype(float), improvement=entry.improvement, target=target, unit=unit
        )
        render_chart(
            result,
            png,
            svg,
            title=title,
            y_label=label,
            x_label="Week (snapshot date)" if entry.kind == "weekly" else "Month",
        )
        return Chart(id_, png, svg, result)
    note = _why_no_limits(entry.kind, len(series))
    save_figure(
        _line_chart(
            series, title, label, target, note, plan=plan, best_at_top=entry.kind == "rank"
        ),
        [png, svg],
    )
    return Chart(id_, png, svg, None, note)


def _why_no_limits(kind: str, points: int) -> str:
    if kind == "ytd":
        return (
            "Year-to-date cumulative: it restarts every April, so no SPC limits; dashed line: plan"
        )
    if kind == "cumulative":
        return "A running total: its points are not independent, so no SPC limits"
    if kind == "level":
        return "An ordinal level (OPEL 1 to 4): no SPC limits"
    if kind in ("plan", "constant"):
        return f"A {kind}: no SPC limits"
    if kind == "rank":
        return "A rank among ICBs: no SPC limits"
    return f"{points} points: fewer than {MIN_POINTS}, so a trend only, with no SPC limits"


def _axis_label(id_: str) -> str:
    return "%" if id_.endswith("_pct") else figure(id_).label


def _line_chart(
    series: pd.Series,
    title: str,
    y_label: str,
    target: float | None,
    note: str,
    plan: pd.Series | None,
    best_at_top: bool,
) -> Figure:
    """A plain trend line, laid out like the SPC charts (title and subtitle above the axes).

    The axes have a fixed place rather than ``tight_layout``, which would lay every label out
    an extra time: about a third of the cost of a chart.
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.085, 0.2, 0.885, 0.58))
    labels = [str(i) for i in series.index]
    ax.plot(labels, list(series.values), marker="o", color=NHS_BLUE)
    shown = [float(v) for v in series.values]
    if plan is not None and not plan.empty:
        planned = plan.reindex(series.index)
        ax.plot(labels, list(planned.values), linestyle="--", color=PLAN_GREY, marker=None)
        ax.annotate(
            "Plan",
            xy=(labels[-1], planned.values[-1]),
            xytext=(4, 0),
            textcoords="offset points",
            color=PLAN_GREY,
            fontsize=9,
            va="center",
        )
        shown += [float(v) for v in planned.dropna().values]
    if target is not None:
        ax.axhline(target, color="#C00000", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"Target {target:g}",
            xy=(0, target),
            xycoords=("axes fraction", "data"),
            xytext=(4, 4),
            textcoords="offset points",
            color="#C00000",
            fontsize=9,
        )
        shown.append(target)
    fig.text(0.075, 0.93, title, fontsize=13, weight="bold")
    fig.text(0.075, 0.865, note, fontsize=9, color="#595959")
    if best_at_top:
        ax.invert_yaxis()  # rank 1 is best: best at the top, as a reader expects
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 18.5th place
    ax.set_ylabel(y_label, fontsize=9)
    group_thousands(ax, shown)
    ax.tick_params(labelsize=8, colors="#404040")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#E8EDEE")
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    return fig

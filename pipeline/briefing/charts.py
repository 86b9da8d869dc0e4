"""A trend chart for each headline series: Making Data Count SPC where there are 12 points or
more, a plain line otherwise. Written as SVG (for the self-contained HTML page) and PNG (for the
Markdown and Excel briefings)."""

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


@dataclass
class Chart:
    id: str
    png: Path
    svg: Path
    spc: SpcResult | None  # None where the series is too short for SPC


def draw(series: pd.Series, id_: str, title: str, folder: Path,
         target: float | None = None) -> Chart:
    """``series``: values indexed by period (YYYY-MM), oldest first."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = id_.replace(".", "_")
    png, svg = folder / f"{stem}.png", folder / f"{stem}.svg"
    improvement = figure(id_).improvement
    result = None
    if len(series) >= MIN_POINTS:
        result = analyse(series.astype(float), improvement=improvement, target=target)
        render_chart(result, png, svg, title=title, y_label=_axis_label(id_))
    else:
        save_figure(_line_chart(series, title, _axis_label(id_), target,
                                best_at_top=id_.endswith("_rank")), [png, svg])
    return Chart(id_, png, svg, result)


def _axis_label(id_: str) -> str:
    return "%" if id_.endswith("_pct") else figure(id_).label


def _line_chart(series: pd.Series, title: str, y_label: str, target: float | None,
                best_at_top: bool) -> Figure:
    """A plain trend line, laid out like the SPC charts (title and subtitle above the axes).

    The axes have a fixed place rather than ``tight_layout``, which would lay every label out
    an extra time: about a third of the cost of a chart.
    """
    fig = Figure(figsize=FIGSIZE, dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.085, 0.2, 0.885, 0.58))
    ax.plot(list(series.index), list(series.values), marker="o", color=NHS_BLUE)
    if target is not None:
        ax.axhline(target, color="#C00000", linestyle="--", linewidth=1.2)
        ax.annotate(f"Target {target:g}", xy=(0, target), xycoords=("axes fraction", "data"),
                    xytext=(4, 4), textcoords="offset points", color="#C00000", fontsize=9)
    fig.text(0.075, 0.93, title, fontsize=13, weight="bold")
    fig.text(0.075, 0.865, f"{len(series)} points: fewer than {MIN_POINTS}, so a trend only, "
             "with no SPC limits", fontsize=9, color="#595959")
    if best_at_top:
        ax.invert_yaxis()  # rank 1 is best: best at the top, as a reader expects
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 18.5th place
    ax.set_ylabel(y_label, fontsize=9)
    group_thousands(ax, [float(v) for v in series.values] + ([target] if target else []))
    ax.tick_params(labelsize=8, colors="#404040")
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#E8EDEE")
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
        label.set_rotation_mode("anchor")
    return fig

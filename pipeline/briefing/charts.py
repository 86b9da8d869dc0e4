"""A trend chart for each headline series: Making Data Count SPC where there are 12 points or
more, a plain line otherwise. Written as SVG (for the self-contained HTML page) and PNG (for the
Markdown and Excel briefings)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.metrics.catalogue import figure
from pipeline.spc import MIN_POINTS, SpcResult, analyse, render_chart

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
        for path in (png, svg):
            render_chart(result, path, title=title, y_label=_axis_label(id_))
    else:
        for path in (png, svg):
            _line_chart(series, title, path, target)
    return Chart(id_, png, svg, result)


def _axis_label(id_: str) -> str:
    return "%" if id_.endswith("_pct") else figure(id_).label


def _line_chart(series: pd.Series, title: str, path: Path, target: float | None) -> None:
    fig = Figure(figsize=(10, 4.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot(list(series.index), list(series.values), marker="o", color=NHS_BLUE)
    if target is not None:
        ax.axhline(target, color="#C00000", linestyle="--", linewidth=1.2)
        ax.annotate(f"Target {target:g}", xy=(0, target), xycoords=("axes fraction", "data"),
                    xytext=(4, 4), textcoords="offset points", color="#C00000", fontsize=9)
    ax.set_title(f"{title}\n(fewer than {MIN_POINTS} points: trend only, no SPC limits)",
                 fontsize=11, loc="left")
    if path.stem.endswith("_rank"):
        ax.invert_yaxis()  # rank 1 is best: best at the top, as a reader expects
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#E8EDEE")
    for label in ax.get_xticklabels():
        label.set_rotation(45)
        label.set_horizontalalignment("right")
    fig.tight_layout()
    fig.savefig(path)

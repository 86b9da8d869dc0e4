"""The XmR (individuals) chart of an :class:`SpcResult`, drawn MDC style as PNG or SVG.

One chart per measure: the series as a grey line, each point coloured by the kind of special
cause it is part of (blue improvement, orange concern, purple neither, grey common cause); per
segment a solid mean and dashed process limits; a red dashed target when there is one; a dotted
line where the analyst rebased; and the variation and assurance icons top right. A series with
no variation (:attr:`SpcResult.no_variation`) is drawn as its line and mean with a note saying
so, and no limits or icons: limits collapsed onto the mean would mark every change a signal.
Matplotlib runs on a bare :class:`Figure` (the Agg renderer), never pyplot, so no window or
global state is involved and charts can be drawn from any thread or process.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import StrMethodFormatter

from . import icons
from .method import SpcResult, period_label
from .text import format_value, format_with_unit

FIGSIZE = (10.0, 4.5)
DPI = 110
TARGET_RED = "#C00000"
MEAN_COLOUR = "#404040"
LIMIT_COLOUR = "#7F7F7F"
# Beyond this many periods the x axis labels every k-th period so the labels stay readable.
MAX_PERIOD_LABELS = 24
# Axes left, width and top in figure fractions; the bottom leaves room for tilted period labels.
_AXES_LEFT, _AXES_WIDTH, _AXES_TOP = 0.09, 0.67, 0.78
_DIRECTION_WORDS = {
    "up": "Higher is better",
    "down": "Lower is better",
    "neither": "No preferred direction",
}
_SHORT_VARIATION = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neither_high": "Special cause (high)",
    "neither_low": "Special cause (low)",
}
_SHORT_ASSURANCE = {"pass": "Passes target", "fail": "Fails target", "hit_and_miss": "Hit and miss"}


def render_chart(
    result: SpcResult,
    path: Path | str,
    *also: Path | str,
    title: str = "",
    y_label: str = "Value",
    x_label: str = "Period",
) -> Path:
    """Draw the chart and write it to ``path`` (and to each of ``also``), PNG or SVG by the
    extension. The figure is built once however many files are written."""
    paths = [Path(p) for p in (path, *also)]
    for each in paths:
        if each.suffix.lower() not in (".png", ".svg"):
            raise ValueError(f"chart file must end in .png or .svg, not {each.name}")
    save_figure(build_figure(result, title=title, y_label=y_label, x_label=x_label), paths)
    return paths[0]


#: zlib's fastest level: a third of a chart's PNG time at level 6 for files about as small.
_FAST_PNG: dict[str, dict[str, Any]] = {".png": {"pil_kwargs": {"compress_level": 1}}}


def save_figure(fig: Figure, paths: list[Path]) -> None:
    """Write one figure to each path, PNG or SVG by its extension.

    Building a figure (ticks, text layout) costs about as much as rendering it, so a chart
    wanted in both formats is built once and saved twice.
    """
    for path in paths:
        # Without a date, and with the element ids hashed with a fixed salt rather than a
        # random one, an SVG is the same bytes each time it is drawn.
        metadata = {"Date": None} if path.suffix.lower() == ".svg" else {}
        with icons.same_svg_bytes():
            fig.savefig(
                path,
                facecolor="white",
                metadata=metadata,
                **_FAST_PNG.get(path.suffix.lower(), {}),
            )


def build_figure(
    result: SpcResult, *, title: str = "", y_label: str = "Value", x_label: str = "Period"
) -> Figure:
    """The chart as a matplotlib Figure, for callers that place or save it themselves."""
    fig = Figure(figsize=FIGSIZE, dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)  # Agg, whatever backend the process has chosen: no display needed
    bottom = 0.22 if _tilted_labels(result) else 0.14
    ax = fig.add_axes((_AXES_LEFT, bottom, _AXES_WIDTH, _AXES_TOP - bottom))
    handles = _draw_limits(ax, result)
    handles += _draw_series(ax, result)
    _draw_markers(ax, result)
    _style_axes(ax, result, y_label, x_label)
    if result.no_variation:
        _draw_no_variation_note(ax, result)
    fig.text(0.075, 0.93, title or "Statistical process control", fontsize=13, weight="bold")
    fig.text(0.075, 0.865, _subtitle(result), fontsize=9, color="#595959")
    _draw_icons(fig, result)
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.775, 0.66),
        frameon=False,
        fontsize=8,
        handlelength=2.2,
    )
    return fig


def _subtitle(result: SpcResult) -> str:
    parts = [_DIRECTION_WORDS[result.improvement], f"{len(result.points)} points"]
    if result.baseline is not None:
        parts.append(f"limits from the first {result.baseline} points")
    rebased = [period_label(result.points[s.start].period) for s in result.segments[1:]]
    if rebased:
        parts.append("rebased at " + ", ".join(rebased))
    if result.no_variation:
        parts.append(f"{result.no_variation_note}: no limits or icons")
    elif result.insufficient_data:
        parts.append(
            f"fewer than {result.min_points} points set the limits: indicative only, no icons"
        )
    return "  \u00b7  ".join(parts)


def _draw_limits(ax: Axes, result: SpcResult) -> list[Line2D]:
    """Mean and process limits per segment, rebase and baseline markers; legend handles."""
    for seg in result.segments:
        # Stop short of the half-way point so adjacent segments show a visible break.
        x0, x1 = seg.start - 0.4, seg.stop - 1 + 0.4
        ax.hlines(seg.mean, x0, x1, colors=MEAN_COLOUR, linewidth=1.4, zorder=2)
        # A segment without variation has its limits on the mean: they would say nothing.
        limits = () if seg.mr_bar == 0 else (seg.upper_process_limit, seg.lower_process_limit)
        for limit in limits:
            ax.hlines(limit, x0, x1, colors=LIMIT_COLOUR, linewidth=1.2, linestyles="--", zorder=2)
        if seg.start > 0:
            ax.axvline(seg.start - 0.5, color=MEAN_COLOUR, linewidth=1, linestyle=":", zorder=1)
            ax.annotate(
                "Rebased",
                (seg.start - 0.5, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                fontsize=7,
                color=MEAN_COLOUR,
                va="top",
            )
        if seg.n_baseline < seg.stop - seg.start:
            # Shade the points that fixed the limits, so later points read as judged against them.
            ax.axvspan(seg.start - 0.5, seg.start + seg.n_baseline - 0.5, color="#F2F2F2", zorder=0)
            ax.annotate(
                "Baseline",
                (seg.start - 0.5, 0.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=7,
                color=MEAN_COLOUR,
                va="bottom",
            )

    latest = result.latest_segment
    suffix = " (latest)" if len(result.segments) > 1 else ""
    handles = [
        Line2D(
            [],
            [],
            color=MEAN_COLOUR,
            linewidth=1.4,
            label=f"Mean{suffix} {format_value(latest.mean)}",
        ),
    ]
    if not result.no_variation:
        handles.append(
            Line2D(
                [],
                [],
                color=LIMIT_COLOUR,
                linewidth=1.2,
                linestyle="--",
                label=f"Process limits{suffix}\n{format_value(latest.lower_process_limit)} to "
                f"{format_value(latest.upper_process_limit)}",
            )
        )
    if result.target is not None:
        ax.axhline(result.target, color=TARGET_RED, linewidth=1.3, linestyle="--", zorder=2)
        # Labelled on the line as well as in the legend: the target is what a board looks for.
        ax.annotate(
            f"Target {format_with_unit(result.target, result.unit)}",
            (1.0, result.target),
            xycoords=("axes fraction", "data"),
            xytext=(-2, 2),
            textcoords="offset points",
            fontsize=7,
            color=TARGET_RED,
            ha="right",
            va="bottom",
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 0.5},
            zorder=5,
        )
        handles.append(
            Line2D(
                [],
                [],
                color=TARGET_RED,
                linewidth=1.3,
                linestyle="--",
                label=f"Target {format_with_unit(result.target, result.unit)}",
            )
        )
    return handles


def _draw_no_variation_note(ax: Axes, result: SpcResult) -> None:
    """The note that stands in for limits, placed in the half of the axes away from the line
    (the target, if any, lies at the far edge: the y range runs from the line to it)."""
    low, high = ax.get_ylim()
    where = (result.mean - low) / (high - low)
    note = result.no_variation_note or ""
    ax.annotate(
        note[:1].upper() + note[1:],
        (0.5, 0.3 if where > 0.5 else 0.7),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        color=MEAN_COLOUR,
        bbox={"facecolor": "white", "edgecolor": LIMIT_COLOUR, "pad": 3},
        zorder=6,
    )


def _draw_series(ax: Axes, result: SpcResult) -> list[Line2D]:
    """The grey series line; legend handles for the kinds of point present."""
    ax.plot(
        range(len(result.points)),
        [p.value for p in result.points],
        color=icons.GREY,
        linewidth=1.6,
        zorder=3,
    )
    present = {p.special_cause for p in result.points}
    labels = {
        "improvement": "Special cause improvement",
        "concern": "Special cause concern",
        "neither": "Special cause",
        None: "Common cause",
    }
    return [
        Line2D(
            [],
            [],
            color=icons.CAUSE_COLOURS[cause],
            marker="o",
            linestyle="none",
            markersize=6,
            label=labels[cause],
        )
        for cause in labels
        if cause in present
    ]


def _draw_markers(ax: Axes, result: SpcResult) -> None:
    for cause, colour in icons.CAUSE_COLOURS.items():
        idx = [i for i, p in enumerate(result.points) if p.special_cause == cause]
        if idx:
            ax.scatter(
                idx,
                [result.points[i].value for i in idx],
                s=30,
                color=colour,
                edgecolors="white",
                linewidths=0.6,
                zorder=4,
            )


def _style_axes(ax: Axes, result: SpcResult, y_label: str, x_label: str) -> None:
    n = len(result.points)
    labels = [period_label(p.period) for p in result.points]
    step = math.ceil(n / MAX_PERIOD_LABELS)
    ticks = list(range(0, n, step))
    ax.set_xticks(ticks, [labels[i] for i in ticks])
    if _tilted_labels(result):
        # Tilted labels anchored at their right end stay under their own tick.
        ax.tick_params(axis="x", labelrotation=45)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
    ax.set_xlim(-0.7, n - 0.3)

    lines = [p.value for p in result.points]
    for seg in result.segments:
        lines += [seg.upper_process_limit, seg.lower_process_limit]
    if result.target is not None:
        lines.append(result.target)
    low, high = min(lines), max(lines)
    pad = (high - low) * 0.08 or max(abs(high), 1.0) * 0.05
    ax.set_ylim(low - pad, high + pad)
    group_thousands(ax, lines)

    ax.set_xlabel(x_label, fontsize=9)
    ax.set_ylabel(y_label, fontsize=9)
    ax.tick_params(labelsize=8, colors="#404040")
    ax.grid(axis="y", color="#E6E6E6", linewidth=0.8, zorder=0)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def group_thousands(ax: Axes, values: list[float]) -> None:
    """Counts in the thousands read as a board paper prints them (550,513, not 550513)."""
    if max((abs(v) for v in values if math.isfinite(v)), default=0) >= 1000:
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def _tilted_labels(result: SpcResult) -> bool:
    """Whether the period labels need tilting: about 90 characters fit across the axes."""
    labels = [period_label(p.period) for p in result.points]
    shown = math.ceil(len(labels) / math.ceil(len(labels) / MAX_PERIOD_LABELS))
    return shown * max(len(s) for s in labels) > 90


def _draw_icons(fig: Figure, result: SpcResult) -> None:
    """Variation and assurance icons top right, each with a short caption under it."""
    if result.insufficient_data or result.no_variation or result.variation is None:
        return
    codes = [(result.variation, _SHORT_VARIATION)]
    if result.assurance is not None:
        codes.append((result.assurance, _SHORT_ASSURANCE))
    height = 0.17
    width = height * FIGSIZE[1] / FIGSIZE[0]
    gap = 0.035
    left = 0.985 - len(codes) * width - (len(codes) - 1) * gap
    for code, captions in codes:
        ax = icons.add_icon_axes(fig, left, 0.80, height)
        icons.draw_icon(ax, code)
        fig.text(
            left + width / 2,
            0.785,
            captions[code],
            ha="center",
            va="top",
            fontsize=7,
            color="#404040",
        )
        left += width + gap

"""The Making Data Count variation and assurance icons, drawn with matplotlib patches.

Every icon is a white disc with a thick coloured ring, its contents in the same colour, as in
NHS England's published icon set: white keeps the icon legible on any slide background and the
ring carries the meaning at a glance.

* Variation (the latest point): a sparkline of seven dots. Common cause: grey dots wandering
  about a level line. Special cause: the last three dots step up (high) or down (low) in the
  icon colour, under a letter ``H`` or ``L``; blue for improvement, orange for concern and purple
  when neither direction is better.
* Assurance (against a target): a letter ``P`` (consistently passes, blue), ``F`` (consistently
  fails, orange) or ``?`` (hit and miss, grey) above grey dots and a target line that runs under
  the dots (pass), over them (fail) or through them (hit and miss).

Icons are drawn in data units on an axes of their own, a unit circle at the origin, so one drawing
serves a standalone PNG or SVG (:func:`save_icon`) and an icon placed on a chart
(:func:`add_icon_axes` then :func:`draw_icon`). Letters are glyph outlines rather than text, so
they scale with the icon and an SVG needs no font.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, PathPatch, Wedge
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from .method import ASSURANCE_CODES, VARIATION_CODES

GREY = "#A6A6A6"
BLUE = "#00B0F0"
ORANGE = "#E46C0A"
PURPLE = "#7030A0"
DARK_GREY = "#6E6E6E"
# Kind of special cause -> colour, shared with the chart so points and icons agree.
CAUSE_COLOURS = {None: GREY, "improvement": BLUE, "concern": ORANGE, "neither": PURPLE}
ASSURANCE_COLOURS = {"pass": BLUE, "fail": ORANGE, "hit_and_miss": GREY}

VARIATION_LABELS = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improvement (high)",
    "improvement_low": "Special cause improvement (low)",
    "concern_high": "Special cause concern (high)",
    "concern_low": "Special cause concern (low)",
    "neither_high": "Special cause variation (high)",
    "neither_low": "Special cause variation (low)",
}
ASSURANCE_LABELS = {
    "pass": "Consistently passes the target",
    "fail": "Consistently fails the target",
    "hit_and_miss": "Hit and miss the target",
}

# The axes spans slightly more than the unit circle so the ring is not clipped.
_HALF_SPAN = 1.08
_RING = 0.13  # ring width, as a share of the radius
_DOT = 0.075  # dot radius
_XS = (-0.54, -0.36, -0.18, 0.0, 0.18, 0.36, 0.54)
# Dot heights: a level wander, and the same wander with the last three points shifted.
_WANDER = (0.0, 0.07, -0.05, 0.05, -0.07, 0.04, -0.02)
_SHIFT = (0.0, 0.0, 0.0, 0.0, 0.22, 0.3, 0.36)


def variation_colour(code: str) -> str:
    """The colour of a variation icon code."""
    _check(code, VARIATION_CODES)
    return GREY if code == "common_cause" else CAUSE_COLOURS[code.split("_")[0]]


def draw_icon(ax: Axes, code: str) -> None:
    """Draw the icon for a variation or assurance code onto ``ax``, which it takes over."""
    if code in VARIATION_CODES:
        draw_variation_icon(ax, code)
    elif code in ASSURANCE_CODES:
        draw_assurance_icon(ax, code)
    else:
        _check(code, VARIATION_CODES + ASSURANCE_CODES)


def draw_variation_icon(ax: Axes, code: str) -> None:
    """Draw a variation icon (one of ``VARIATION_CODES``) onto ``ax``."""
    colour = variation_colour(code)
    _frame(ax, colour)
    if code == "common_cause":
        _sparkline(ax, [0.0 + w for w in _WANDER], [GREY] * 7, scale=1.2)
        return
    high = code.endswith("_high")
    sign = 1 if high else -1
    # The shift is drawn in a band below the letter; low starts higher so both fill the band.
    base = -0.42 if high else -0.06
    ys = [base + w + sign * s for w, s in zip(_WANDER, _SHIFT, strict=True)]
    colours = [GREY] * 4 + [colour] * 3
    _sparkline(ax, ys, colours)
    _letter(ax, "H" if high else "L", (0.0, 0.47), 0.36, colour)


def draw_assurance_icon(ax: Axes, code: str) -> None:
    """Draw an assurance icon (one of ``ASSURANCE_CODES``) onto ``ax``."""
    _check(code, ASSURANCE_CODES)
    colour = ASSURANCE_COLOURS[code]
    _frame(ax, colour)
    _letter(ax, {"pass": "P", "fail": "F", "hit_and_miss": "?"}[code], (0.0, 0.42), 0.42, colour)
    level = -0.36
    _sparkline(ax, [level + w for w in _WANDER], [GREY] * 7)
    target_y = {"pass": level - 0.2, "fail": level + 0.2, "hit_and_miss": level}[code]
    ax.add_line(
        Line2D(
            [-0.66, 0.66],
            [target_y, target_y],
            # Through grey dots a grey line would vanish: hit and miss draws it darker.
            color=DARK_GREY if code == "hit_and_miss" else colour,
            linewidth=0.06 * _points_per_unit(ax),
            solid_capstyle="butt",
            zorder=1,
        )
    )


def add_icon_axes(fig: Figure, left: float, bottom: float, height: float) -> Axes:
    """A square axes for one icon, placed in figure fractions; its width follows the figure."""
    width = height * fig.get_figheight() / fig.get_figwidth()
    return fig.add_axes((left, bottom, width, height))


def save_icon(code: str, path: Path | str, *, size: float = 1.0, dpi: int = 110) -> Path:
    """Write the icon for ``code`` alone, ``size`` inches square, as PNG or SVG by extension."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise ValueError(f"icon file must end in .png or .svg, not {path.name}")
    fig = Figure(figsize=(size, size), dpi=dpi)
    FigureCanvasAgg(fig)  # Agg, whatever backend the process has chosen: no display needed
    draw_icon(fig.add_axes((0.0, 0.0, 1.0, 1.0)), code)
    # Transparent, so the white disc sits on whatever background the icon is put on.
    with same_svg_bytes():
        fig.savefig(path, transparent=True, metadata=_metadata(path))
    return path


def same_svg_bytes() -> contextlib.AbstractContextManager:
    """matplotlib names an SVG's clip paths, markers and glyphs by a hash salted at random unless
    given a salt: with one, the same chart gives the same file, so two packs can be compared."""
    return matplotlib.rc_context({"svg.hashsalt": "cmast"})


def _metadata(path: Path) -> dict[str, None]:
    # Without a date (and with a fixed salt, same_svg_bytes) an SVG is the same bytes each
    # time it is drawn.
    return {"Date": None} if path.suffix.lower() == ".svg" else {}


def _check(code: str, codes: tuple[str, ...]) -> None:
    if code not in codes:
        raise ValueError(f"unknown icon code {code!r}; expected one of {', '.join(codes)}")


def _frame(ax: Axes, colour: str) -> None:
    """Clear the axes to a unit-circle canvas and draw the white disc and coloured ring."""
    ax.set_xlim(-_HALF_SPAN, _HALF_SPAN)
    ax.set_ylim(-_HALF_SPAN, _HALF_SPAN)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.add_patch(Circle((0, 0), 1.0, facecolor="white", edgecolor="none", zorder=0))
    ax.add_patch(Wedge((0, 0), 1.0, 0, 360, width=_RING, facecolor=colour, edgecolor="none"))


def _sparkline(ax: Axes, ys: list[float], colours: list[str], scale: float = 1.0) -> None:
    """Seven dots joined by a thin grey line."""
    xs = [x * scale for x in _XS]
    ax.add_line(Line2D(xs, ys, color=GREY, linewidth=0.025 * _points_per_unit(ax), zorder=2))
    for x, y, c in zip(xs, ys, colours, strict=True):
        ax.add_patch(Circle((x, y), _DOT, facecolor=c, edgecolor="none", zorder=3))


def _letter(ax: Axes, text: str, centre: tuple[float, float], height: float, colour: str) -> None:
    """A bold glyph outline of the given height, centred on ``centre``."""
    glyph = TextPath((0, 0), text, size=1, prop=FontProperties(family="DejaVu Sans", weight="bold"))
    box = glyph.get_extents()
    placed = (
        Affine2D()
        .translate(-(box.x0 + box.width / 2), -(box.y0 + box.height / 2))
        .scale(height / box.height)
        .translate(*centre)
        .transform_path(glyph)
    )
    ax.add_patch(PathPatch(placed, facecolor=colour, edgecolor="none", zorder=4))


def _points_per_unit(ax: Axes) -> float:
    """Typographic points per data unit, for line widths that scale with the icon."""
    fig = ax.get_figure(root=True)
    assert fig is not None, "an icon is drawn on an axes of a figure"
    box = ax.get_position()
    side_inches = min(box.width * fig.get_figwidth(), box.height * fig.get_figheight())
    return side_inches * 72 / (2 * _HALF_SPAN)

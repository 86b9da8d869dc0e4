"""The XmR chart and the MDC icons are written as real, non-trivial PNG and SVG files."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.spc import (
    ASSURANCE_CODES,
    VARIATION_CODES,
    analyse,
    build_figure,
    format_value,
    render_chart,
    save_icon,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def months(n: int) -> list[str]:
    return [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def assert_png(path, min_bytes):
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > min_bytes


def assert_svg(path, min_bytes):
    assert path.stat().st_size > min_bytes
    assert ET.parse(path).getroot().tag.endswith("svg")


@pytest.fixture(scope="module")
def rich_result():
    """Two segments, a fixed baseline, a target and signals of every kind of cause."""
    values = [11.0, 9.0] * 6 + [14.0, 10.5, 14.0, 4.0] + [21.0, 19.0] * 6 + [26.0]
    periods = months(len(values))
    return analyse(
        periods, values, improvement="up", target=16.0, baseline=12, rebase=[periods[16]]
    )


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_chart_is_written(tmp_path, rich_result, suffix):
    path = render_chart(rich_result, tmp_path / f"chart{suffix}", title="A measure")
    if suffix == ".png":
        assert_png(path, 20_000)
    else:
        assert_svg(path, 20_000)


def test_short_series_chart_is_written_without_icons(tmp_path):
    r = analyse(months(5), [1.0, 3.0, 2.0, 4.0, 3.0], improvement="neither")
    assert r.insufficient_data
    # One axes: the chart itself, no icon axes.
    assert len(build_figure(r).axes) == 1
    assert_png(render_chart(r, tmp_path / "short.png"), 10_000)


def test_icons_are_placed_on_the_chart(rich_result):
    # The chart plus a variation and an assurance icon.
    assert len(build_figure(rich_result).axes) == 3


def test_long_series_chart(tmp_path):
    # 60 monthly points: period labels are thinned and tilted; the file is still written.
    values = [50.0 + (i % 5) - (i % 3) for i in range(60)]
    r = analyse(months(60), values, improvement="down")
    assert_png(render_chart(r, tmp_path / "long.png"), 20_000)


def test_chart_refuses_other_formats(tmp_path, rich_result):
    with pytest.raises(ValueError, match=".png or .svg"):
        render_chart(rich_result, tmp_path / "chart.pdf")


@pytest.mark.parametrize("code", VARIATION_CODES + ASSURANCE_CODES)
def test_every_icon_is_written(tmp_path, code):
    assert_png(save_icon(code, tmp_path / f"{code}.png"), 1_000)
    assert_svg(save_icon(code, tmp_path / f"{code}.svg"), 1_000)


def test_unknown_icon_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown icon code"):
        save_icon("improvement", tmp_path / "x.png")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (76.2345, "76.23"),
        (76.0, "76"),
        (355.14, "355.1"),
        (12345.6, "12,346"),
        (0.7623, "0.762"),
        (0.0, "0"),
        (-4.5, "-4.5"),
        (None, "-"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]


def test_no_variation_chart_has_a_note_and_no_limits_or_icons(tmp_path):
    r = analyse(months(14), [59.37] * 14, improvement="up", target=92.0, unit="percent")
    fig = build_figure(r)
    assert len(fig.axes) == 1  # the chart alone: no icons
    ax = fig.axes[0]
    # One mean line per segment (a LineCollection from hlines) and no dashed limits.
    dashed = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
    assert dashed == []
    assert "No variation: every point is 59.37%" in _texts(fig)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert not any(t.startswith("Process limits") for t in legend)
    assert "Target 92%" in legend
    assert_png(render_chart(r, tmp_path / "flat.png"), 10_000)


def test_chart_with_variation_draws_both_limits(rich_result):
    ax = build_figure(rich_result).axes[0]
    dashed = [c for c in ax.collections if c.get_linestyle()[0][1] is not None]
    assert len(dashed) == 2 * len(rich_result.segments)


def test_the_same_chart_and_icon_are_the_same_svg_bytes_each_time(tmp_path, rich_result):
    """Two packs written from one warehouse can be compared file by file: an SVG carries no
    date and no randomly salted ids."""
    first = render_chart(rich_result, tmp_path / "first.svg", title="A measure").read_bytes()
    second = render_chart(rich_result, tmp_path / "second.svg", title="A measure").read_bytes()
    assert b"clip-path" in first and first == second
    icon = save_icon("improvement_high", tmp_path / "a.svg").read_bytes()
    assert icon == save_icon("improvement_high", tmp_path / "b.svg").read_bytes()

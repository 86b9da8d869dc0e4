"""Statistical process control in NHS England's Making Data Count (MDC) style: the XmR method.

Input: one measure as a series of points, each a period label (a string such as ``2023-10`` or
a date; kept as given) and a finite number. Points are put in time order first: labels that are
dates (or read as dates: ``YYYY-MM-DD``, ``DD/MM/YYYY``, ``YYYY-MM``, ``YYYY-Www``, ``YYYY-Qn``)
are sorted by date, and other labels are accepted only when already in their natural order,
never taken in file order (see :mod:`pipeline.spc.periods`). ``SpcResult.reordered`` says
whether the points had to be sorted.

Output: an :class:`SpcResult` holding, per segment (the whole series unless the analyst rebased
it), the mean, process limits and sigma lines, and, per point, its moving range, every
special-cause rule that flags it, the one rule that labels it, and whether that signal is an
improvement or a concern; plus the MDC variation icon of the latest point, the assurance icon
against a target and a sentence on assurance (``assurance_note``).

One label per point, as NHS England's Making Data Count tool gives it (and the NHS-R
NHSRplotthedots package, which follows the tool): a point flagged by several rules takes the
first of ``PRECEDENCE``: beyond a limit, then a trend, then two of three near a limit, then a
run. The label decides the point's side (high or low), so a falling trend that is still above
the mean reads as low, and the variation icon of the latest point follows it.

Choices where the MDC guidance leaves room, all deliberate:

* Limits: mean +/- 2.66 x MR-bar, with moving ranges above 3.267 x MR-bar screened out and MR-bar
  recomputed once without them. Sigma is taken as 2.66 / 3 x MR-bar (0.8867 x MR-bar, about
  MR-bar / 1.128) so that three sigma is exactly the process limit.
* Baseline: the first ``baseline`` points of each segment fix its mean and limits; later points of
  the segment are judged against them.
* Rebasing: each rebase period starts a new segment with its own mean and limits. The moving range
  between the last point of one segment and the first of the next spans the process change, so it
  is neither calculated nor used. Rules look within a segment only: a run or a trend does not carry
  across a process change.
* Run: ``run_length`` or more consecutive points all above, or all below, the mean. A point exactly
  on the mean belongs to neither side and so ends a run.
* Trend: ``trend_length`` or more consecutive points each strictly higher (or each strictly lower)
  than the one before; N points make N - 1 steps. A repeated value ends a trend.
* Two of three: in any three consecutive points all on the same side of the mean, two or more
  beyond two sigma on that side (points beyond the process limit count among them); the points
  beyond two sigma are flagged. A window with a point on the other side of the mean, or on the
  mean, is no signal (the Making Data Count team's rule since November 2023).
* "Beyond" a line means strictly beyond it; values within a relative 1e-9 of a line count as on it,
  so that floating-point noise in a mean does not decide a signal.
* Side of a signal: the point's label decides it. Labelled by a rule that looks at where it lies
  (beyond a limit, two of three, run), a point is high when above the mean and low when below.
  Labelled by a trend, it takes the trend's direction (rising = high), wherever it lies; a turning
  point shared by a rising and a falling trend takes the direction of the trend that ends at it,
  the signal as it stood when it was reported.
* No variation: when a segment's MR-bar is zero (every point equal, or equal apart from steps
  that the screening leaves out) its limits would collapse onto the mean and flag every point
  that differs from it. Such a segment flags nothing; when it is the latest, ``no_variation`` is
  set, no icons are given and the chart draws the line with a note instead of limits.
* Too few points: when the latest segment's limits rest on fewer than ``min_points`` points (12 by
  default; MDC recommends 15 or more, the briefing accepts 12), the result keeps its limits and
  flags but sets ``insufficient_data`` and gives no icons; ``assurance_note`` then says
  "target 92%: too few points for assurance" when there is a target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .periods import time_order
from .text import format_with_unit

# 2.66 = 3 / d2 with d2 = 1.128, the bias constant of a moving range of two points.
LIMIT_FACTOR = 2.66
# 3.267 = D4 for ranges of two: the upper limit of the moving-range chart itself.
MR_SCREEN_FACTOR = 3.267
SIGMA_FACTOR = LIMIT_FACTOR / 3
DEFAULT_RUN_LENGTH = 7
MIN_POINTS = 12
# Relative tolerance for "on a line" (see the module docstring).
_REL_TOL = 1e-9

IMPROVEMENTS = ("up", "down", "neither")

RULE_ASTRONOMICAL = "astronomical"
RULE_TWO_OF_THREE = "two_of_three"
RULE_RUN = "run"
RULE_TREND = "trend"
RULES = (RULE_ASTRONOMICAL, RULE_TWO_OF_THREE, RULE_RUN, RULE_TREND)
#: The order in which a point flagged by several rules takes its one label (MDC's own order).
PRECEDENCE = (RULE_ASTRONOMICAL, RULE_TREND, RULE_TWO_OF_THREE, RULE_RUN)

VARIATION_CODES = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neither_high",
    "neither_low",
)
ASSURANCE_CODES = ("pass", "fail", "hit_and_miss")
_ASSURANCE_WORDS = {
    "pass": "consistently passes",
    "fail": "consistently fails",
    "hit_and_miss": "hit and miss",
}


@dataclass(frozen=True)
class Segment:
    """One stretch of the series with its own mean and limits (one per rebase, plus the first).

    ``start`` and ``stop`` are positions in the series (``stop`` one past the last point).
    ``n_baseline`` points from ``start`` set the limits. ``mr_bar_unscreened`` is the mean of all
    their moving ranges; ``mr_bar`` is the mean after screening out the ``n_screened`` ranges above
    3.267 x ``mr_bar_unscreened``.
    """

    index: int
    start: int
    stop: int
    n_baseline: int
    mean: float
    mr_bar_unscreened: float
    mr_bar: float
    n_screened: int

    @property
    def sigma(self) -> float:
        return SIGMA_FACTOR * self.mr_bar

    @property
    def upper_process_limit(self) -> float:
        return self.mean + LIMIT_FACTOR * self.mr_bar

    @property
    def lower_process_limit(self) -> float:
        return self.mean - LIMIT_FACTOR * self.mr_bar

    def sigma_line(self, k: int) -> float:
        """The line ``k`` sigma from the mean: positive ``k`` above it, negative below."""
        return self.mean + k * self.sigma

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "start": self.start,
            "stop": self.stop,
            "n_baseline": self.n_baseline,
            "mean": self.mean,
            "mr_bar_unscreened": self.mr_bar_unscreened,
            "mr_bar": self.mr_bar,
            "n_screened": self.n_screened,
            "sigma": self.sigma,
            "upper_process_limit": self.upper_process_limit,
            "lower_process_limit": self.lower_process_limit,
            "upper_two_sigma": self.sigma_line(2),
            "lower_two_sigma": self.sigma_line(-2),
            "upper_one_sigma": self.sigma_line(1),
            "lower_one_sigma": self.sigma_line(-1),
        }


@dataclass(frozen=True)
class SpcPoint:
    """One period of the measure as the method sees it.

    ``moving_range`` is |value - previous value| within the segment (None for a segment's first
    point). ``in_baseline`` says the point helped set its segment's limits; ``screened`` says its
    moving range was one of those left out of MR-bar. ``flags`` lists the rules that flag the
    point, in the order of ``RULES``; ``label`` is the one of them that names the point, the
    first in ``PRECEDENCE``. ``side`` (``high``/``low``) and ``special_cause``
    (``improvement``/``concern``/``neither``) follow the label; all three are None for
    common-cause points.
    """

    period: Any
    value: float
    segment: int
    moving_range: float | None
    in_baseline: bool
    screened: bool
    flags: tuple[str, ...]
    label: str | None
    side: str | None
    special_cause: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": period_label(self.period),
            "value": self.value,
            "segment": self.segment,
            "moving_range": self.moving_range,
            "in_baseline": self.in_baseline,
            "screened": self.screened,
            "flags": list(self.flags),
            "label": self.label,
            "side": self.side,
            "special_cause": self.special_cause,
        }


@dataclass(frozen=True)
class SpcResult:
    """The SPC analysis of one measure: settings, segments, points and the two MDC icons.

    ``mean``, the process limits and the sigma lines are those of the latest segment, the ones a
    board judges the current process by. ``variation`` is one of ``VARIATION_CODES`` and
    ``assurance`` one of ``ASSURANCE_CODES`` or None (no target, direction ``neither``, or too few
    points); both are None when ``insufficient_data`` or ``no_variation``.

    ``unit`` is the measure's unit as the catalogue names it (``percent``, ``count``, ...) or None;
    it only shapes text. ``reordered`` says the points were sorted into date order.
    ``no_variation`` says the latest segment's limits collapse (MR-bar zero): no limits, flags or
    icons mean anything, and ``no_variation_note`` says why in words. ``assurance_note`` is
    always a sentence for the reader: "no target set", "target 92%: too few points for
    assurance", "target 92%: consistently fails", and so on.
    """

    improvement: str
    target: float | None
    run_length: int
    trend_length: int
    baseline: int | None
    min_points: int
    segments: tuple[Segment, ...]
    points: tuple[SpcPoint, ...]
    insufficient_data: bool
    variation: str | None
    assurance: str | None
    unit: str | None = None
    reordered: bool = False
    no_variation: bool = False

    @property
    def latest_segment(self) -> Segment:
        return self.segments[-1]

    @property
    def mean(self) -> float:
        return self.latest_segment.mean

    @property
    def upper_process_limit(self) -> float:
        return self.latest_segment.upper_process_limit

    @property
    def lower_process_limit(self) -> float:
        return self.latest_segment.lower_process_limit

    @property
    def sigma(self) -> float:
        return self.latest_segment.sigma

    @property
    def no_variation_note(self) -> str | None:
        """Why no limits are drawn, in words (None when there is variation)."""
        if not self.no_variation:
            return None
        seg = self.latest_segment
        values = [p.value for p in self.points[seg.start : seg.stop]]
        base = set(values[: seg.n_baseline])
        if len(set(values)) == 1:
            return f"no variation: every point is {format_with_unit(values[0], self.unit)}"
        if len(base) == 1:
            return (
                f"no variation in the {seg.n_baseline} points that set the limits (every one is "
                f"{format_with_unit(base.pop(), self.unit)}), so no limits can be drawn"
            )
        steps = seg.n_screened
        return (
            f"no variation apart from {steps} step{'s' if steps != 1 else ''}: the points are "
            "otherwise equal, so process limits would collapse onto the mean"
        )

    @property
    def assurance_note(self) -> str:
        """Assurance in words, whatever the reason there is or is not an icon."""
        if self.target is None:
            return "no target set"
        target = f"target {format_with_unit(self.target, self.unit)}"
        if self.improvement == "neither":
            return f"{target}: no assurance, as neither direction is better"
        if self.insufficient_data:
            return f"{target}: too few points for assurance"
        if self.no_variation:
            return f"{target}: no variation, so no assurance"
        assert self.assurance is not None, "set for every target with enough varying points"
        return f"{target}: {_ASSURANCE_WORDS[self.assurance]}"

    def sigma_line(self, k: int) -> float:
        """The latest segment's line ``k`` sigma from the mean (negative ``k``: below it)."""
        return self.latest_segment.sigma_line(k)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: plain floats, ints, strings, lists and None only."""
        latest = self.latest_segment.to_dict()
        return {
            "improvement": self.improvement,
            "target": self.target,
            "run_length": self.run_length,
            "trend_length": self.trend_length,
            "baseline": self.baseline,
            "min_points": self.min_points,
            "n_points": len(self.points),
            "insufficient_data": self.insufficient_data,
            "unit": self.unit,
            "reordered": self.reordered,
            "no_variation": self.no_variation,
            "no_variation_note": self.no_variation_note,
            "assurance_note": self.assurance_note,
            "mean": latest["mean"],
            "mr_bar": latest["mr_bar"],
            "sigma": latest["sigma"],
            "upper_process_limit": latest["upper_process_limit"],
            "lower_process_limit": latest["lower_process_limit"],
            "upper_two_sigma": latest["upper_two_sigma"],
            "lower_two_sigma": latest["lower_two_sigma"],
            "upper_one_sigma": latest["upper_one_sigma"],
            "lower_one_sigma": latest["lower_one_sigma"],
            "variation": self.variation,
            "assurance": self.assurance,
            "segments": [
                {**s.to_dict(), "first_period": period_label(self.points[s.start].period)}
                for s in self.segments
            ],
            "points": [p.to_dict() for p in self.points],
        }


def period_label(period: Any) -> str:
    """The text of a period label: strings as given, midnight timestamps as ``YYYY-MM-DD``."""
    if isinstance(period, str):
        return period
    if isinstance(period, datetime):
        if (period.hour, period.minute, period.second, period.microsecond) == (0, 0, 0, 0):
            return period.date().isoformat()
        return period.isoformat()
    if isinstance(period, date):
        return period.isoformat()
    return str(period)


def analyse(
    data: Any,
    values: Sequence[float] | None = None,
    *,
    improvement: str,
    target: float | None = None,
    run_length: int = DEFAULT_RUN_LENGTH,
    trend_length: int | None = None,
    baseline: int | None = None,
    rebase: Sequence[Any] = (),
    min_points: int = MIN_POINTS,
    unit: str | None = None,
) -> SpcResult:
    """Analyse one measure the MDC way.

    Call as ``analyse(series, improvement=...)`` with a pandas Series indexed by period, or as
    ``analyse(periods, values, improvement=...)`` with two sequences of equal length.
    ``improvement`` is ``up`` (higher is better), ``down`` or ``neither``. ``trend_length``
    defaults to ``run_length``. ``baseline`` is the number of points at the start of each segment
    that fix its limits (default: all of them). ``rebase`` lists periods at which a known process
    change starts a new segment; they are matched on their label text. ``unit`` (``percent``,
    ``gbp_thousands``, ``count``, ...) only shapes the notes' text. Points are sorted into date
    order when their periods are dates (``reordered`` on the result says so). Raises ValueError on
    unusable input or settings, and on periods out of order that are not dates.
    """
    periods, xs, reordered = _points_from(data, values)
    if improvement not in IMPROVEMENTS:
        choices = ", ".join(IMPROVEMENTS)
        raise ValueError(f"improvement must be one of {choices}, not {improvement!r}")
    trend_length = run_length if trend_length is None else trend_length
    for name, n in (("run_length", run_length), ("trend_length", trend_length)):
        if n < 2:
            raise ValueError(f"{name} must be at least 2, not {n}")
    if baseline is not None and baseline < 2:
        raise ValueError(f"baseline must be at least 2 points, not {baseline}")
    if target is not None and not math.isfinite(target):
        raise ValueError(f"target must be a finite number, not {target!r}")

    segments = [
        _segment_limits(xs, i, start, stop, baseline)
        for i, (start, stop) in enumerate(_segment_bounds(periods, rebase))
    ]
    points: list[SpcPoint] = []
    for seg in segments:
        points.extend(_segment_points(periods, xs, seg, run_length, trend_length, improvement))

    latest = segments[-1]
    insufficient = latest.n_baseline < min_points
    no_variation = latest.mr_bar == 0
    variation = assurance = None
    if not insufficient and not no_variation:
        variation = _variation(points[-1])
        assurance = _assurance(latest, target, improvement)
    return SpcResult(
        improvement=improvement,
        target=None if target is None else float(target),
        run_length=run_length,
        trend_length=trend_length,
        baseline=baseline,
        min_points=min_points,
        segments=tuple(segments),
        points=tuple(points),
        insufficient_data=insufficient,
        variation=variation,
        assurance=assurance,
        unit=unit,
        reordered=reordered,
        no_variation=no_variation,
    )


def _points_from(data: Any, values: Sequence[float] | None) -> tuple[list[Any], list[float], bool]:
    """Periods and float values, in time order, from a Series or from two sequences; checks
    them. The flag says they had to be sorted."""
    if values is None:
        # A pandas Series (or anything with an index and values): the index holds the periods.
        if not (hasattr(data, "index") and hasattr(data, "to_numpy")):
            raise ValueError("give a pandas Series, or periods and values as two sequences")
        periods, raw = list(data.index), list(data.to_numpy())
    else:
        periods, raw = list(data), list(values)
    if len(periods) != len(raw):
        raise ValueError(f"{len(periods)} periods but {len(raw)} values")
    if len(raw) < 2:
        raise ValueError(f"SPC needs at least 2 points, got {len(raw)}")
    labels = [period_label(p) for p in periods]
    if len(set(labels)) != len(labels):
        dupes = sorted({lab for lab in labels if labels.count(lab) > 1})
        raise ValueError(f"periods repeat: {', '.join(dupes)}")
    xs: list[float] = []
    for label, v in zip(labels, raw, strict=True):
        try:
            x = float(v)
        except (TypeError, ValueError):
            raise ValueError(f"value for {label} is not a number: {v!r}") from None
        if not math.isfinite(x):
            raise ValueError(f"value for {label} is missing or not finite: {v!r}")
        xs.append(x)
    order, reordered = time_order(periods, labels)
    return [periods[i] for i in order], [xs[i] for i in order], reordered


def _segment_bounds(periods: list[Any], rebase: Sequence[Any]) -> list[tuple[int, int]]:
    """(start, stop) of each segment; a rebase at the first period changes nothing."""
    position = {period_label(p): i for i, p in enumerate(periods)}
    starts = {0}
    for r in rebase:
        label = period_label(r)
        if label not in position:
            raise ValueError(f"rebase period {label} is not in the series")
        starts.add(position[label])
    cuts = sorted(starts) + [len(periods)]
    bounds = list(zip(cuts[:-1], cuts[1:], strict=True))
    for start, stop in bounds:
        if stop - start < 2:
            # One point has no moving range, so no limits can be drawn for it.
            raise ValueError(f"the segment starting {period_label(periods[start])} has one point")
    return bounds


def _segment_limits(
    xs: list[float], index: int, start: int, stop: int, baseline: int | None
) -> Segment:
    """Mean and MR-bar of a segment from its baseline points, screening large moving ranges."""
    n_base = stop - start if baseline is None else min(baseline, stop - start)
    base = xs[start : start + n_base]
    mean = math.fsum(base) / n_base
    ranges = [abs(b - a) for a, b in zip(base[:-1], base[1:], strict=True)]
    mr_bar_all = math.fsum(ranges) / len(ranges)
    cap = MR_SCREEN_FACTOR * mr_bar_all
    kept = [r for r in ranges if not _beyond(r, cap, above=True)]
    # ``kept`` is never empty: not every range can exceed 3.267 times their own mean, and when
    # that mean is zero no range is above it.
    mr_bar = math.fsum(kept) / len(kept)
    return Segment(
        index=index,
        start=start,
        stop=stop,
        n_baseline=n_base,
        mean=mean,
        mr_bar_unscreened=mr_bar_all,
        mr_bar=mr_bar,
        n_screened=len(ranges) - len(kept),
    )


def _segment_points(
    periods: list[Any],
    xs: list[float],
    seg: Segment,
    run_length: int,
    trend_length: int,
    improvement: str,
) -> list[SpcPoint]:
    """The points of one segment with their moving ranges, flags and classification."""
    values = xs[seg.start : seg.stop]
    n = len(values)
    flags: list[set[str]] = [set() for _ in range(n)]
    trend_dir: list[int] = [0] * n

    # With MR-bar zero the limits sit on the mean and every rule would fire on any change, so a
    # segment without variation flags nothing (see "No variation" above).
    if seg.mr_bar > 0:
        for i in _astronomical(values, seg):
            flags[i].add(RULE_ASTRONOMICAL)
        for i in _two_of_three(values, seg):
            flags[i].add(RULE_TWO_OF_THREE)
        for i in _runs(values, seg.mean, run_length):
            flags[i].add(RULE_RUN)
        # Trends are listed oldest first, so a turning point keeps the direction of the trend that
        # ends at it: the later trend, which starts there, does not overwrite an earlier one.
        for idx, direction in _trends(values, trend_length):
            for i in idx:
                flags[i].add(RULE_TREND)
                if trend_dir[i] == 0:
                    trend_dir[i] = direction

    cap = MR_SCREEN_FACTOR * seg.mr_bar_unscreened
    points = []
    for i, x in enumerate(values):
        mr = None if i == 0 else abs(x - values[i - 1])
        in_base = i < seg.n_baseline
        label = next((rule for rule in PRECEDENCE if rule in flags[i]), None)
        side = _signal_side(x, seg.mean, label, trend_dir[i])
        points.append(
            SpcPoint(
                period=periods[seg.start + i],
                value=x,
                segment=seg.index,
                moving_range=mr,
                in_baseline=in_base,
                screened=in_base and mr is not None and _beyond(mr, cap, above=True),
                flags=tuple(r for r in RULES if r in flags[i]),
                label=label,
                side=side,
                special_cause=None if side is None else _classify(side, improvement),
            )
        )
    return points


def _beyond(x: float, line: float, *, above: bool) -> bool:
    """Strictly above (or below) a line, treating a relative 1e-9 as on the line."""
    if math.isclose(x, line, rel_tol=_REL_TOL, abs_tol=0.0):
        return False
    return x > line if above else x < line


def _direction(x: float, line: float) -> int:
    """+1 when ``x`` is above the line, -1 below it, 0 on it."""
    if _beyond(x, line, above=True):
        return 1
    if _beyond(x, line, above=False):
        return -1
    return 0


def _astronomical(values: list[float], seg: Segment) -> list[int]:
    """Positions of points beyond a process limit."""
    upl, lpl = seg.upper_process_limit, seg.lower_process_limit
    return [
        i
        for i, x in enumerate(values)
        if _beyond(x, upl, above=True) or _beyond(x, lpl, above=False)
    ]


def _two_of_three(values: list[float], seg: Segment) -> set[int]:
    """Positions beyond two sigma that share a three-point window, all three points on one side
    of the mean, with another beyond two sigma on that side."""
    upper, lower = seg.sigma_line(2), seg.sigma_line(-2)
    sides = [_direction(x, seg.mean) for x in values]
    beyond = {
        1: [_beyond(x, upper, above=True) for x in values],
        -1: [_beyond(x, lower, above=False) for x in values],
    }
    flagged: set[int] = set()
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        side = sides[start]
        if side == 0 or any(sides[i] != side for i in window):
            continue
        hits = [i for i in window if beyond[side][i]]
        if len(hits) >= 2:
            flagged.update(hits)
    return flagged


def _runs(values: list[float], mean: float, length: int) -> set[int]:
    """Positions in stretches of ``length`` or more points on one side of the mean."""
    sides = [_direction(x, mean) for x in values]
    return {
        i
        for first, last, side in _runs_of(sides)
        if side != 0 and last - first + 1 >= length
        for i in range(first, last + 1)
    }


def _trends(values: list[float], length: int) -> list[tuple[range, int]]:
    """(positions, +1 rising / -1 falling) of each trend of ``length`` or more points."""
    # steps[i] is the direction from point i to point i + 1; a trend of N points is N - 1 steps.
    steps = [_direction(b, a) for a, b in zip(values[:-1], values[1:], strict=True)]
    trends = []
    for run in _runs_of(steps):
        first, last, direction = run
        if direction != 0 and last - first + 2 >= length:
            trends.append((range(first, last + 2), direction))
    return trends


def _runs_of(codes: list[int]) -> list[tuple[int, int, int]]:
    """Maximal stretches of equal codes as (first position, last position, code)."""
    out: list[tuple[int, int, int]] = []
    for i, c in enumerate(codes):
        if out and out[-1][2] == c and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i, c)
        else:
            out.append((i, i, c))
    return out


def _signal_side(x: float, mean: float, label: str | None, trend_dir: int) -> str | None:
    """``high``/``low`` for a labelled point, None for common cause: a trend's direction, or
    where the point lies for the other rules (see the module docstring)."""
    if label is None:
        return None
    direction = trend_dir if label == RULE_TREND else _direction(x, mean)
    return "high" if direction > 0 else "low"


def _classify(side: str, improvement: str) -> str:
    """Whether a high or low signal is good news, given the direction of improvement."""
    if improvement == "neither":
        return "neither"
    good = "high" if improvement == "up" else "low"
    return "improvement" if side == good else "concern"


def _variation(latest: SpcPoint) -> str:
    """The MDC variation icon: decided by whether the latest point is part of a signal."""
    if latest.special_cause is None:
        return "common_cause"
    return f"{latest.special_cause}_{latest.side}"


def _assurance(seg: Segment, target: float | None, improvement: str) -> str | None:
    """The MDC assurance icon: where the target lies relative to the latest process limits."""
    if target is None or improvement == "neither":
        return None
    upl, lpl = seg.upper_process_limit, seg.lower_process_limit
    # With higher better, a target below the lower limit is met by every point the process is
    # expected to produce; a target above the upper limit by none of them. Mirror for lower better.
    if improvement == "up":
        below_good = _beyond(target, lpl, above=False)
        above_bad = _beyond(target, upl, above=True)
        return "pass" if below_good else "fail" if above_bad else "hit_and_miss"
    above_good = _beyond(target, upl, above=True)
    below_bad = _beyond(target, lpl, above=False)
    return "pass" if above_good else "fail" if below_bad else "hit_and_miss"

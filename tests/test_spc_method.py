"""The MDC XmR method on hand-worked series.

Most series start from one of two baselines that alternate about 10, so their limits are easy to
work by hand and they hold no signal of their own:

    BASE_LOW_LAST  = 11, 9, 11, 9, ... (12 points, the last one below the mean)
    BASE_HIGH_LAST =  9, 11, 9, 11, ... (12 points, the last one above the mean)

    mean      = 120 / 12 = 10
    MR-bar    = 2 (every moving range is |11 - 9| = 2; none above 3.267 x 2 = 6.534)
    limits    = 10 +/- 2.66 x 2 = 10 +/- 5.32          -> 4.68 and 15.32
    sigma     = 2.66 / 3 x 2 = 1.77333
    two sigma = 10 +/- 3.54667                          -> 6.45333 and 13.54667

Points appended after them are judged against these limits by passing ``baseline=12``. The
baselines alternate, so they hold no run (runs of 1) and no trend (at most 2 points each way).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spc import PRECEDENCE, analyse

BASE_LOW_LAST = [11.0, 9.0] * 6
BASE_HIGH_LAST = [9.0, 11.0] * 6


def months(n: int) -> list[str]:
    return [f"{2022 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]


def run(values, **settings_):
    settings_.setdefault("improvement", "up")
    return analyse(months(len(values)), values, **settings_)


def flagged(result) -> dict[int, tuple[str, ...]]:
    """Position -> rules, for flagged points only."""
    return {i: p.flags for i, p in enumerate(result.points) if p.flags}


# --- limits ---------------------------------------------------------------------------------


def test_limits_of_the_alternating_baseline():
    r = run(BASE_LOW_LAST)
    assert r.mean == pytest.approx(10.0)
    assert r.latest_segment.mr_bar == pytest.approx(2.0)
    assert r.upper_process_limit == pytest.approx(15.32)
    assert r.lower_process_limit == pytest.approx(4.68)
    assert r.sigma == pytest.approx(1.773333, rel=1e-6)
    assert r.latest_segment.sigma_line(2) == pytest.approx(13.546667, rel=1e-6)
    assert r.latest_segment.sigma_line(-1) == pytest.approx(8.226667, rel=1e-6)
    assert flagged(r) == {}
    assert r.variation == "common_cause"
    # The first point has no moving range; the others are all |11 - 9| = 2.
    assert [p.moving_range for p in r.points[:3]] == [None, 2.0, 2.0]


def test_a_large_moving_range_is_screened_out_once():
    # 10, 12, 10, 12, 10, 12, 30, 28, 30, 28, 30, 28
    # mean = (3 x 22 + 3 x 58) / 12 = 240 / 12 = 20
    # moving ranges: five of 2, then |30 - 12| = 18, then five of 2
    # MR-bar with it    = (10 + 18 + 10) / 11 = 38 / 11 = 3.4545; cap 3.267 x 3.4545 = 11.286
    # 18 > 11.286, so it is screened; MR-bar without it = 20 / 10 = 2.0
    # limits = 20 +/- 5.32 -> 14.68 and 25.32 (with it they would be 20 +/- 9.19)
    r = run([10.0, 12.0] * 3 + [30.0, 28.0] * 3)
    seg = r.latest_segment
    assert seg.mr_bar_unscreened == pytest.approx(38 / 11)
    assert seg.mr_bar == pytest.approx(2.0)
    assert seg.n_screened == 1
    assert [i for i, p in enumerate(r.points) if p.screened] == [6]
    assert r.points[6].moving_range == pytest.approx(18.0)
    assert r.upper_process_limit == pytest.approx(25.32)
    assert r.lower_process_limit == pytest.approx(14.68)
    # Every point is 10, 12, 28 or 30: all outside 14.68..25.32.
    assert all("astronomical" in p.flags for p in r.points)


def test_mean_moving_range_of_zero_gives_flat_limits_and_no_signals():
    # A constant baseline: MR-bar 0, so every line sits on the mean. This used to flag 5.5 as
    # astronomical; limits collapsed onto the mean mark any change at all a signal, which says
    # nothing, so a segment without variation now flags nothing and says so instead.
    r = run([5.0] * 12 + [5.5], baseline=12)
    assert r.upper_process_limit == r.lower_process_limit == 5.0
    assert flagged(r) == {}
    assert r.no_variation
    assert r.no_variation_note == (
        "no variation in the 12 points that set the limits (every one is 5), so no limits can "
        "be drawn"
    )
    assert r.variation is None and r.assurance is None


# --- rule 1: astronomical points ------------------------------------------------------------


def test_point_beyond_lower_limit_is_a_concern_when_higher_is_better():
    r = run(BASE_LOW_LAST + [4.0], baseline=12)  # 4 < 4.68
    assert flagged(r) == {12: ("astronomical",)}
    assert r.points[12].side == "low"
    assert r.points[12].special_cause == "concern"
    assert r.variation == "concern_low"


def test_point_exactly_on_the_limit_is_not_beyond_it():
    # 15.32 is the upper limit itself; alone it is also no two-of-three signal.
    r = run(BASE_LOW_LAST + [15.32], baseline=12)
    assert flagged(r) == {}
    assert r.variation == "common_cause"


# --- rule 2: runs ---------------------------------------------------------------------------

RUN_OF_7 = [10.5, 11.0, 10.5, 11.0, 10.5, 11.0, 10.5]  # all above 10, below 13.55, no trend


def test_run_of_exactly_seven_above_the_mean_is_flagged():
    # BASE_LOW_LAST ends with 9 (below), so the run is positions 12-18, seven points.
    r = run(BASE_LOW_LAST + RUN_OF_7, baseline=12)
    assert flagged(r) == {i: ("run",) for i in range(12, 19)}
    assert all(r.points[i].special_cause == "improvement" for i in range(12, 19))
    assert r.variation == "improvement_high"


def test_run_of_six_is_not_flagged_at_the_default_length():
    r = run(BASE_LOW_LAST + RUN_OF_7[:6], baseline=12)
    assert flagged(r) == {}
    assert r.variation == "common_cause"


def test_run_length_six_is_a_setting():
    r = run(BASE_LOW_LAST + RUN_OF_7[:6], baseline=12, run_length=6)
    assert flagged(r) == {i: ("run",) for i in range(12, 18)}


def test_a_point_on_the_mean_breaks_a_run():
    # 10 is exactly the mean: it splits seven points into runs of 3 and 3.
    r = run(BASE_LOW_LAST + [10.5, 11.0, 10.5, 10.0, 11.0, 10.5, 11.0], baseline=12)
    assert flagged(r) == {}


def test_run_below_the_mean_is_an_improvement_when_lower_is_better():
    # BASE_HIGH_LAST ends above, so the seven points below form a run of exactly seven.
    r = run(BASE_HIGH_LAST + [9.5, 9.0, 9.5, 9.0, 9.5, 9.0, 9.5], baseline=12, improvement="down")
    assert flagged(r) == {i: ("run",) for i in range(12, 19)}
    assert r.variation == "improvement_low"


def test_a_run_ended_before_the_latest_point_leaves_common_cause():
    # The run of seven is flagged but the latest point (9, below) is not part of it.
    r = run(BASE_LOW_LAST + RUN_OF_7 + [9.0], baseline=12)
    assert 18 in flagged(r) and 19 not in flagged(r)
    assert r.variation == "common_cause"


# --- rule 3: trends -------------------------------------------------------------------------

RISE_OF_7 = [8.5, 9.0, 9.5, 10.5, 11.0, 11.5, 12.0]


def test_trend_of_exactly_seven_rising_points_is_flagged():
    # BASE_HIGH_LAST ends with 11, then 8.5 is a fall, then six rises: seven points 12-18.
    # Runs: 8.5, 9, 9.5 below (3) and 10.5..12 above (4), so only the trend flags them.
    r = run(BASE_HIGH_LAST + RISE_OF_7, baseline=12)
    assert flagged(r) == {i: ("trend",) for i in range(12, 19)}
    # 8.5 lies below the mean but is flagged only by a rising trend, so it is "high".
    assert {r.points[i].side for i in range(12, 19)} == {"high"}
    assert r.variation == "improvement_high"


def test_six_rising_points_are_not_a_trend():
    r = run(BASE_HIGH_LAST + RISE_OF_7[:6], baseline=12)
    assert flagged(r) == {}


def test_a_repeated_value_breaks_a_trend():
    # 8.5, 9, 9.5 | 9.5, 10.5, 11, 11.5, 12: rises of 3 and 5 points.
    r = run(BASE_HIGH_LAST + [8.5, 9.0, 9.5, 9.5, 10.5, 11.0, 11.5, 12.0], baseline=12)
    assert flagged(r) == {}


def test_falling_trend_both_directions():
    # BASE_LOW_LAST ends with 9; 11.5 is a rise, then six falls: seven points 12-18.
    # Runs: 11.5, 11, 10.5 above (3); 9.5, 9, 8.5, 8 below (4). 8 is above two sigma (6.45).
    values = BASE_LOW_LAST + [11.5, 11.0, 10.5, 9.5, 9.0, 8.5, 8.0]
    down = run(values, baseline=12, improvement="down")
    up = run(values, baseline=12, improvement="up")
    assert flagged(down) == {i: ("trend",) for i in range(12, 19)}
    assert down.variation == "improvement_low"
    assert up.variation == "concern_low"


def test_turning_point_takes_the_trend_that_ends_at_it():
    # With trends of 4 (runs switched off at 20): 9, 10.5, 11.5, 12.5 rise (positions 12-15),
    # then 12.5, 11.5, 10.5, 9.5 fall (15-18). The peak at 15 is in both.
    r = run(
        BASE_HIGH_LAST + [9.0, 10.5, 11.5, 12.5, 11.5, 10.5, 9.5],
        baseline=12,
        run_length=20,
        trend_length=4,
    )
    assert flagged(r) == {i: ("trend",) for i in range(12, 19)}
    assert [r.points[i].side for i in range(12, 19)] == ["high"] * 4 + ["low"] * 3
    assert r.variation == "concern_low"


# --- rule 4: two out of three beyond two sigma ----------------------------------------------


def test_two_of_three_beyond_two_sigma_flags_those_two():
    # 14 > 13.547 (two sigma) but < 15.32; 10.5 is above the mean but inside two sigma.
    # Windows (9, 14, 10.5) has 9 below the mean; (14, 10.5, 14) is all above: a signal.
    # (This series had 10, on the mean, in the middle; since the same-side rule a point on the
    # mean breaks the window, so the middle point is now just above it.)
    r = run(BASE_LOW_LAST + [14.0, 10.5, 14.0], baseline=12)
    assert flagged(r) == {12: ("two_of_three",), 14: ("two_of_three",)}
    assert r.points[14].label == "two_of_three"
    assert r.variation == "improvement_high"


def test_two_of_three_with_one_point_on_the_other_side_is_no_signal():
    # The same two points beyond two sigma, but 9.5 between them lies below the mean: the
    # Making Data Count team's rule since November 2023 needs all three on one side.
    r = run(BASE_LOW_LAST + [14.0, 9.5, 14.0], baseline=12)
    assert flagged(r) == {}
    assert r.variation == "common_cause"


def test_a_point_on_the_mean_breaks_two_of_three():
    r = run(BASE_LOW_LAST + [14.0, 10.0, 14.0], baseline=12)
    assert flagged(r) == {}


def test_a_point_beyond_the_limit_counts_towards_two_of_three():
    # 16 > 15.32 is astronomical and also beyond two sigma; 14 beyond two sigma; 10.5 between
    # them keeps the window above the mean (9.5 there, below it, was a signal before the
    # same-side rule and is none now). 16 is labelled by its higher-precedence rule.
    r = run(BASE_LOW_LAST + [16.0, 10.5, 14.0], baseline=12)
    assert flagged(r) == {12: ("astronomical", "two_of_three"), 14: ("two_of_three",)}
    assert [r.points[i].label for i in (12, 13, 14)] == ["astronomical", None, "two_of_three"]


def test_two_beyond_two_sigma_on_opposite_sides_is_no_signal():
    # 14 > 13.547 and 6 < 6.453, but on opposite sides; 6 > 4.68 so not astronomical.
    r = run(BASE_LOW_LAST + [14.0, 10.0, 6.0], baseline=12)
    assert flagged(r) == {}
    assert r.variation == "common_cause"


def test_two_beyond_two_sigma_four_points_apart_is_no_signal():
    r = run(BASE_LOW_LAST + [14.0, 9.5, 10.5, 14.0], baseline=12)
    assert flagged(r) == {}


def test_two_of_three_low_is_an_improvement_when_lower_is_better():
    # 9.5, below the mean, keeps the window on one side (10, on the mean, did before the rule).
    r = run(BASE_LOW_LAST + [6.0, 9.5, 6.0], baseline=12, improvement="down")
    assert flagged(r) == {12: ("two_of_three",), 14: ("two_of_three",)}
    assert r.variation == "improvement_low"


# --- direction and variation codes ----------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "last", "variation"),
    [
        ("up", 16.0, "improvement_high"),
        ("up", 4.0, "concern_low"),
        ("down", 16.0, "concern_high"),
        ("down", 4.0, "improvement_low"),
        ("neither", 16.0, "neither_high"),
        ("neither", 4.0, "neither_low"),
    ],
)
def test_variation_icon_by_direction(improvement, last, variation):
    # 16 > 15.32 and 4 < 4.68: a single astronomical point at the end.
    r = run(BASE_LOW_LAST + [last], baseline=12, improvement=improvement)
    assert r.variation == variation


# --- assurance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("improvement", "target", "assurance"),
    [
        ("up", 4.0, "pass"),  # target below the lower limit 4.68: every point beats it
        ("up", 16.0, "fail"),  # target above the upper limit 15.32: no point reaches it
        ("up", 10.0, "hit_and_miss"),
        ("up", 15.32, "hit_and_miss"),  # on the limit is not outside it
        ("down", 16.0, "pass"),
        ("down", 4.0, "fail"),
        ("down", 10.0, "hit_and_miss"),
        ("up", None, None),
        ("neither", 4.0, None),  # no good side, so no assurance
    ],
)
def test_assurance(improvement, target, assurance):
    r = run(BASE_LOW_LAST, improvement=improvement, target=target)
    assert r.assurance == assurance


def test_assurance_uses_the_latest_segment():
    # Segments: mean 10 (limits 4.68..15.32) then mean 20 (14.68..25.32). A target of 16 sits
    # above the first segment's limits (fail) but inside the latest's (hit and miss).
    r = run(BASE_LOW_LAST + [21.0, 19.0] * 6, rebase=["2023-01"], target=16.0)
    assert r.assurance == "hit_and_miss"


# --- baseline and rebasing --------------------------------------------------------------------


def test_baseline_fixes_the_limits_and_reveals_a_shift():
    values = BASE_LOW_LAST + [14.0] * 6
    # With the first 12 as baseline: limits 4.68..15.32, two sigma 13.547; every 14 is beyond
    # two sigma, so each is in a window with another: two of three, high. Six points above the
    # mean are one short of a run.
    fixed = run(values, baseline=12)
    assert fixed.mean == pytest.approx(10.0)
    assert flagged(fixed) == {i: ("two_of_three",) for i in range(12, 18)}
    assert [p.in_baseline for p in fixed.points] == [True] * 12 + [False] * 6
    assert fixed.variation == "improvement_high"
    # Without a baseline: mean = (120 + 84) / 18 = 11.333; MR-bar = (11 x 2 + 5) / 17 = 1.588
    # (5 < 3.267 x 1.588 = 5.19, kept); two sigma = 11.333 + 2.816 = 14.150, so 14 is inside.
    # All twelve baseline points lie below 11.333: one run of 12, a concern.
    free = run(values)
    assert free.mean == pytest.approx(204 / 18)
    assert free.latest_segment.mr_bar == pytest.approx(27 / 17)
    assert flagged(free) == {i: ("run",) for i in range(12)}
    assert free.variation == "common_cause"


def test_baseline_longer_than_the_series_uses_every_point():
    r = run(BASE_LOW_LAST, baseline=50)
    assert r.latest_segment.n_baseline == 12
    assert r.mean == pytest.approx(10.0)


def test_rebasing_gives_each_segment_its_own_limits():
    values = BASE_LOW_LAST + [21.0, 19.0] * 6
    # Segments 11,9,... (mean 10, MR-bar 2) and 21,19,... (mean 20, MR-bar 2).
    # The jump |21 - 9| = 12 spans the change and belongs to neither segment.
    r = run(values, rebase=["2023-01"])
    first, second = r.segments
    assert (first.mean, first.mr_bar) == pytest.approx((10.0, 2.0))
    assert (second.mean, second.mr_bar) == pytest.approx((20.0, 2.0))
    assert (r.lower_process_limit, r.upper_process_limit) == pytest.approx((14.68, 25.32))
    assert r.points[12].moving_range is None
    assert [p.segment for p in r.points] == [0] * 12 + [1] * 12
    assert flagged(r) == {}
    assert r.variation == "common_cause"
    # Without the rebase: mean 15; MR-bar (22 + 12 + 22) / 23 = 2.435, cap 7.95, so 12 is
    # screened and MR-bar = 44 / 22 = 2; limits 9.68..20.32. 9 and 21 are astronomical and each
    # half is a run of 12.
    plain = run(values)
    assert plain.latest_segment.n_screened == 1
    assert plain.upper_process_limit == pytest.approx(20.32)
    assert all("run" in p.flags for p in plain.points)


def test_baseline_applies_within_each_segment():
    # Second segment 21,19,...,21,19 then 26. Its first 12 points give mean 20, limits
    # 14.68..25.32, so 26 is astronomical. Without the baseline the segment's mean is
    # 266 / 13 = 20.46 and MR-bar (22 + 7) / 12 = 2.417: upper limit 26.89, and 26 is inside.
    values = BASE_LOW_LAST + [21.0, 19.0] * 6 + [26.0]
    fixed = run(values, rebase=["2023-01"], baseline=12)
    assert flagged(fixed) == {24: ("astronomical",)}
    assert fixed.variation == "improvement_high"
    free = run(values, rebase=["2023-01"])
    assert free.upper_process_limit == pytest.approx(266 / 13 + 2.66 * 29 / 12)
    assert flagged(free) == {}


def test_rebase_settings_are_checked():
    with pytest.raises(ValueError, match="not in the series"):
        run(BASE_LOW_LAST, rebase=["2030-01"])
    with pytest.raises(ValueError, match="one point"):
        run(BASE_LOW_LAST, rebase=["2022-12"])  # the last period alone
    # A rebase at the first period changes nothing.
    assert len(run(BASE_LOW_LAST, rebase=["2022-01"]).segments) == 1


# --- too few points ---------------------------------------------------------------------------


def test_fewer_than_twelve_points_keep_limits_but_give_no_icons():
    r = run([11.0, 9.0] * 4, target=4.0)  # 8 points: mean 10, MR-bar 2
    assert r.insufficient_data
    assert (r.lower_process_limit, r.upper_process_limit) == pytest.approx((4.68, 15.32))
    assert r.variation is None and r.assurance is None


@pytest.mark.parametrize(("n", "insufficient"), [(11, True), (12, False)])
def test_twelve_points_is_the_minimum(n, insufficient):
    assert run(([11.0, 9.0] * 6)[:n]).insufficient_data is insufficient


def test_short_latest_segment_or_baseline_is_insufficient():
    assert run(BASE_LOW_LAST + [21.0, 19.0] * 3, rebase=["2023-01"]).insufficient_data
    assert run(BASE_LOW_LAST + [10.0] * 8, baseline=11).insufficient_data


# --- input ------------------------------------------------------------------------------------


def test_series_input_and_json_ready_dict():
    index = pd.date_range("2023-01-01", periods=12, freq="MS")
    r = analyse(pd.Series(BASE_LOW_LAST, index=index), improvement="up", target=4.0)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["points"][0]["period"] == "2023-01-01"
    assert d["points"][1] == {
        "period": "2023-02-01",
        "value": 9.0,
        "segment": 0,
        "moving_range": 2.0,
        "in_baseline": True,
        "screened": False,
        "flags": [],
        "label": None,
        "side": None,
        "special_cause": None,
    }
    assert d["mean"] == pytest.approx(10.0)
    assert d["upper_process_limit"] == pytest.approx(15.32)
    assert (d["variation"], d["assurance"]) == ("common_cause", "pass")
    assert d["segments"][0]["first_period"] == "2023-01-01"


@pytest.mark.parametrize(
    ("periods", "values", "kwargs", "message"),
    [
        (["a"], [1.0], {}, "at least 2"),
        (["a", "b"], [1.0], {}, "2 periods but 1 values"),
        (["a", "a"], [1.0, 2.0], {}, "repeat"),
        (["a", "b"], [1.0, float("nan")], {}, "not finite"),
        (["a", "b"], [1.0, "x"], {}, "not a number"),
        (["a", "b"], [1.0, 2.0], {"improvement": "sideways"}, "improvement"),
        (["a", "b"], [1.0, 2.0], {"run_length": 1}, "run_length"),
        (["a", "b"], [1.0, 2.0], {"baseline": 1}, "baseline"),
    ],
)
def test_bad_input_is_refused(periods, values, kwargs, message):
    kwargs.setdefault("improvement", "up")
    with pytest.raises(ValueError, match=message):
        analyse(periods, values, **kwargs)


# --- properties -------------------------------------------------------------------------------

small_series = st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(small_series, st.integers(min_value=-100, max_value=100))
def test_shifting_the_series_shifts_the_limits_and_keeps_the_signals(values, shift):
    a = run([float(v) for v in values])
    b = run([float(v + shift) for v in values])
    assert b.mean == pytest.approx(a.mean + shift)
    assert b.upper_process_limit == pytest.approx(a.upper_process_limit + shift)
    assert [p.flags for p in b.points] == [p.flags for p in a.points]
    assert b.variation == a.variation


@settings(max_examples=60, deadline=None)
@given(small_series)
def test_mirroring_the_series_and_the_direction_mirrors_the_sides(values):
    # Turning the series upside down and saying lower is better keeps every improvement an
    # improvement, on the other side.
    up = run([float(v) for v in values], improvement="up")
    down = run([-float(v) for v in values], improvement="down")
    flip = {"high": "low", "low": "high", None: None}
    assert [p.flags for p in down.points] == [p.flags for p in up.points]
    assert [p.special_cause for p in down.points] == [p.special_cause for p in up.points]
    assert [p.side for p in down.points] == [flip[p.side] for p in up.points]


@settings(max_examples=60, deadline=None)
@given(small_series)
def test_limits_are_symmetric_and_every_point_is_classified(values):
    r = run([float(v) for v in values])
    assert r.upper_process_limit - r.mean == pytest.approx(r.mean - r.lower_process_limit)
    for p in r.points:
        assert (p.special_cause is None) == (not p.flags) == (p.side is None)


# --- one label per point, by MDC precedence -------------------------------------------------

# BASE_LOW_LAST ends with 9; 13.5 is a rise, then six falls to 10.5: a falling trend of seven
# points (12-18) that never leaves the upper half (all above the mean 10, none beyond two sigma
# 13.547). The same seven points are also a run of seven above the mean.
FALL_ABOVE_MEAN = [13.5, 13.0, 12.5, 12.0, 11.5, 11.0, 10.5]


def test_falling_trend_above_the_mean_reads_as_the_trend():
    # Higher is better. Both a run (above: high) and a trend (falling: low) flag the points; the
    # trend comes first, so each point is low and a concern. The method used to let the side of
    # the mean win and call this "improvement (high)"; the Making Data Count tool gives
    # "concern (low)", as here.
    r = run(BASE_LOW_LAST + FALL_ABOVE_MEAN, baseline=12)
    assert flagged(r) == {i: ("run", "trend") for i in range(12, 19)}
    assert {r.points[i].label for i in range(12, 19)} == {"trend"}
    assert {r.points[i].side for i in range(12, 19)} == {"low"}
    assert {r.points[i].special_cause for i in range(12, 19)} == {"concern"}
    assert r.variation == "concern_low"
    # Lower is better: the same falling trend is an improvement.
    assert run(BASE_LOW_LAST + FALL_ABOVE_MEAN, baseline=12, improvement="down").variation == (
        "improvement_low"
    )


def test_a_point_beyond_a_limit_outranks_a_trend():
    # 9 (baseline end), then a rising trend of seven ending at 16 > 15.32: the last point is
    # both, and its label is "astronomical"; the side is high either way.
    r = run(BASE_LOW_LAST + [9.5, 10.5, 11.5, 12.5, 13.0, 13.2, 16.0], baseline=12)
    assert "trend" in r.points[18].flags and "astronomical" in r.points[18].flags
    assert r.points[18].label == "astronomical"
    assert r.points[17].label == "trend"


def test_a_falling_trend_that_ends_beyond_the_lower_limit():
    # 13 down to 4 < 4.68: the last point is astronomical (and low); the six before it are
    # the trend's, low as well, though the first five lie above the mean.
    r = run(BASE_LOW_LAST + [13.0, 12.0, 11.0, 10.5, 10.2, 8.0, 4.0], baseline=12)
    assert r.points[18].label == "astronomical" and r.points[18].side == "low"
    assert [r.points[i].label for i in range(12, 18)] == ["trend"] * 6


def test_two_of_three_outranks_a_run():
    # Seven points above the mean (a run), two of them beyond two sigma in one window; no trend.
    r = run(BASE_LOW_LAST + [10.5, 11.0, 14.0, 11.0, 14.0, 11.0, 10.5], baseline=12)
    assert r.points[14].flags == ("two_of_three", "run")
    assert r.points[14].label == "two_of_three"
    assert r.points[13].label == "run"


def test_label_is_always_the_first_flag_by_precedence():
    r = run(BASE_LOW_LAST + FALL_ABOVE_MEAN + [16.0, 4.0, 14.0, 10.5, 14.0], baseline=12)
    order = ("astronomical", "trend", "two_of_three", "run")
    for p in r.points:
        expected = next((rule for rule in order if rule in p.flags), None)
        assert p.label == expected


# --- periods in time order ------------------------------------------------------------------


def test_out_of_order_months_are_sorted_by_date():
    # The same twelve months with the last one moved to the front, as a file might hold them.
    periods = months(13)
    values = BASE_LOW_LAST + [16.0]
    r = analyse([periods[-1], *periods[:-1]], [values[-1], *values[:-1]], improvement="up")
    in_order = analyse(periods, values, improvement="up")
    assert r.reordered and not in_order.reordered
    assert [p.period for p in r.points] == periods
    assert [p.value for p in r.points] == values
    assert r.to_dict()["points"] == in_order.to_dict()["points"]
    assert r.variation == in_order.variation


@pytest.mark.parametrize(
    "periods",
    [
        ["2023-03-01", "2023-01-01", "2023-02-01"],  # ISO dates
        ["01/03/2023", "01/01/2023", "01/02/2023"],  # UK dates, day first
        ["2023-W09", "2023-W01", "2023-W05"],  # ISO weeks
        ["2023-Q3", "2023-Q1", "2023-Q2"],  # quarters
    ],
)
def test_out_of_order_date_labels_are_sorted(periods):
    r = analyse(periods, [3.0, 1.0, 2.0], improvement="up")
    assert r.reordered
    assert [p.value for p in r.points] == [1.0, 2.0, 3.0]
    assert [p.period for p in r.points] == [periods[1], periods[2], periods[0]]


def test_out_of_order_dates_and_timestamps_are_sorted():
    stamps = list(pd.to_datetime(["2023-03-01", "2023-01-01", "2023-02-01"]))
    r = analyse(pd.Series([3.0, 1.0, 2.0], index=stamps), improvement="up")
    assert [p.value for p in r.points] == [1.0, 2.0, 3.0]
    assert r.to_dict()["points"][0]["period"] == "2023-01-01"


def test_non_date_labels_out_of_order_are_refused():
    with pytest.raises(ValueError, match=r"out of order \(beta comes before alpha\).*not dates"):
        analyse(["beta", "alpha", "gamma"], [1.0, 2.0, 3.0], improvement="up")
    # Something that looks like a month but is not one is not sorted as a date either.
    with pytest.raises(ValueError, match="not dates"):
        analyse(["2023-13", "2023-12"], [1.0, 2.0], improvement="up")


def test_non_date_labels_in_natural_order_are_taken_as_given():
    r = analyse(["P1", "P2", "P10"], [1.0, 2.0, 3.0], improvement="up")
    assert not r.reordered
    assert [p.period for p in r.points] == ["P1", "P2", "P10"]


# --- no variation ---------------------------------------------------------------------------


def test_a_constant_series_says_it_has_no_variation():
    r = run([59.37] * 14, target=92.0, unit="percent")
    assert r.no_variation
    assert r.upper_process_limit == r.lower_process_limit == pytest.approx(59.37)
    assert flagged(r) == {}
    assert {p.label for p in r.points} == {None}
    assert r.variation is None and r.assurance is None
    assert r.no_variation_note == "no variation: every point is 59.37%"
    assert r.assurance_note == "target 92%: no variation, so no assurance"
    d = r.to_dict()
    assert d["no_variation"] is True
    assert d["no_variation_note"] == "no variation: every point is 59.37%"


def test_a_single_step_screened_out_leaves_no_variation():
    # 59.37 x 7 then 61 x 7: twelve zero moving ranges and one of 1.63. MR-bar with it is
    # 1.63 / 13 = 0.125, the cap 3.267 x 0.125 = 0.41, so the step is screened and MR-bar is 0:
    # limits would sit on the mean (60.185) and flag all 14 points.
    r = run([59.37] * 7 + [61.0] * 7)
    assert r.latest_segment.n_screened == 1
    assert r.latest_segment.mr_bar == 0
    assert r.no_variation and flagged(r) == {} and r.variation is None
    assert r.no_variation_note.startswith("no variation apart from 1 step:")


def test_a_series_with_variation_has_no_note():
    r = run(BASE_LOW_LAST)
    assert not r.no_variation and r.no_variation_note is None


# --- assurance in words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "kwargs", "note"),
    [
        (
            BASE_LOW_LAST[:8],
            {"target": 92.0, "unit": "percent"},
            "target 92%: too few points for assurance",
        ),
        (
            BASE_LOW_LAST[:8],
            {"target": 92.5, "unit": "percent"},
            "target 92.5%: too few points for assurance",
        ),
        (BASE_LOW_LAST[:8], {}, "no target set"),
        (BASE_LOW_LAST, {}, "no target set"),
        (BASE_LOW_LAST, {"target": 4.0}, "target 4: consistently passes"),
        (BASE_LOW_LAST, {"target": 16.0}, "target 16: consistently fails"),
        (BASE_LOW_LAST, {"target": 10.0, "unit": "count"}, "target 10: hit and miss"),
        (
            BASE_LOW_LAST,
            {"target": 4.0, "improvement": "neither"},
            "target 4: no assurance, as neither direction is better",
        ),
        (
            [-42489.6 + v for v in BASE_LOW_LAST],
            {"target": -40000.0, "unit": "gbp_thousands"},
            "target -£40.0m: consistently fails",
        ),
    ],
)
def test_assurance_note(values, kwargs, note):
    r = run(values, **kwargs)
    assert r.assurance_note == note
    assert r.to_dict()["assurance_note"] == note


@settings(max_examples=80, deadline=None)
@given(small_series)
def test_each_point_takes_one_label_and_its_side_from_it(values):
    r = run([float(v) for v in values])
    for p in r.points:
        assert p.label == next((rule for rule in PRECEDENCE if rule in p.flags), None)
        if p.label in ("astronomical", "two_of_three", "run"):
            # A rule of position: the side is where the point lies.
            assert p.side == ("high" if p.value > r.segments[p.segment].mean else "low")
    if r.variation not in (None, "common_cause"):
        assert r.variation.endswith(r.points[-1].side)


def test_out_of_order_pandas_periods_are_sorted_by_their_text():
    index = pd.PeriodIndex(["2023-03", "2023-01", "2023-02"], freq="M")
    r = analyse(pd.Series([3.0, 1.0, 2.0], index=index), improvement="up")
    assert r.reordered
    assert [p.value for p in r.points] == [1.0, 2.0, 3.0]
    assert r.to_dict()["points"][0]["period"] == "2023-01"

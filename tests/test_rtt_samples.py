"""The sample waiting-list returns behave like a real list: repeatable, the right size, a
cohort that only shrinks, and the two forms of one list agreeing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.samples import rtt
from pipeline.samples.demo import demo_months
from pipeline.validation.identifiers import looks_like_nhs_number

COHORT_CLOCK_START = np.datetime64("2024-03-31") - 7 * 65  # will reach 65 weeks by the target


@pytest.fixture(scope="module")
def walton():
    """The Walton Centre's 26 weeks (a small list, so quick)."""
    return list(rtt.simulate("RET", rtt.snapshot_dates(demo_months())))


def test_26_sundays_ending_on_the_last_sunday_of_october_2023():
    dates = rtt.snapshot_dates(demo_months())
    assert len(dates) == 26
    assert (str(dates[0].date()), str(dates[-1].date())) == ("2023-05-07", "2023-10-29")
    assert {d.day_name() for d in dates} == {"Sunday"}


def test_trust_lists_add_up_to_the_system_list():
    sizes = rtt.list_sizes()
    assert sum(sizes.values()) == pytest.approx(550_000)
    assert max(sizes, key=sizes.get) == "REM"
    assert all(sizes[org] < sizes["RJN"] for org in ("RBQ", "REN", "REP", "RET"))


def test_simulation_is_repeatable(walton):
    again = list(rtt.simulate("RET", rtt.snapshot_dates(demo_months())))
    for (_, first), (_, second) in zip(walton, again, strict=True):
        assert np.array_equal(first.pathway_id, second.pathway_id)
        assert np.array_equal(first.clock_start, second.clock_start)


def test_the_cohort_only_shrinks_and_the_list_holds_its_size(walton):
    cohort = [int((w.clock_start <= COHORT_CLOCK_START).sum()) for _, w in walton]
    assert all(later <= earlier for earlier, later in zip(cohort, cohort[1:], strict=False))
    assert cohort[-1] < cohort[0] * 0.5
    sizes = [w.clock_start.size for _, w in walton]
    assert rtt.list_sizes()["RET"] * 0.9 < np.mean(sizes) < rtt.list_sizes()["RET"] * 1.1


def test_ids_are_unique_and_never_look_like_nhs_numbers(walton):
    _, last = walton[-1]
    assert len(set(last.pathway_id)) == last.pathway_id.size
    assert not looks_like_nhs_number(pd.Series(last.pathway_id)).any()


def test_the_aggregate_is_the_ptl_counted(walton):
    snapshot, waiting = walton[-1]
    ptl = rtt.ptl_table("RET", snapshot, waiting).to_pandas()
    weeks = (snapshot - pd.to_datetime(ptl["clock_start_date"])).dt.days // 7
    counted = (
        ptl.assign(weeks_waited=weeks.clip(upper=104))
        .groupby(["treatment_function_code", "pathway_type", "weeks_waited"])
        .size()
    )
    aggregate = rtt.aggregate_rows("RET", snapshot, waiting).set_index(
        ["treatment_function_code", "pathway_type", "weeks_waited"]
    )["pathways"]
    assert counted.sort_index().to_dict() == aggregate.sort_index().to_dict()
    assert aggregate.sum() == waiting.clock_start.size

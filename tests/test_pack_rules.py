"""The board pack's rules on hand-built data: one display rule per unit, SPC only where the
kind of series allows it, comparisons on one basis, one value per measure, and a sentence's
previous value the record's own."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.briefing.charts import draw
from pipeline.briefing.content import _chart_call
from pipeline.metrics import checks
from pipeline.metrics.catalogue import FIGURES, SECTIONS, SERIES_KINDS
from pipeline.metrics.formats import cell, display, exact, half_up, header, table_number
from pipeline.metrics.headlines import Inputs, as_json, build_headlines
from pipeline.metrics.inputs import series
from pipeline.metrics.record import Headline
from pipeline.spc import analyse

# One rule per unit -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (13148.0, "count", "13,148"),
        (1414.6818, "per_week", "1,415"),  # people a week are people: whole, never "1,414.7"
        (1935.5, "per_week", "1,936"),  # half up, as people round (Python's round gives 1,936 too)
        (82.84145, "percent", "82.8%"),
        (-42489.6, "gbp_thousands", "-£42.5m"),
        (9323.8, "gbp_thousands", "£9.3m"),
        (16.0800, "weeks", "16.1"),
        (20, "rank", "20"),
        (None, "count", "-"),
    ],
)
def test_each_unit_has_one_display_rule(value, unit, shown):
    assert display(value, unit) == shown


def test_half_up_is_not_round_half_even():
    assert [half_up(x) for x in (0.5, 1.5, 2.5, -2.5)] == [1, 2, 3, -3]
    assert round(2.5) == 2  # why half_up exists


def test_table_cells_carry_no_unit_and_the_header_does():
    assert (
        header("Providers' surplus (+) / deficit (-), year to date", "gbp_thousands")
        == "Providers' surplus (+) / deficit (-), year to date (£m)"
    )
    assert header("Waiting under 18 weeks (%)", "percent") == "Waiting under 18 weeks (%)"
    assert header("Uncapped theatre utilisation", "percent") == "Uncapped theatre utilisation (%)"
    # The same number of decimals down a column: 251.3, 358 and 47 were one column once.
    column = [cell(v, "per_week") for v in (251.3, 358.0, 47.0)]
    assert column == ["251", "358", "47"]
    money = [cell(v, "gbp_thousands") for v in (-42489.6, 1000.0, -50.0)]
    assert money == ["-42.5", "1.0", "-0.1"]
    assert table_number(-42489.6, "gbp_thousands") == pytest.approx(-42.4896)
    assert table_number(13148.0, "count") == 13148 and isinstance(
        table_number(13148.0, "count"), int
    )


def test_machine_outputs_write_whole_numbers_as_integers():
    assert exact(13148.0) == 13148 and isinstance(exact(13148.0), int)
    assert exact(82.5) == 82.5 and exact("RJR") == "RJR"


# The catalogue ---------------------------------------------------------------------------------


def test_every_figure_has_a_series_kind_and_every_section_a_board_figure():
    assert {f.kind for f in FIGURES.values()} <= set(SERIES_KINDS)
    for section in SECTIONS:
        assert any(f.board for f in FIGURES.values() if f.section == section), section
    # Year-to-date cumulatives, plans, constants and ranks never carry SPC limits.
    assert not FIGURES["finance.providers.ytd_surplus_deficit"].spc
    assert not FIGURES["finance.system.ytd_plan"].spc
    assert not FIGURES["rtt.cohort.at_start"].spc
    assert not FIGURES["benchmark.uec.four_hour_rank"].spc
    assert FIGURES["rtt.waiting_list.total"].kind == "weekly"
    assert FIGURES["uec.four_hour_pct"].spc


# SPC only where the series allows it -----------------------------------------------------------


def _inputs(rows: list[dict]) -> Inputs:
    columns = [
        "id",
        "period",
        "scope",
        "value",
        "unit",
        "numerator",
        "denominator",
        "source",
        "return_type",
        "trusts_submitted",
        "trusts_expected",
        "missing_trusts",
        "as_of",
    ]
    values = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
    plans = pd.DataFrame(
        columns=["metric", "scope", "period", "kind", "value", "deadline", "parameter"]
    )
    submissions = pd.DataFrame(
        columns=[
            "submission_id",
            "org_code",
            "return_type",
            "period",
            "sha256",
            "received_at",
            "file_name",
        ]
    )
    return Inputs(values=values, plans=plans, submissions=submissions, names={"QYG": "C&M"})


def _cumulative_across_april() -> list[dict]:
    """A year-to-date deficit growing by 5,000 a month, restarting each April: 2022-04 to
    2023-10, 19 months. As a plain series its April reset looks like special cause."""
    rows = []
    for period in pd.period_range("2022-04", "2023-10", freq="M"):
        month_of_year = (period.month - 4) % 12 + 1
        rows.append(
            {
                "id": "finance.providers.ytd_surplus_deficit",
                "period": str(period),
                "scope": "QYG",
                "value": -5000.0 * month_of_year,
                "unit": "gbp_thousands",
                "source": "trust_returns",
                "return_type": "finance",
            }
        )
    return rows


def test_a_year_to_date_series_across_april_gets_no_spc_icons_or_limits(tmp_path):
    inputs = _inputs(_cumulative_across_april())
    record = build_headlines(inputs, "2023-10")[0]
    assert record.id == "finance.providers.ytd_surplus_deficit"
    assert record.variation is None and record.assurance is None
    history, id_, title, folder, target, y_label, plan, unit = _chart_call(inputs, record, tmp_path)
    assert list(history.index) == [str(p) for p in pd.period_range("2023-04", "2023-10", freq="M")]
    assert history.iloc[0] == pytest.approx(-5.0) and y_label == "£m"  # charted in £ millions
    chart = draw(history, id_, title, folder, target, y_label, plan, unit)
    assert chart.spc is None and "restarts every April" in chart.note
    assert chart.svg.exists() and chart.png.exists()


def test_the_same_values_as_a_monthly_measure_would_get_icons():
    """The control for the test above: it is the kind, not the values, that withholds SPC."""
    rows = [{**row, "id": "uec.attendances", "unit": "count"} for row in _cumulative_across_april()]
    record = build_headlines(_inputs(rows), "2023-10")[0]
    assert record.variation is not None


# Consistency checks ----------------------------------------------------------------------------


def _record(**fields) -> Headline:
    base = {
        "id": "uec.four_hour_pct",
        "period": "2023-10",
        "scope": "QYG",
        "value": 68.4,
        "unit": "percent",
        "source": "trust_returns",
        "section": "uec",
    }
    return Headline(**{**base, **fields})


def test_the_json_record_names_the_figure_and_gives_the_value_as_the_pack_prints_it():
    """`cmast headlines --json` keeps exact values; beside them, the catalogue's label and the
    value a report writer should quote: in its unit's format, or * for 1 to 7 patients."""
    four_hour = as_json(_record(value=68.4321))
    assert list(four_hour)[:4] == ["id", "label", "period", "scope"]
    assert four_hour["label"] == "A&E 4-hour performance (%)"
    assert (four_hour["value"], four_hour["shown"]) == (68.4321, "68.4%")
    deficit = as_json(
        _record(id="finance.system.ytd_surplus_deficit", value=-42489.6, unit="gbp_thousands")
    )
    assert deficit["shown"] == "-£42.5m"
    few = as_json(_record(id="uec.type1_over_12h", value=3, unit="count", patients=3))
    assert (few["value"], few["shown"]) == (3, "*")


def test_a_comparison_across_bases_is_refused():
    crossed = _record(comparators={"region": {"scope": "Y62", "value": 69.0, "source": "nhse"}})
    problems = checks.comparisons_on_one_basis([crossed])
    assert len(problems) == 1 and "one basis" in problems[0]
    same = _record(
        id="benchmark.uec.four_hour_pct",
        source="nhse",
        comparators={"region": {"scope": "Y62", "value": 69.0, "source": "nhse"}},
    )
    assert checks.comparisons_on_one_basis([same]) == []


def test_two_values_for_one_measure_need_two_labels_and_two_bases():
    ours = _record()
    published = _record(id="benchmark.uec.four_hour_pct", source="nhse", value=69.7)
    assert checks.one_value_per_measure([ours, published]) == []  # labelled, two bases
    assert checks.one_value_per_measure([ours, _record(value=70.1)]) == [
        "uec.four_hour_pct (QYG, 2023-10) has 2 values"
    ]
    same_basis = _record(id="benchmark.uec.four_hour_pct", value=69.7)
    assert "on one basis" in checks.one_value_per_measure([ours, same_basis])[0]


def test_a_sentence_quoting_another_previous_value_is_refused():
    record = _record(
        id="rtt.cohort.remaining",
        unit="count",
        value=31123,
        section="elective",
        text="We now have 31,123 patients to clear. This time last month we had 38,658 to clear.",
        comparators={"previous_period": {"period": "2023-09", "value": 40712}},
    )
    problems = checks.previous_values_agree([record])
    assert len(problems) == 1 and "40,712" in problems[0]
    record.comparators["previous_period"]["value"] = 38658
    assert checks.previous_values_agree([record]) == []


def test_csv_and_json_write_counts_as_integers():
    from pipeline.metrics.formats import integers_as_integers

    frame = pd.DataFrame(
        {
            "org": ["RBS", "REM"],
            "attendances": [5593.0, 18866.0],
            "mean": [180.4, 202.0],
            "gap": [1.0, None],
        }
    )
    out = integers_as_integers(frame)
    assert out.to_csv(index=False).splitlines() == [
        "org,attendances,mean,gap",
        "RBS,5593,180.4,1",
        "REM,18866,202.0,",
    ]
    record = _record(comparators={"variance": {"value": -6060.0}}, value=75.0)
    assert record.to_dict()["comparators"]["variance"]["value"] == -6060
    assert isinstance(record.to_dict()["value"], int)


# Disclosure control in the pack's tables ------------------------------------------------------


def _waits_78w() -> list[dict]:
    """The issue's case: LWH (REP) has 2 patients over 78 weeks, the system 399, the other
    trusts 397 between them."""
    trusts = {
        "RBL": 27,
        "RBN": 56,
        "RBQ": 13,
        "RBS": 9,
        "RBT": 39,
        "REM": 170,
        "REN": 0,
        "REP": 2,
        "RET": 8,
        "RJN": 13,
        "RJR": 22,
        "RWW": 40,
    }
    assert sum(trusts.values()) == 399
    rows = [
        {
            "id": "rtt.waits_over.78w",
            "period": "2023-10",
            "scope": code,
            "value": float(n),
            "unit": "count",
            "numerator": float(n),
            "source": "trust_returns",
        }
        for code, n in {**trusts, "QYG": 399}.items()
    ]
    # The cohort and its two parts: a row whole a reader could subtract along.
    for code, (admitted, non_admitted) in {"REP": (5, 151), "RBL": (1878, 1840)}.items():
        for id_, n in (
            ("rtt.cohort.remaining", admitted + non_admitted),
            ("rtt.cohort.remaining.admitted", admitted),
            ("rtt.cohort.remaining.non_admitted", non_admitted),
        ):
            rows.append(
                {
                    "id": id_,
                    "period": "2023-10",
                    "scope": code,
                    "value": float(n),
                    "unit": "count",
                    "source": "trust_returns",
                }
            )
    return rows


def test_no_suppressed_cell_of_a_trust_table_can_be_worked_out_by_subtraction():
    from pipeline.briefing.tables import trust_table

    table = trust_table(_inputs(_waits_78w()), "2023-10", "elective")
    shown = table.published
    assert shown.at["REP", "rtt.waits_over.78w"] == "*"
    assert shown.at["REP", "rtt.cohort.remaining.admitted"] == "*"
    # Try every line a reader could subtract along: each column against its system total, and
    # the cohort against its two parts. A line with exactly one * gives that cell away.
    column = shown["rtt.waits_over.78w"].drop("QYG")
    assert (column == "*").sum() >= 2
    for code in ("REP", "RBL"):
        parts = [
            shown.at[code, c]
            for c in (
                "rtt.cohort.remaining",
                "rtt.cohort.remaining.admitted",
                "rtt.cohort.remaining.non_admitted",
            )
        ]
        assert parts.count("*") != 1, (code, parts)
    # And the hidden 78-week cells cannot be pinned down: at least two unknowns share one sum.
    hidden = [code for code in column.index if column[code] == "*"]
    known = sum(v for v in column if v != "*" and not pd.isna(v))
    assert 399 - known == sum(dict(_trust_values()).get(c) for c in hidden) and len(hidden) >= 2


def _trust_values():
    return [
        (r["scope"], r["value"])
        for r in _waits_78w()
        if r["id"] == "rtt.waits_over.78w" and r["scope"] != "QYG"
    ]


def test_a_series_with_no_variation_says_so_instead_of_drawing_limits(tmp_path):
    months = [str(p) for p in pd.period_range("2022-09", "2023-10", freq="M")]
    flat = pd.Series([59.37] * len(months), index=months)
    chart = draw(
        flat, "uec.long_stay.over_21d_pct", "Long stays", tmp_path, target=15.0, unit="percent"
    )
    assert chart.spc is not None and chart.spc.no_variation
    assert chart.spc.variation is None and chart.spc.assurance is None
    assert "no variation" in chart.spc.no_variation_note
    assert "59.37 to 59.37" not in chart.svg.read_text()  # no collapsed limits drawn
    rows = [
        {
            "id": "uec.long_stay.over_21d_pct",
            "period": m,
            "scope": "QYG",
            "value": 59.37,
            "unit": "percent",
            "source": "trust_returns",
            "return_type": "uec",
        }
        for m in months
    ]
    record = build_headlines(_inputs(rows), "2023-10")[0]
    assert record.variation is None  # and so no icon in the matrix or on the panel


# Series behind the charts -------------------------------------------------------------------


def _waiting_list_snapshots() -> pd.DataFrame:
    """Two isolated baselines (6 November 2022 and 26 March 2023, 30,000 and 20,000 below the
    rest) before 26 weekly snapshots, 7 May to 29 October 2023, alternating 549,400 and
    549,600: a steady list."""
    weekly = pd.date_range("2023-05-07", "2023-10-29", freq="7D")
    dates = [pd.Timestamp("2022-11-06"), pd.Timestamp("2023-03-26"), *weekly]
    values = [520_000.0, 530_000.0, *(549_400.0 + 200 * (i % 2) for i in range(len(weekly)))]
    return pd.DataFrame(
        {
            "id": "rtt.waiting_list.total",
            "scope": "QYG",
            "snapshot_date": dates,
            "value": values,
            "threshold_weeks": None,
            "target_date": None,
        }
    )


def test_a_weekly_series_is_its_latest_unbroken_run_of_weekly_snapshots():
    """The baselines months apart would be drawn a week from their neighbours and pull the mean
    down, so that a steady list would read as special cause (high); the series starts at the
    first of the unbroken weekly run instead, and the steady list reads as common cause."""
    snapshots = _waiting_list_snapshots()
    row = {
        "id": "rtt.waiting_list.total",
        "period": "2023-10",
        "scope": "QYG",
        "value": 549_600.0,
        "unit": "count",
        "source": "trust_returns",
        "return_type": "rtt",
    }
    inputs = _inputs([row])
    inputs.weekly = snapshots
    history = series(inputs, "rtt.waiting_list.total", "QYG", "2023-10")
    assert list(history.index) == [d.strftime("%Y-%m-%d") for d in snapshots["snapshot_date"][2:]]
    assert len(history) == 26
    [record] = build_headlines(inputs, "2023-10")
    assert record.variation == "common_cause"
    # The control: with the baselines in the series, the same list reads as a rise.
    everything = pd.Series(snapshots["value"].to_numpy())
    assert analyse(everything, improvement="down").variation == "concern_high"

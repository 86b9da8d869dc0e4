"""The waiting-list return, aggregate form: loads with hand-worked figures, bad files are turned
away with messages a trust can act on, and the Excel template filled in by hand loads."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline.ingest import process_file
from pipeline.warehouse import connect
from tests.conftest import drop_csv
from tests.rows import AGGREGATE_SNAPSHOT, aggregate_rows

SNAPSHOT = AGGREGATE_SNAPSHOT
TARGET = "2024-03-31"  # the 65-week cohort's date, 22 weeks after the snapshot


def waiting_list_figures(settings, snapshot: str = SNAPSHOT) -> dict:
    with connect(settings) as conn:
        by_weeks = conn.execute(
            """
            SELECT sum(pathways), sum(pathways) FILTER (weeks_waited < 18),
                   sum(pathways) FILTER (weeks_waited >= 52),
                   sum(pathways) FILTER (weeks_waited >= 65),
                   sum(pathways) FILTER (weeks_waited >= 78),
                   sum(pathways) FILTER (weeks_waited >= 104)
            FROM staging.stg_rtt_pathways WHERE snapshot_date = CAST(? AS DATE)""",
            [snapshot],
        ).fetchall()[0]
        cohort = conn.execute(
            """
            SELECT pathway_type, sum(pathways) FROM staging.stg_rtt_clock_starts
            WHERE snapshot_date = CAST(? AS DATE)
              AND clock_start_date <= CAST(? AS DATE) - INTERVAL 65 WEEK
            GROUP BY ALL ORDER BY ALL""",
            [snapshot, TARGET],
        ).fetchall()
    names = ["total", "under_18", "over_52", "over_65", "over_78", "over_104"]
    return {**dict(zip(names, by_weeks, strict=True)), "cohort": dict(cohort)}


def test_valid_aggregate_loads_with_the_right_figures(settings):
    outcome = process_file(drop_csv(settings, aggregate_rows()), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.period == SNAPSHOT and outcome.row_count == 8
    assert waiting_list_figures(settings) == {
        "total": 90,
        "under_18": 75,
        "over_52": 10,
        "over_65": 7,
        "over_78": 5,
        "over_104": 4,
        "cohort": {"admitted": 4, "non_admitted": 6},
    }


def test_clock_starts_are_estimated_from_weeks_waited(settings):
    process_file(drop_csv(settings, aggregate_rows()), settings)
    with connect(settings) as conn:
        rows = conn.execute("""
            SELECT DISTINCT clock_start_date, clock_start_estimated
            FROM staging.stg_rtt_clock_starts
            WHERE treatment_function_code = 'X02' ORDER BY 1""").fetchall()
    # 104 weeks = 728 days before 2023-10-29: 2021-10-31 (two years of 364 days back from a
    # Sunday is a Sunday). 78 weeks = 546 days: 2022-05-01, since 2022-05-01 to 2023-05-01 is
    # 365 days and 2023-05-01 to 2023-10-29 is 30 + 30 + 31 + 31 + 30 + 29 = 181.
    assert rows == [(dt.date(2021, 10, 31), True), (dt.date(2022, 5, 1), True)]


def test_case_of_codes_and_types_does_not_matter(settings):
    frame = aggregate_rows().assign(pathway_type=lambda f: f["pathway_type"].str.upper())
    frame.loc[frame["treatment_function_code"] == "X02", "treatment_function_code"] = "x02"
    assert process_file(drop_csv(settings, frame), settings).status == "loaded"
    with connect(settings) as conn:
        kinds = conn.execute(
            "SELECT DISTINCT pathway_type, treatment_function_code "
            "FROM raw.rtt_aggregate ORDER BY ALL"
        ).fetchall()
    assert ("admitted", "X02") in kinds and ("non_admitted", "110") in kinds


def _with(frame: pd.DataFrame, row: int, **values) -> pd.DataFrame:
    frame = frame.astype(object)
    for column, value in values.items():
        frame.loc[row, column] = value
    return frame


BAD_CASES = {
    "repeated key": (
        lambda f: _with(f, 1, weeks_waited=0),
        "repeats a row already given for the same key "
        "(treatment_function_code, pathway_type, weeks_waited)",
    ),
    "unknown treatment function": (
        lambda f: _with(f, 2, treatment_function_code="999"),
        "is not a treatment function code on the national RTT list",
    ),
    "pathway type not admitted or non_admitted": (
        lambda f: _with(f, 0, pathway_type="inpatient"),
        "must be admitted or non_admitted",
    ),
    "weeks waited above 104": (
        lambda f: _with(f, 6, weeks_waited=105),
        "Weeks waited must be 0 to 104",
    ),
    "negative weeks waited": (
        lambda f: _with(f, 7, weeks_waited=-1),
        "must be 0 or more",
    ),
    "snapshot not a Sunday": (
        lambda f: f.assign(period="2023-10-28"),
        "The snapshot date must be a Sunday",
    ),
    "snapshot not a date": (
        lambda f: f.assign(period="2023-10"),
        "must be a date, the Sunday that ends the week",
    ),
    "text in a count": (
        lambda f: _with(f, 3, pathways="ten"),
        "must be a whole number",
    ),
    "an NHS number in a column": (
        lambda f: _with(f, 4, pathways="9434765919"),
        "holds what look like NHS numbers in 1 row",
    ),
    "two snapshots in one file": (
        lambda f: _with(f, 5, period="2023-10-22"),
        "The file covers more than one period",
    ),
    "another trust's code": (
        lambda f: f.assign(org_code="REM"),
        "The file is for REM but was sent through the inbox of RJR",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_aggregate_is_quarantined_with_the_right_message(settings, case):
    change, message = BAD_CASES[case]
    outcome = process_file(drop_csv(settings, change(aggregate_rows())), settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.as_line() for p in outcome.problems]
    assert all(p.location for p in outcome.problems)  # every problem says where it is
    with connect(settings) as conn:
        assert conn.execute("SELECT count(*) FROM raw.rtt_aggregate").fetchall()[0][0] == 0
    feedback = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    rules = [feedback.cell(row=r, column=4).value for r in range(6, feedback.max_row + 1)]
    assert any(message in (rule or "") for rule in rules)


def test_a_wrong_snapshot_is_reported_once_not_on_every_row(settings):
    outcome = process_file(drop_csv(settings, aggregate_rows(period="2023-10-30")), settings)
    sunday = [p for p in outcome.problems if "Sunday" in p.rule]
    assert len(sunday) == 1 and sunday[0].location == "line 2"


def test_snapshot_in_the_future_is_refused_until_the_day_is_over(settings):
    early = process_file(
        drop_csv(settings, aggregate_rows(), name="early.csv"),
        settings,
        today=dt.date(2023, 10, 28),
    )
    assert any("in the future" in p.rule for p in early.problems)
    # The snapshot's own month is not the future for a weekly return.
    on_time = process_file(
        drop_csv(settings, aggregate_rows(), name="on_time.csv"),
        settings,
        today=dt.date(2023, 10, 30),
    )
    assert on_time.status == "loaded"


def test_resubmission_for_the_same_snapshot_replaces_the_first(settings):
    process_file(drop_csv(settings, aggregate_rows(), name="v1.csv"), settings)
    corrected = aggregate_rows()
    corrected.loc[0, "pathways"] = 50  # 10 more at week 0
    process_file(drop_csv(settings, corrected, name="v2.csv"), settings)
    assert waiting_list_figures(settings)["total"] == 100


def test_template_filled_in_by_hand_loads(settings, tmp_path):
    template = tmp_path / "RJR_rtt_2023-10-29.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(settings.data_dir),
            "template",
            "rtt_aggregate",
            "--org",
            "RJR",
            "--period",
            SNAPSHOT,
            "-o",
            str(template),
        ],
    )
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Data"]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [
        "org_code",
        "period",
        "treatment_function_code",
        "pathway_type",
        "weeks_waited",
        "pathways",
    ]
    # As a person types them: Excel turns the date into a date cell and codes into numbers.
    for r, row in enumerate(aggregate_rows().itertuples(index=False), start=2):
        tfc = (
            int(row.treatment_function_code)
            if row.treatment_function_code.isdigit()
            else row.treatment_function_code
        )
        values = [
            "RJR",
            dt.datetime(2023, 10, 29),
            tfc,
            row.pathway_type,
            row.weeks_waited,
            row.pathways,
        ]
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    path = settings.inbox / "RJR" / template.name
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    outcome = process_file(path, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.period == SNAPSHOT
    assert waiting_list_figures(settings)["total"] == 90

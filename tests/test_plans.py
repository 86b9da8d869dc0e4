"""The ICB team's plans and targets file: loads per financial year, supersedes, and refuses
the mistakes that would make a board figure compare against the wrong thing."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import process_file
from pipeline.returns import get_return
from pipeline.samples.plans import sample_plans
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from tests.conftest import drop_csv
from tests.rows import plan_row

TODAY = dt.date(2023, 11, 20)


def plans_rows(year: str = "2023-24") -> pd.DataFrame:
    return pd.DataFrame(
        [
            plan_row("rtt.cohort.remaining", "QYG", "2024-03", 0, "target", "2024-03-31", "65"),
            plan_row("uec.four_hour_pct", "QYG", "2024-03", 76, "target", "2024-03-31"),
            plan_row(
                "theatres.utilisation.capped_pct",
                "QYG",
                "2024-03",
                85,
                "target",
                "2024-03-31",
                "capped",
            ),
            plan_row("uec.four_hour_pct", "QYG", "2023-10", 73.1),
            plan_row("rtt.cohort.remaining", "QYG", "2023-10", 6700, parameter="65"),
            plan_row("diagnostics.activity.ct", "REM", "2023-10", 5200),
            plan_row("uec.long_stay.over_21d_pct", "RVY", "2023-04", 15.5),
        ]
    ).assign(period=year)


def _raw_count(settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM raw.plans").fetchall()[0][0]


def _drop(settings, frame, name="plans.csv", org="QYG"):
    return drop_csv(settings, frame, org=org, name=name)


def test_plans_file_loads_for_its_financial_year(settings):
    outcome = process_file(_drop(settings, plans_rows()), settings, today=TODAY)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert (outcome.return_type, outcome.period, outcome.row_count) == ("plans", "2023-24", 7)
    with connect(settings) as conn:
        targets = conn.execute(
            "SELECT metric, value, deadline, parameter FROM staging.stg_plans_targets "
            "WHERE kind = 'target' ORDER BY metric"
        ).fetchall()
        long_stay = conn.execute(
            "SELECT scope, submitted_scope FROM staging.stg_plans_targets "
            "WHERE metric LIKE 'uec.long_stay.%'"
        ).fetchall()
    assert targets == [
        ("rtt.cohort.remaining", 0.0, dt.date(2024, 3, 31), "65"),
        ("theatres.utilisation.capped_pct", 85.0, dt.date(2024, 3, 31), "capped"),
        ("uec.four_hour_pct", 76.0, dt.date(2024, 3, 31), None),
    ]
    assert long_stay == [("RBN", "RVY")]  # a merged trust's plan is its successor's


def test_new_file_for_the_year_replaces_the_old_one_whole(settings):
    process_file(_drop(settings, plans_rows(), "v1.csv"), settings, today=TODAY)
    revised = plans_rows().iloc[:3]
    process_file(_drop(settings, revised, "v2.csv"), settings, today=TODAY)
    with connect(settings) as conn:
        statuses = [
            r[0]
            for r in conn.execute(
                "SELECT status FROM ledger.submissions ORDER BY submission_id"
            ).fetchall()
        ]
        current = conn.execute("SELECT count(*) FROM staging.stg_plans_targets").fetchall()
    assert statuses == ["superseded", "loaded"]
    assert current == [(3,)]


def test_next_years_plans_may_come_before_the_year_starts(settings):
    next_year = plans_rows("2024-25").iloc[:3].assign(month="2025-03", deadline="2025-03-31")
    outcome = process_file(_drop(settings, next_year), settings, today=dt.date(2024, 2, 1))
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    # A year ahead of that is too early: 2024-25 plans cannot come before April 2023.
    too_early = process_file(
        _drop(settings, next_year.iloc[:2], "early.csv"), settings, today=dt.date(2023, 3, 1)
    )
    assert any("in the future" in p.rule for p in too_early.problems)


def _with(row: int, **changes) -> pd.DataFrame:
    frame = plans_rows()
    for column, value in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value
    return frame


BAD_CASES = {
    "target without a deadline": (
        _with(1, deadline=""),
        "A target needs the date it must be met by",
    ),
    "plan with a deadline": (_with(3, deadline="2023-10-31"), "A plan value has no deadline"),
    "deadline outside its month": (
        _with(1, deadline="2024-02-29"),
        "The deadline is not in the month given",
    ),
    "month outside the year": (
        _with(5, month="2024-04"),
        "The month is outside the financial year",
    ),
    "year written wrongly": (
        plans_rows().assign(period="2023-25"),
        "must be a financial year written YYYY-YY",
    ),
    "percentage as a fraction of 100 gone wrong": (
        _with(3, value=731),
        "A percentage must be between 0 and 100",
    ),
    "metric not an id": (_with(5, metric="CT activity"), "is not a metric id"),
    "unknown kind": (_with(3, kind="goal"), "is not plan or target"),
    "cohort without its weeks": (
        _with(4, parameter=""),
        "A waiting-list cohort figure needs its threshold",
    ),
    "theatre target without its measure": (
        _with(2, parameter=""),
        "A theatre utilisation target must say which measure",
    ),
    "the same figure twice": (
        pd.concat([plans_rows(), plans_rows().iloc[[3]]]),
        "repeats a row already given for the same key",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_file_is_quarantined_with_the_right_message(settings, case):
    frame, message = BAD_CASES[case]
    outcome = process_file(_drop(settings, frame), settings, today=TODAY)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.rule for p in outcome.problems]
    assert _raw_count(settings) == 0
    sheet = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    assert any(
        message in (sheet.cell(row=r, column=4).value or "") for r in range(6, sheet.max_row + 1)
    )


def test_plans_from_a_trust_are_refused(settings):
    frame = plans_rows().assign(org_code="RJR")
    outcome = process_file(_drop(settings, frame, org="RJR"), settings, today=TODAY)
    assert outcome.status == "rejected"
    assert any("sent by the ICB team" in p.rule for p in outcome.problems)


def test_template_for_a_financial_year_filled_in_by_hand_loads(settings, tmp_path):
    path = build_template(
        get_return("plans"),
        org_code="QYG",
        period="2023-24",
        sites=[],
        path=tmp_path / "plans.xlsx",
    )
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    sheet.delete_rows(2, sheet.max_row)
    # A month typed as 2023-10 becomes a date in Excel; the deadline is a date cell.
    sheet.append(
        [
            "QYG",
            "2023-24",
            "uec.four_hour_pct",
            "QYG",
            dt.datetime(2024, 3, 1),
            "Target",
            76,
            dt.datetime(2024, 3, 31),
            None,
        ]
    )
    sheet.append(
        ["QYG", "2023-24", "diagnostics.activity.mri", "RJR", "2023-10", "plan", 1450, None, None]
    )
    sheet.append(
        ["QYG", "2023-24", "rtt.cohort.remaining", "QYG", "2023-10", "plan", 6700, None, 65]
    )
    book.save(path)
    drop = settings.inbox / "QYG" / "plans_filled.xlsx"
    drop.parent.mkdir(parents=True, exist_ok=True)
    drop.write_bytes(path.read_bytes())
    outcome = process_file(drop, settings, today=TODAY)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings) as conn:
        assert conn.execute(
            "SELECT metric, period, kind, parameter FROM staging.stg_plans_targets ORDER BY metric"
        ).fetchall() == [
            ("diagnostics.activity.mri", "2023-10", "plan", None),
            ("rtt.cohort.remaining", "2023-10", "plan", "65"),
            ("uec.four_hour_pct", "2024-03", "target", None),
        ]


def test_sample_plans_load_and_carry_this_years_targets(settings):
    outcome = process_file(_drop(settings, sample_plans()), settings, today=TODAY)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems[:5]]
    with connect(settings) as conn:
        targets = dict(
            conn.execute(
                "SELECT metric, value FROM staging.stg_plans_targets WHERE kind = 'target'"
            ).fetchall()
        )
        trusts = conn.execute(
            "SELECT count(DISTINCT scope) FROM staging.stg_plans_targets "
            "WHERE metric LIKE 'diagnostics.activity.%'"
        ).fetchall()[0][0]
    assert targets == {
        "rtt.cohort.remaining": 0,
        "uec.four_hour_pct": 76,
        "rtt.within_18w_pct": 92,
        "theatres.utilisation.capped_pct": 85,
        "outpatients.teledermatology.implementation_pct": 80,
    }
    assert trusts == 12


@pytest.mark.parametrize(
    ("return_type", "org", "period"),
    [
        ("dm01", "REM", "2023-10"),
        ("theatres", "REM", "2023-10"),
        ("finance", "QYG", "2023-10"),
        ("plans", "QYG", "2023-24"),
    ],
)
def test_cli_writes_the_template_of_each_return(tmp_path, return_type, org, period):
    from typer.testing import CliRunner

    from cmast.app import app

    out = tmp_path / f"{return_type}.xlsx"
    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(tmp_path / "data"),
            "template",
            return_type,
            "--org",
            org,
            "--period",
            period,
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert [c.value for c in book["Data"][1]] == get_return(return_type).columns
    assert book["Instructions"]["A1"].value.endswith(f"{org}, {period}")

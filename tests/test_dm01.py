"""The diagnostics (DM01) return: loads with the right figures, quarantines typical mistakes."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import process_file
from pipeline.returns import get_return
from pipeline.samples.dm01 import sample_dm01
from pipeline.samples.profiles import PROFILES
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from schemas.dm01 import dm01_tests
from tests.conftest import drop_csv
from tests.rows import dm01_rows


def _raw_count(settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM raw.dm01").fetchall()[0][0]


def _feedback_rules(settings, outcome) -> list[str]:
    sheet = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    return [sheet.cell(row=r, column=4).value or "" for r in range(6, sheet.max_row + 1)]


def test_valid_return_loads_with_the_right_figures(settings):
    outcome = process_file(drop_csv(settings, dm01_rows()), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.return_type == "dm01" and outcome.row_count == 9
    with connect(settings) as conn:
        waiting = conn.execute(
            "SELECT sum(patients), sum(patients) FILTER (WHERE NOT waited_6w_plus), "
            "sum(patients) FILTER (WHERE waited_6w_plus), "
            "sum(patients) FILTER (WHERE waited_13w_plus) FROM staging.stg_dm01_waiting"
        ).fetchall()[0]
        activity = conn.execute(
            "SELECT modality, waiting_list_tests, planned_tests, unscheduled_tests, total_tests "
            "FROM staging.stg_dm01_activity ORDER BY test_id"
        ).fetchall()
    # Waiting: 10+4+3+1+2 = 20; under 6 weeks 10+4 = 14; 6+ 3+1+2 = 6; 13+ 1+2 = 3.
    assert waiting == (20, 14, 6, 3)
    # A test given by number (2) is CT; rows left out count as 0.
    assert activity == [("mri", 20, 5, 7, 32), ("ct", 30, 0, 0, 30)]


BAD_CASES = {
    "unknown test": (
        lambda f: f.assign(test=["xray", *f["test"][1:]]),
        "is not one of the 15 DM01 tests",
    ),
    "unknown measure": (
        lambda f: f.assign(measure=["done", *f["measure"][1:]]),
        "is not a DM01 measure",
    ),
    "weeks over 104": (
        lambda f: f.assign(weeks_waited=[0, 5, 6, 105, 13, *[None] * 4]),
        "Weeks waited must be 0 to 104",
    ),
    "waiting row without weeks": (
        lambda f: f.assign(weeks_waited=[None, 5, 6, 104, 13, *[None] * 4]),
        "A waiting row needs the weeks waited",
    ),
    "tests row with weeks": (
        lambda f: f.assign(weeks_waited=[0, 5, 6, 104, 13, 2, None, None, None]),
        "Tests done in the month have no weeks waited",
    ),
    "same test by number and key": (
        lambda f: f.assign(
            test=["mri", "mri", "mri", "1", "2", "mri", "mri", "mri", "2"],
            weeks_waited=[0, 5, 6, 0, 13, *[None] * 4],
        ),
        "repeats a row already given for the same test, measure",
    ),
    "negative number": (
        lambda f: f.assign(number=[10, 4, 3, -1, 2, 20, 5, 7, 30]),
        "must be 0 or more",
    ),
    "suppressed count": (
        lambda f: f.astype({"number": object}).assign(number=[10, 4, 3, "*", 2, 20, 5, 7, 30]),
        "not a suppression marker",
    ),
    "two months in one file": (
        lambda f: f.assign(period=["2023-09", *f["period"][1:]]),
        "The file covers more than one period",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_return_is_quarantined_with_the_right_message(settings, case):
    change, message = BAD_CASES[case]
    outcome = process_file(drop_csv(settings, change(dm01_rows())), settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.rule for p in outcome.problems]
    assert all(p.location for p in outcome.problems if p.row is not None)
    assert _raw_count(settings) == 0
    assert any(message in rule for rule in _feedback_rules(settings, outcome))


def test_problem_names_the_cell(settings):
    frame = dm01_rows().assign(
        test=["mri", "mri", "mri", "mri", "2", "mri", "mri", "mri", "ultrasound"]
    )
    outcome = process_file(drop_csv(settings, frame), settings)
    problem = next(p for p in outcome.problems if p.column == "test")
    assert (problem.location, problem.value) == ("line 10", "ULTRASOUND")


def test_template_filled_in_by_hand_loads(settings, tmp_path):
    path = build_template(
        get_return("dm01"), org_code="RJR", period="2023-10", sites=[], path=tmp_path / "dm01.xlsx"
    )
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    assert header == ["org_code", "period", "test", "measure", "weeks_waited", "number"]
    rows = list(sheet.iter_rows(min_row=2, max_row=sheet.max_row))
    assert len([r for r in rows if r[0].value]) == 15 * (105 + 3)
    # The analyst types a number into every row: 2 waiting at each week, 9 tests of each kind.
    for row in rows:
        if row[0].value:
            row[5].value = 9 if row[3].value.startswith("tests_") else 2
    book.save(path)
    drop = settings.inbox / "RJR" / "dm01_filled.xlsx"
    drop.parent.mkdir(parents=True, exist_ok=True)
    drop.write_bytes(path.read_bytes())
    outcome = process_file(drop, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems[:5]]
    with connect(settings) as conn:
        assert (
            conn.execute("SELECT sum(patients) FROM staging.stg_dm01_waiting").fetchall()[0][0]
            == 15 * 105 * 2
        )
        assert (
            conn.execute("SELECT sum(total_tests) FROM staging.stg_dm01_activity").fetchall()[0][0]
            == 15 * 3 * 9
        )


def test_sample_return_loads_and_is_repeatable(settings):
    frame = sample_dm01("RBQ", "2023-10")
    assert frame.equals(sample_dm01("RBQ", "2023-10"))
    outcome = process_file(drop_csv(settings, frame, org="RBQ"), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems[:5]]


def test_samples_have_the_system_scale():
    frame = pd.concat([sample_dm01(org, "2023-10") for org in PROFILES])
    waiting = frame[frame["measure"] == "waiting"]
    total = waiting["number"].sum()
    under_6w = waiting.loc[waiting["weeks_waited"] < 6, "number"].sum()
    tests = frame.loc[frame["measure"] != "waiting", "number"].sum()
    assert 70_000 < total < 80_000
    assert 0.72 < under_6w / total < 0.78
    assert 95_000 < tests < 110_000


@pytest.mark.nhse
def test_reference_tests_are_the_dm01_workbooks():
    import fastexcel

    from tests.conftest import SHARED_NHSE

    workbook = SHARED_NHSE / "dm01_2024-09_provider.xls"
    if not workbook.exists():
        pytest.skip(f"{workbook} not found")
    sheet = (
        fastexcel.read_excel(str(workbook))
        .load_sheet("Provider by Test", header_row=None, dtypes="string")
        .to_pandas()
    )
    header = sheet.index[sheet.iloc[:, 4].eq("Diagnostic ID")][0]
    published = (
        sheet.iloc[header + 1 :, [4, 5]]
        .dropna()
        .drop_duplicates()
        .set_axis(["test_id", "test_name"], axis=1)
    )
    published = published.assign(test_id=published["test_id"].astype(int))
    published = published[published["test_id"] <= 15].sort_values("test_id")
    ours = dm01_tests()[["test_id", "test_name"]]
    assert ours.reset_index(drop=True).equals(published.reset_index(drop=True))

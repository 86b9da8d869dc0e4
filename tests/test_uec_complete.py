"""A UEC return covers its whole month: a short one is refused with the missing days named, and
a day a site was closed is a row marked closed, never left out.

The files are ``tests.conftest.uec_rows``: day d has 100*d type 1 attendances and 50 type 3 and
4 booked, so October's 31 days of RJR05 add up to 100 * (31 * 32 / 2) + 31 * 54 = 51,274.
"""

from __future__ import annotations

import openpyxl
import pandas as pd

from pipeline.ingest import process_file
from pipeline.report import grouped_lines
from pipeline.returns.registry import get_return
from pipeline.spreadsheet.template import build_template
from pipeline.validation.completeness import day_ranges, missing_days
from pipeline.warehouse import connect
from tests.conftest import drop_csv, uec_rows
from tests.headline_fixtures import headlines


def _ledger(settings) -> list[tuple]:
    with connect(settings, read_only=True) as conn:
        return conn.execute(
            "SELECT file_name, status, row_count FROM ledger.submissions ORDER BY submission_id"
        ).fetchall()


def _current(settings) -> tuple[int, int, int]:
    """Current type 1 and all attendances, and the closed days, of RJR in October."""
    with connect(settings, read_only=True) as conn:
        return conn.execute(
            "SELECT sum(type1_attendances), sum(all_attendances), count(*) FILTER (site_closed) "
            "FROM staging.stg_uec_daily WHERE org_code = 'RJR'"
        ).fetchall()[0]


def _figures(settings) -> list[tuple]:
    by_id, _, _ = headlines(settings, "2023-10")
    return sorted((r.id, r.scope, r.value) for r in by_id.values())


def test_a_short_month_is_refused_naming_the_days_and_the_full_one_stays_current(settings):
    full = process_file(drop_csv(settings, uec_rows(days=31), name="full.csv"), settings)
    assert (full.status, full.row_count) == ("loaded", 31)
    before, figures = _current(settings), _figures(settings)
    assert before == (49_600, 51_274, 0)  # 100 * 496 type 1; + 31 * 54 type 3 and booked

    short = uec_rows(days=20).iloc[:20]  # a partial export: 1 to 20 October only
    outcome = process_file(drop_csv(settings, short, name="partial.csv"), settings)
    assert outcome.status == "rejected"
    [problem] = outcome.problems
    assert problem.rule == "site RJR05: 11 days missing: 21 to 31 October 2023"
    assert problem.location == "file"
    assert "Send the whole month" in problem.hint and "site_closed" in problem.hint
    assert grouped_lines(outcome.problems) == [problem.as_line()]  # one line, not eleven
    feedback = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    rules = [feedback.cell(row=r, column=4).value for r in range(6, feedback.max_row + 1)]
    assert "site RJR05: 11 days missing: 21 to 31 October 2023" in rules

    assert _ledger(settings) == [("full.csv", "loaded", 31), ("partial.csv", "rejected", 0)]
    assert _current(settings) == before
    assert _figures(settings) == figures


def test_the_same_days_with_the_rest_marked_closed_load(settings):
    outcome = process_file(drop_csv(settings, uec_rows(days=20), name="closed.csv"), settings)
    assert (outcome.status, outcome.row_count) == ("loaded", 31)
    # Days 1 to 20: type 1 100 * 210 = 21,000; all = 21,000 + 20 * 54 = 22,080; 11 closed.
    assert _current(settings) == (21_000, 22_080, 11)
    headlines(settings, "2023-10")  # builds the marts
    with connect(settings, read_only=True) as conn:
        closed = conn.execute(
            "SELECT min(date)::VARCHAR, max(date)::VARCHAR FROM raw.uec_daily WHERE site_closed"
        ).fetchall()[0]
        beds = conn.execute(
            "SELECT beds_occupied FROM marts.uec_monthly WHERE scope = 'RJR'"
        ).fetchall()
    assert closed == ("2023-10-21", "2023-10-31")
    assert beds == [(500,)]  # the last open day's beds (20 October), not a closed day's 0


def test_a_closed_day_with_attendances_is_refused(settings):
    frame = uec_rows(days=2)
    frame.loc[1, "site_closed"] = "yes"  # 2 October, with its 200 type 1 attendances
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "rejected"
    [problem] = outcome.problems
    assert problem.rule == "A day marked closed cannot have attendances or occupied beds"
    assert (problem.location, problem.line_key, problem.value) == (
        "line 3",
        "RJR05, 2023-10-02",
        "YES",
    )
    assert _ledger(settings) == [("return.csv", "rejected", 0)]


def test_a_closed_marker_other_than_yes_is_refused(settings):
    frame = uec_rows(days=30)
    frame.loc[30, "site_closed"] = "closed"
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "rejected"
    assert [(p.rule, p.location) for p in outcome.problems] == [
        ("must be yes (the site was closed all day) or blank", "line 32")
    ]


def test_a_template_filled_with_a_closed_day_loads(settings, tmp_path):
    template = settings.inbox / "RJR" / "RJR_uec_2023-10.xlsx"
    template.parent.mkdir(parents=True)
    build_template(
        get_return("uec"), org_code="RJR", period="2023-10", sites=["RJR05"], path=template
    )
    workbook = openpyxl.load_workbook(template)
    data = workbook["Data"]
    headers = [c.value for c in data[1]]
    closed_column = headers.index("site_closed") + 1
    choices = [
        v
        for v in data.data_validations.dataValidation
        if openpyxl.utils.get_column_letter(closed_column) in str(v.sqref)
    ]
    assert choices and choices[0].type == "list"
    for row in range(2, 33):  # 1 to 31 October; the 25th (row 26) the site was closed
        for column, header in enumerate(headers, start=1):
            if header == "site_closed":
                data.cell(row=row, column=column, value="yes" if row == 26 else None)
            elif data.cell(row=row, column=column).value is None:
                value = {"type1_attendances": 100, "type1_within_4h": 80}.get(header, 0)
                data.cell(row=row, column=column, value=0 if row == 26 else value)
    workbook.save(template)
    outcome = process_file(template, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.row_count == 31
    assert _current(settings) == (3_000, 3_000, 1)  # 30 open days of 100 type 1


def test_a_whole_month_without_the_closed_column_loads(settings):
    frame = uec_rows(days=31).drop(columns="site_closed")
    outcome = process_file(drop_csv(settings, frame), settings)
    assert (outcome.status, outcome.row_count) == ("loaded", 31)
    assert _current(settings) == (49_600, 51_274, 0)


def test_each_site_is_complete_on_its_own():
    two_sites = pd.concat(
        [
            uec_rows(site="RJR05", days=31).drop(index=[4, 5, 6, 9]),
            uec_rows(site="RJR06", days=31).iloc[:30],
        ],
        ignore_index=True,
    )
    assert [p.rule for p in missing_days(_typed(two_sites), "site_code")] == [
        "site RJR05: 4 days missing: 5 to 7 and 10 October 2023",
        "site RJR06: 1 day missing: 31 October 2023",
    ]


def test_day_ranges_are_compact():
    days = pd.DatetimeIndex(["2024-02-01", "2024-02-03", "2024-02-04", "2024-02-05", "2024-02-29"])
    assert day_ranges(days) == "1, 3 to 5 and 29 February 2024"


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(date=pd.to_datetime(frame["date"]))


def test_past_a_hundred_sites_the_rest_are_counted():
    # 102 made-up sites, each without 31 October: 100 named, then the other 2 counted.
    sites = [uec_rows(site=f"X{n:04d}", days=31).iloc[:30] for n in range(102)]
    problems = missing_days(_typed(pd.concat(sites, ignore_index=True)), "site_code")
    assert len(problems) == 101
    assert problems[99].rule == "site X0099: 1 day missing: 31 October 2023"
    assert problems[100].rule == "2 more sites have days missing"

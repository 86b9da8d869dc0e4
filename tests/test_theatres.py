"""The theatre sessions return: utilisation minutes worked out by hand, and typical mistakes."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pipeline.config import Settings
from pipeline.ingest import process_file
from pipeline.reference_data import sites_frame
from pipeline.returns import get_return
from pipeline.samples.theatres import sample_theatres
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from tests.conftest import drop_csv
from tests.rows import session, theatre_rows


def _raw_count(settings: Settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM raw.theatre_sessions").fetchall()[0][0]


def test_valid_return_loads_with_utilisation_minutes_by_hand(settings):
    outcome = process_file(drop_csv(settings, theatre_rows()), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings) as conn:
        rows = conn.execute(
            "SELECT session, status, planned_minutes, touch_minutes, capped_touch_minutes, "
            "early_start_minutes, overrun_minutes, actual_end FROM staging.stg_theatre_sessions "
            "ORDER BY planned_start"
        ).fetchall()
        totals = conn.execute(
            "SELECT sum(planned_minutes), sum(touch_minutes), sum(capped_touch_minutes) "
            "FROM staging.stg_theatre_sessions"
        ).fetchall()[0]
    assert [r[:7] for r in rows] == [
        ("AM", "held", 240, 275, 240, 15, 20),
        ("PM", "cancelled", 240, 0, 0, 0, 0),
        ("EVE", "held", 240, 390, 230, 0, 160),
    ]
    assert rows[2][7] == dt.datetime(2023, 10, 3, 0, 40)  # the evening list ended next morning
    # Uncapped (275 + 390) / 720 = 92.4%; capped (240 + 230) / 720 = 65.3%.
    assert totals == (720, 665, 470)


def test_full_dates_and_times_are_accepted(settings):
    frame = pd.DataFrame(
        [
            session(
                start="2023-10-02 08:30",
                end="2023-10-02 12:30",
                actual_start="02/10/2023 08:40",
                actual_end="12:10",
            )
        ]
    )
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings) as conn:
        assert conn.execute(
            "SELECT touch_minutes, capped_touch_minutes FROM staging.stg_theatre_sessions"
        ).fetchall() == [(210, 210)]


def _one(**changes) -> pd.DataFrame:
    return pd.DataFrame([session(**changes)])


BAD_CASES = {
    "actual end before actual start": (
        _one(actual_end="08:00"),
        "The actual end is before the actual start",
    ),
    "a day list past midnight": (
        _one(session="PM", start="13:30", end="17:30", actual_start="13:40", actual_end="00:30"),
        "The actual end is before the actual start",
    ),
    "planned end before planned start": (
        _one(start="12:30", end="08:30"),
        "The planned end is not after the planned start",
    ),
    "session over 24 hours": (
        _one(
            session="EVE",
            start="18:00",
            end="22:00",
            actual_start="2023-10-02 18:00",
            actual_end="2023-10-03 19:00",
        ),
        "A session cannot last more than 24 hours",
    ),
    "held with no actual times": (
        _one(actual_start="", actual_end=""),
        "A held session needs its actual start time",
    ),
    "cancelled with actual times": (
        _one(status="cancelled", reason="No beds", cases=0),
        "A cancelled session cannot have actual start or end times",
    ),
    "cancelled with cases": (
        _one(status="cancelled", reason="No beds", actual_start="", actual_end="", cases=2),
        "A cancelled session cannot have cases",
    ),
    "cancelled with no reason": (
        _one(status="cancelled", actual_start="", actual_end="", cases=0),
        "A cancelled session needs its cancellation reason",
    ),
    "time not on the clock": (_one(actual_start="8.15am"), "must be a time written HH:MM"),
    "unknown session": (_one(session="NIGHT"), "is not a session type"),
    "site of another trust": (_one().assign(site_code="REM21"), "is not a site of RJR"),
    "the same session twice": (
        pd.DataFrame([session(), session(cases=4)]),
        "repeats a row already given for the same key",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_return_is_quarantined_with_the_right_message(settings, case):
    frame, message = BAD_CASES[case]
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.rule for p in outcome.problems]
    assert _raw_count(settings) == 0
    sheet = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    assert any(
        message in (sheet.cell(row=r, column=4).value or "") for r in range(6, sheet.max_row + 1)
    )


def test_problem_shows_the_time_as_typed(settings):
    outcome = process_file(drop_csv(settings, _one(actual_end="08:00")), settings)
    problem = next(p for p in outcome.problems if p.column == "actual_end")
    assert (problem.location, problem.value) == ("line 2", "08:00")


def test_template_filled_in_by_hand_loads(settings, tmp_path):
    path = build_template(
        get_return("theatres"),
        org_code="RJR",
        period="2023-10",
        sites=["RJR05"],
        path=tmp_path / "theatres.xlsx",
    )
    book = openpyxl.load_workbook(path)
    assert "one row per planned theatre session" in book["Instructions"]["A3"].value
    sheet = book["Data"]
    # Typed as a person would: real dates and times, the specialty as a number.
    sheet.append(
        [
            "RJR",
            "2023-10",
            "RJR05",
            "Theatre 1",
            dt.datetime(2023, 10, 2),
            "AM",
            110,
            dt.time(8, 30),
            dt.time(12, 30),
            dt.time(8, 15),
            dt.time(12, 50),
            "Held",
            None,
            3,
        ]
    )
    sheet.append(
        [
            "RJR",
            "2023-10",
            "RJR05",
            "Theatre 1",
            dt.datetime(2023, 10, 2),
            "EVE",
            110,
            dt.time(18, 0),
            dt.time(22, 0),
            dt.time(18, 10),
            dt.time(0, 40),
            "Held",
            None,
            2,
        ]
    )
    sheet.append(
        [
            "RJR",
            "2023-10",
            "RJR05",
            "Theatre 2",
            dt.datetime(2023, 10, 3),
            "PM",
            100,
            dt.time(13, 30),
            dt.time(17, 30),
            None,
            None,
            "Cancelled",
            "No beds",
            0,
        ]
    )
    # append() writes below the template's spare rows; move the three rows up to row 2.
    data = list(sheet.iter_rows(min_row=sheet.max_row - 2, values_only=True))
    sheet.delete_rows(2, sheet.max_row)
    for values in data:
        sheet.append(values)
    book.save(path)
    drop = settings.inbox / "RJR" / "theatres_filled.xlsx"
    drop.parent.mkdir(parents=True, exist_ok=True)
    drop.write_bytes(path.read_bytes())
    outcome = process_file(drop, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings) as conn:
        assert conn.execute(
            "SELECT sum(planned_minutes), sum(touch_minutes), sum(capped_touch_minutes) "
            "FROM staging.stg_theatre_sessions"
        ).fetchall()[0] == (720, 665, 470)


def test_samples_load_with_utilisation_near_80_percent(settings):
    sites = sites_frame(settings)
    for org in ("RJN", "RBQ"):
        frame = sample_theatres(org, "2023-10", sites[sites["org_code"] == org])
        frame["session_date"] = frame["session_date"].dt.strftime("%Y-%m-%d")
        outcome = process_file(drop_csv(settings, frame, org=org), settings)
        assert outcome.status == "loaded", [p.as_line() for p in outcome.problems[:5]]
    with connect(settings) as conn:
        uncapped, capped, cancelled = conn.execute(
            "SELECT sum(touch_minutes) / sum(planned_minutes), "
            "sum(capped_touch_minutes) / sum(planned_minutes), "
            "count(*) FILTER (WHERE status = 'cancelled') FROM staging.stg_theatre_sessions"
        ).fetchall()[0]
    assert 0.75 < capped < uncapped < 0.86
    assert cancelled > 0

"""Minutes across a clock change are elapsed minutes (docs/robustness.md, Clock changes)."""

from __future__ import annotations

import pandas as pd

from pipeline.ingest import process_file
from pipeline.warehouse import connect
from tests.conftest import drop_csv
from tests.rows import session


def test_an_evening_list_across_the_october_clock_change_counts_the_hour_gained(settings):
    # Saturday 28 October 2023: at 02:00 BST on the Sunday the clocks go back to 01:00 GMT.
    # 18:00 BST to 02:30 GMT is 9 h 30 min elapsed (510 min on the clock face + 60).
    # Planned 18:00-23:00: 300 min either way; overrun 23:00 BST to 02:30 GMT = 270 min.
    frame = pd.DataFrame(
        [
            session("EVE", "18:00", "23:00", "18:00", "02:30", day="2023-10-28", cases=4),
            # A normal Monday evening list to show nothing else moves: 18:10 to 00:40 = 390 min.
            session("EVE", "18:00", "22:00", "18:10", "00:40", day="2023-10-02", cases=2),
        ]
    )
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings, read_only=True) as conn:
        rows = conn.execute(
            "SELECT session_date::VARCHAR, planned_minutes, touch_minutes, capped_touch_minutes,"
            " overrun_minutes FROM staging.stg_theatre_sessions ORDER BY session_date"
        ).fetchall()
    assert rows == [("2023-10-02", 240, 390, 230, 160), ("2023-10-28", 300, 570, 300, 270)]


def test_a_list_across_the_march_clock_change_counts_the_hour_lost(settings):
    # Saturday 25 March 2023: at 01:00 GMT on the Sunday the clocks go forward to 02:00 BST.
    # 20:00 GMT to 03:00 BST is 6 h elapsed (7 h on the clock face - 60).
    frame = pd.DataFrame(
        [
            session("EVE", "20:00", "23:00", "20:00", "03:00", day="2023-03-25", cases=1)
            | {"period": "2023-03"},
        ]
    )
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings, read_only=True) as conn:
        [row] = conn.execute(
            "SELECT planned_minutes, touch_minutes FROM staging.stg_theatre_sessions"
        ).fetchall()
    assert row == (180, 360)

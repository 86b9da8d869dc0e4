"""What the command line prints: grouped problems, and the ledger in an 80-column terminal."""

from __future__ import annotations

import pandas as pd
from rich.console import Console

from pipeline import report
from pipeline.validation.problems import Problem


def test_problems_on_many_rows_are_one_line_with_their_row_ranges():
    same = [
        Problem(
            rule="is not a site of REM",
            column="site_code",
            row=r,
            value="RJR05",
            location=f"Data!C{r + 2}",
        )
        for r in (0, 1, 2, 3, 7, 8, 9)
    ]
    other = Problem(rule="must not be blank", column="date", row=1, location="Data!D3")
    assert report.grouped_lines([*same, other]) == [
        "7 rows [site_code]: is not a site of REM (found: RJR05): Data rows 2 to 5, 9 to 11.",
        "Data!D3 [date]: must not be blank.",
    ]
    # Two alike are listed as they are.
    assert report.grouped_lines(same[:2]) == [p.as_line() for p in same[:2]]


def test_the_ledger_reads_in_80_columns():
    frame = pd.DataFrame(
        [
            {
                "submission_id": 12,
                "org_code": "RJR",
                "return_type": "rtt_aggregate",
                "period": "2023-10-29",
                "status": "superseded",
                "row_count": 1234,
                "error_count": 0,
                "received_at": pd.Timestamp("2023-11-03 09:41"),
                "file_name": "RJR_rtt_aggregate_2023-10-29_corrected_final_v2.csv",
            }
        ]
    )
    console = Console(width=80, record=True, color_system=None)
    report.print_ledger(console, frame)
    lines = console.export_text().splitlines()
    assert max(map(len, lines)) <= 80
    first = lines[1]
    for whole in ("RJR", "rtt_aggregate", "2023-10-29", "superseded", "1,234", "03 Nov 09:41"):
        assert whole in first  # never cut
    assert "".join(
        line[line.index("RJR_") :].strip() if "RJR_" in line else line.strip() for line in lines[1:]
    ).endswith("_final_v2.csv")

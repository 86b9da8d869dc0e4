"""Benchmark 5: reading a 200,000-row return with the project's reader against pandas + openpyxl.

The workbook is UEC-shaped (17 columns: codes, a date, 13 counts) and is written once per run
into the scratch folder. The project's reader is ``read_table`` (fastexcel, every cell as text,
blank rows dropped); the baseline is what an analyst would otherwise type,
``pandas.read_excel(path, engine="openpyxl")``, which is slow enough to run once.
"""

from __future__ import annotations

import pandas as pd

from bench.core import Row, Run, Target, median_time, timed
from bench.frames import uec_frame, write_workbook
from pipeline.spreadsheet.read import read_table

NAME = "reader"
#: The issue's target; STACK.md measured 14x for fastexcel alone on 12 columns.
TARGET = Target("min_speedup", 5, "the issue's target: the reason fastexcel is a dependency")


def run(run: Run) -> list[Row]:
    rows = run.size(200_000, 20_000)
    path = run.folder(NAME) / "uec_large.xlsx"
    write_seconds, _ = timed(lambda: write_workbook(uec_frame(rows), path))
    ours, times = median_time(lambda: read_table(path), repeats=3)
    table = read_table(path)
    assert len(table.frame) == rows, f"read {len(table.frame)} rows, wrote {rows}"
    baseline, _ = timed(lambda: pd.read_excel(path, sheet_name="Data", engine="openpyxl"))
    return [Row(NAME, f"read_table, {rows:,} rows x {len(table.frame.columns)} columns (.xlsx)",
                ours, baseline=baseline, baseline_label="pandas read_excel, openpyxl (1 run)",
                target=TARGET, repeats=len(times),
                notes={"times": times, "rows": rows, "file_mb": path.stat().st_size / 1e6,
                       "write_seconds": write_seconds})]

"""Benchmark 5: reading a 200,000-row return with the project's reader against pandas + openpyxl.

The workbook is UEC-shaped (17 columns: codes, a date, 13 counts), written once into the scratch
folder and kept in a cache under the system's temporary folder for later runs (``--no-cache``
writes it anew). The project's reader is ``read_table`` (fastexcel, every cell as text,
blank rows dropped); the baseline is what an analyst would otherwise type,
``pandas.read_excel(path, engine="openpyxl")``, which is slow enough to run once.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd

from bench import frames
from bench.core import Row, Run, Target, median_time, timed
from pipeline.spreadsheet.read import read_table

NAME = "reader"
#: The issue's target; STACK.md measured 14x for fastexcel alone on 12 columns.
TARGET = Target("min_speedup", 5, "the issue's target: the reason fastexcel is a dependency")


def run(run: Run) -> list[Row]:
    rows = run.size(200_000, 20_000)
    write_seconds, path = timed(lambda: workbook(run, rows))
    read: list = []
    ours, times = median_time(lambda: read.append(read_table(path)))
    table = read[-1].frame
    assert len(table) == rows, f"read {len(table)} rows, wrote {rows}"
    baseline, _ = timed(lambda: pd.read_excel(path, sheet_name="Data", engine="openpyxl"))
    return [
        Row(
            NAME,
            f"read_table, {rows:,} rows x {len(table.columns)} columns (.xlsx)",
            ours,
            baseline=baseline,
            baseline_label="pandas read_excel, openpyxl (1 run)",
            target=TARGET,
            repeats=len(times),
            notes={
                "times": times,
                "rows": rows,
                "file_mb": path.stat().st_size / 1e6,
                "write_or_cache_seconds": write_seconds,
            },
        )
    ]


def workbook(run: Run, rows: int) -> Path:
    """The workbook to read: from the cache when an earlier run made it (writing 200,000 rows
    with openpyxl takes about a minute), else written into the scratch folder, then cached."""
    key = hashlib.sha256(Path(frames.__file__).read_bytes()).hexdigest()[:12]
    name = f"uec_{rows}_{key}.xlsx"  # a change to the generator makes a new file
    if run.cache is not None and (run.cache / name).exists():
        return run.cache / name
    path = frames.write_workbook(frames.uec_frame(rows), run.folder(NAME) / name)
    if run.cache is None:
        return path
    run.cache.mkdir(parents=True, exist_ok=True)
    for stale in run.cache.glob(f"uec_{rows}_*.xlsx"):
        stale.unlink()
    partial = run.cache / (name + ".partial")
    shutil.copyfile(path, partial)
    partial.replace(run.cache / name)  # whole or not at all, should two runs race
    return run.cache / name

"""Benchmark 7: peak memory of checking a UEC CSV row by row, up to the file size limit.

A file not checked in bulk (``pipeline.validation.bulk``: the patient-level lists) is read
whole into pandas and checked row by row, so its memory grows with its size. Each size is
checked in a fresh process (a process's peak never goes down) and its peak resident memory
compared with that of a process that only imports the same modules. The figure per MB of file
sets ``pipeline.inbox.CHECK_MB_PER_FILE_MB``, from which the largest file checked row by row
within ``CMAST_CHECK_MEMORY_MB`` follows (docs/robustness.md, Bounded memory).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.child import in_child
from bench.core import Row, Run, Target
from bench.frames import ORG, as_text, uec_frame
from pipeline.inbox import CHECK_MB_PER_FILE_MB

NAME = "check_memory"
#: About 70 bytes a row: 2,850,000 rows make the 200 MB of the default file size limit.
ROWS_FULL = (400_000, 2_850_000)
ROWS_QUICK = (100_000,)


def run(run: Run) -> list[Row]:
    idle = in_child("bench.check_memory:imports_only")["peak_mb"]
    results = []
    for rows in ROWS_QUICK if run.quick else ROWS_FULL:
        path = _csv(run, rows)
        size_mb = path.stat().st_size / 1_000_000
        found = in_child(
            "bench.check_memory:check_child", {"path": str(path), "rows": rows}, timeout=3600
        )
        grown = found["peak_mb"] - idle
        results.append(
            Row(
                NAME,
                f"peak memory checking a {size_mb:,.0f} MB UEC CSV ({rows:,} rows)",
                found["peak_mb"],
                unit="MB",
                baseline=idle,
                baseline_label="a process that only imports the pipeline",
                target=Target(
                    "max_mb",
                    idle + CHECK_MB_PER_FILE_MB * size_mb,
                    "within what CHECK_MB_PER_FILE_MB (the limit's basis) allows",
                ),
                notes={
                    "file_mb": round(size_mb, 1),
                    "grown_mb": round(grown, 1),
                    "mb_per_file_mb": round(grown / size_mb, 1),
                    "valid": found["valid"],
                },
            )
        )
    return results


def _csv(run: Run, rows: int) -> Path:
    folder = run.cache or run.folder(NAME)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"uec_{rows}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        as_text(uec_frame(rows)).to_csv(partial, index=False)
        partial.replace(path)
    return path


def imports_only() -> dict:
    import pipeline.validation.validate  # noqa: F401  what check_child imports, and no more

    return {}


def check_child(path: str, rows: int) -> dict:
    from bench.frames import DAYS
    from pipeline.validation.validate import Context, check_file

    # The sites uec_frame gives (one per month of days), without reading the file for them.
    sites = frozenset(f"{i:05d}" for i in range(-(-rows // DAYS)))
    context = Context(org_code=ORG, sites={ORG: sites}, today=dt.date(2024, 1, 1))
    checked = check_file(Path(path), context)
    return {"valid": checked.valid, "problems": len(checked.problems)}

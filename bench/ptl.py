"""Benchmark 3: an England-sized patient-level PTL (7.6 million pathways) through ``process_file``.

Reuses ``bench.ptl_scale``: its generator writes the CSV into a scratch inbox and its ``--load``
child loads it with ``process_file`` and reports time and peak memory, measured in a process of
its own so the generator's memory is not counted.

Baseline, also in a child of its own: the reduction the load ends in (pathways counted by clock
start date, treatment function, type and priority) as one bare DuckDB query over the same CSV,
without any of the checks (unique pathway ids, known codes, dates, NHS numbers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from bench import ptl_scale
from bench.child import in_child
from bench.core import Row, Run, Target, quiet_duckdb, timed
from pipeline.config import PROJECT_ROOT

NAME = "ptl"
TIME_TARGET = Target("max_seconds", 60, "a weekly national-scale file loads in about a minute "
                     "(the README quotes about 10 s on a quiet machine)")
MEMORY_TARGET = Target("max_mb", 2048, "fits a 4 GB machine beside Prefect and the OS (the "
                       "README quotes 1.1 GB)")


def run(run: Run) -> list[Row]:
    rows = run.size(ptl_scale.ROWS, 500_000)
    root = run.folder(NAME) / "data"
    settings = ptl_scale.settings_for(root)
    settings.ensure_dirs()
    path = settings.inbox / ptl_scale.ORG / "england_ptl_2023-10-29.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_seconds, _ = timed(lambda: ptl_scale.write_ptl(path, rows))
    size_mb = path.stat().st_size / 1e6
    bare = in_child("bench.ptl:bare_reduction", {"path": str(path)})
    # ptl_scale's own child: ``python -m bench.ptl_scale --load ROOT FILE`` prints JSON last.
    child = subprocess.run([sys.executable, "-m", "bench.ptl_scale", "--load", str(root),
                            str(path)], capture_output=True, text=True, check=True,
                           cwd=PROJECT_ROOT, env=_env())
    loaded = json.loads(child.stdout.strip().splitlines()[-1])
    if loaded["status"] != "loaded":
        raise RuntimeError(f"the PTL was not loaded: {loaded['message']} {loaded['problems']}")
    notes = {"rows": rows, "file_mb": size_mb, "write_seconds": write_seconds,
             "message": loaded["message"], "bare_groups": bare["groups"]}
    label = f"{rows:,} rows, {size_mb:,.0f} MB CSV"
    baseline_label = "bare DuckDB count by clock start etc. over the CSV, no checks (own process)"
    return [
        Row(NAME, f"process_file, PTL {label}: time", loaded["seconds"],
            baseline=bare["seconds"], baseline_label=baseline_label, target=TIME_TARGET,
            notes=notes),
        Row(NAME, f"process_file, PTL {label}: peak memory", loaded["peak_mb"], unit="MB",
            baseline=bare["peak_mb"], baseline_label=baseline_label, target=MEMORY_TARGET),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


def bare_reduction(path: str) -> dict[str, Any]:
    """Run in a child: the PTL counted as the warehouse keeps it, by DuckDB with no checks."""
    started = time.perf_counter()
    con = quiet_duckdb()
    groups = con.execute("""
        SELECT clock_start_date, treatment_function_code, pathway_type, priority,
               count(*) AS pathways
        FROM read_csv(?, header = true) GROUP BY ALL""", [path]).fetchall()
    con.close()
    return {"seconds": time.perf_counter() - started, "groups": len(groups)}

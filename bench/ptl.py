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

from bench.child import in_child
from bench.core import Row, Run, Target, quiet_duckdb, timed
from pipeline.config import PROJECT_ROOT

NAME = "ptl"
TIME_TARGET = Target("max_seconds", 30, "the issue's target for a national-scale weekly PTL")
MEMORY_TARGET = Target(
    "max_mb",
    3072,
    "the issue's target: fits beside Prefect and the OS on a modest analyst's machine",
)


def run(run: Run) -> list[Row]:
    # Imported here, not at the top: the starter child imports this module and must stay small.
    from bench import ptl_scale

    rows = run.size(ptl_scale.ROWS, 500_000)
    root = run.folder(NAME) / "data"
    settings = ptl_scale.settings_for(root)
    settings.ensure_dirs()
    path = settings.inbox / ptl_scale.ORG / "england_ptl_2023-10-29.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_seconds, _ = timed(lambda: ptl_scale.write_ptl(path, rows))
    size_mb = path.stat().st_size / 1e6
    bare = in_child("bench.ptl:bare_reduction", {"path": str(path)})
    started = in_child("bench.ptl:load_child", {"root": str(root), "path": str(path)})
    loaded = started["load"]
    if loaded["status"] != "loaded":
        raise RuntimeError(f"the PTL was not loaded: {loaded['message']} {loaded['problems']}")
    if started["starter_peak_mb"] >= loaded["peak_mb"]:
        raise RuntimeError("the PTL load's peak memory cannot be told from its starter's")
    notes = {
        "rows": rows,
        "file_mb": size_mb,
        "write_seconds": write_seconds,
        "starter_peak_mb": started["starter_peak_mb"],
        "message": loaded["message"],
        "bare_groups": bare["groups"],
    }
    label = f"{rows:,} rows, {size_mb:,.0f} MB CSV"
    baseline_label = "bare DuckDB count by clock start etc. over the CSV, no checks (own process)"
    return [
        Row(
            NAME,
            f"process_file, PTL {label}: time",
            loaded["seconds"],
            baseline=bare["seconds"],
            baseline_label=baseline_label,
            target=TIME_TARGET,
            notes=notes,
        ),
        Row(
            NAME,
            f"process_file, PTL {label}: peak memory",
            loaded["peak_mb"],
            unit="MB",
            baseline=bare["peak_mb"],
            baseline_label=baseline_label,
            target=MEMORY_TARGET,
        ),
    ]


def load_child(root: str, path: str) -> dict[str, Any]:
    """Run ``python -m bench.ptl_scale --load ROOT FILE`` (ptl_scale's own load child, which
    prints its JSON last) from this small process rather than from the harness.

    ptl_scale measures peak memory with ``getrusage``, whose high-water mark a child inherits
    from the process that started it: started by the harness, which holds the data of the
    benchmarks before, it could report the harness's peak. This process stays far smaller
    than the load (``starter_peak_mb`` says how small), so the figure is the load's own.
    """
    child = subprocess.run(
        [sys.executable, "-m", "bench.ptl_scale", "--load", root, path],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    from bench.child import peak_mb

    # Under its own key: the child runner adds this process's ``peak_mb`` to the result.
    return {"load": json.loads(child.stdout.strip().splitlines()[-1]), "starter_peak_mb": peak_mb()}


def bare_reduction(path: str) -> dict[str, Any]:
    """Run in a child: the PTL counted as the warehouse keeps it, by DuckDB with no checks."""
    started = time.perf_counter()
    con = quiet_duckdb()
    groups = con.execute(
        """
        SELECT clock_start_date, treatment_function_code, pathway_type, priority,
               count(*) AS pathways
        FROM read_csv(?, header = true) GROUP BY ALL""",
        [path],
    ).fetchall()
    con.close()
    return {"seconds": time.perf_counter() - started, "groups": len(groups)}

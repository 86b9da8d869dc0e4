"""An England-sized PTL (7.6 million pathways) through the inbox: time and peak memory.

Run ``python -m bench.ptl_scale`` (``--rows N`` for another size). It writes a PTL CSV into a
temporary data root, loads it with ``process_file`` in a child process (so the peak memory
measured is the load's alone, not the generator's), prints the time and the child's peak
resident memory, then the waiting-list figures the warehouse now gives. Nothing is kept.

The file is about 420 MB, over the default ``CMAST_MAX_FILE_MB`` of 200: the bench raises the
limit, as a deployment taking national extracts would.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from pipeline.config import Settings, load_settings
from pipeline.samples.rtt import COMPLEX_HAZARD, COMPLEX_SHARE, hazard_by_week, survival

ROWS = 7_600_000
ORG = "REM"  # the inbox it arrives through: the scale is what is measured, not the trust
SNAPSHOT = np.datetime64("2023-10-29")
TARGET = "2024-03-31"  # the 65-week cohort's date
CHUNK = 1_000_000
TFCS = [
    "100",
    "101",
    "110",
    "120",
    "130",
    "140",
    "150",
    "160",
    "170",
    "300",
    "301",
    "320",
    "330",
    "340",
    "400",
    "410",
    "430",
    "502",
    "X02",
    "X03",
    "X04",
    "X05",
    "X06",
]


def settings_for(root: Path) -> Settings:
    base = load_settings(root)
    return Settings(**{**base.__dict__, "settle_seconds": 0.0, "max_file_mb": 5_000.0})


def write_ptl(path: Path, rows: int, seed: int = 2023) -> None:
    """A PTL with clock starts spread as in the sample lists (most under 18 weeks)."""
    rng = np.random.default_rng(seed)
    hazard = hazard_by_week()
    weights = survival(hazard) + COMPLEX_SHARE * survival(np.full(hazard.size, COMPLEX_HAZARD))
    weights /= weights.sum()
    tfc_weights = rng.uniform(0.5, 2.0, len(TFCS))
    tfc_weights /= tfc_weights.sum()
    tfcs, kinds = pa.array(TFCS), pa.array(["non_admitted", "admitted"])
    priorities = pa.array(["P1", "P2", "P3", "P4", None])
    schema = pa.schema(
        [
            (name, pa.string())
            for name in (
                "org_code",
                "period",
                "pathway_id",
                "clock_start_date",
                "treatment_function_code",
                "pathway_type",
                "priority",
            )
        ]
    )
    options = pa_csv.WriteOptions(quoting_style="none")
    with pa_csv.CSVWriter(path, schema, write_options=options) as writer:
        for start in range(0, rows, CHUNK):
            n = min(CHUNK, rows - start)
            weeks = rng.choice(weights.size, n, p=weights)
            starts = SNAPSHOT - (7 * weeks + rng.integers(0, 7, n)).astype("timedelta64[D]")
            serials = pa.array(np.arange(start, start + n)).cast(pa.string())
            ids = pc.binary_join_element_wise("E", pc.utf8_lpad(serials, 9, "0"), "")
            admitted = rng.random(n) < 0.25
            priority = np.where(admitted, rng.choice(4, n, p=[0.01, 0.24, 0.5, 0.25]), 4)
            writer.write_table(
                pa.table(
                    {
                        "org_code": pa.repeat(ORG, n),
                        "period": pa.repeat(str(SNAPSHOT), n),
                        "pathway_id": ids,
                        "clock_start_date": pa.array(starts).cast(pa.string()),
                        "treatment_function_code": tfcs.take(
                            rng.choice(len(TFCS), n, p=tfc_weights)
                        ),
                        "pathway_type": kinds.take(admitted.astype(np.int8)),
                        "priority": priorities.take(priority),
                    },
                    schema=schema,
                )
            )


def load(root: Path, path: Path) -> dict:
    """Run in the child: load the file and report the time and this process's peak memory."""
    from pipeline.ingest import process_file

    started = time.perf_counter()
    outcome = process_file(path, settings_for(root))
    return {
        "status": outcome.status,
        "message": outcome.message,
        "problems": [p.as_line() for p in outcome.problems[:5]],
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def figures(settings: Settings) -> dict:
    from pipeline.warehouse import connect

    with connect(settings, read_only=True) as conn:
        waits = conn.execute("""
            SELECT sum(pathways), sum(pathways) FILTER (weeks_waited < 18),
                   sum(pathways) FILTER (weeks_waited >= 52),
                   sum(pathways) FILTER (weeks_waited >= 65),
                   sum(pathways) FILTER (weeks_waited >= 78),
                   sum(pathways) FILTER (weeks_waited >= 104)
            FROM staging.stg_rtt_pathways""").fetchall()[0]
        cohort = dict(
            conn.execute(
                """
            SELECT pathway_type, sum(pathways) FROM staging.stg_rtt_clock_starts
            WHERE clock_start_date <= CAST(? AS DATE) - INTERVAL 65 WEEK
            GROUP BY ALL""",
                [TARGET],
            ).fetchall()
        )
        stored = conn.execute("SELECT count(*) FROM raw.rtt_ptl_clock_starts").fetchall()[0][0]
    names = [
        "waiting_list",
        "under_18_weeks",
        "over_52_weeks",
        "over_65_weeks",
        "over_78_weeks",
        "over_104_weeks",
    ]
    return {
        **{k: int(v or 0) for k, v in zip(names, waits, strict=True)},
        "cohort_65w_by_2024_03_31": {k: int(v) for k, v in cohort.items()},
        "count_rows_stored": int(stored),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--load", nargs=2, metavar=("ROOT", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        print(json.dumps(load(Path(args.load[0]), Path(args.load[1]))))
        return
    with tempfile.TemporaryDirectory(prefix="ptl-scale-") as folder:
        root = Path(folder) / "data"
        settings = settings_for(root)
        settings.ensure_dirs()
        path = settings.inbox / ORG / "england_ptl_2023-10-29.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_ptl(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        print(
            f"wrote {args.rows:,} rows, {size_mb:,.0f} MB, in {time.perf_counter() - started:.1f} s"
        )
        child = subprocess.run(
            [sys.executable, "-m", "bench.ptl_scale", "--load", str(root), str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path.cwd())},
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"process_file: {result['status']} in {result['seconds']:.1f} s, peak memory "
            f"{result['peak_mb']:,.0f} MB ({result['message']})"
        )
        for line in result["problems"]:
            print("  ", line)
        if result["status"] == "loaded":
            print(json.dumps(figures(settings), indent=2))


if __name__ == "__main__":
    main()

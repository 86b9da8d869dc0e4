"""``python -m bench`` (``make bench``): every benchmark, each against its baseline, as one table.

Options: ``--only NAME[,NAME]`` runs some (names below), ``--quick`` uses smaller sizes to try
things out, ``--profile`` adds separate cProfile runs of the drop-to-feedback and month
benchmarks, ``--output PATH`` says where the JSON goes, ``--keep`` keeps the scratch folder,
``--no-cache`` writes the reader's large workbook anew. A full run writes ``bench/results.json``;
a partial or quick run writes JSON only when given ``--output``, so it never overwrites the
record of a full one. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from rich.console import Console

from bench import machine
from bench.core import Row, Run, Skipped
from bench.report import print_table, write_json

#: Name -> module, in the order they run (and are numbered in the README).
BENCHMARKS = {
    "feedback": "bench.feedback",
    "month": "bench.month",
    "ptl": "bench.ptl",
    "national": "bench.national",
    "reader": "bench.reader",
    "validation": "bench.validation",
    "check_memory": "bench.check_memory",
    "serve": "bench.serve_inbox",
}
RESULTS = Path(__file__).resolve().parent / "results.json"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated, from: {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer files")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile (cProfile) drop-to-feedback, the month and check_table",
    )
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="write the large reader workbook anew instead of reusing it",
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    args.names = names
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    # Every benchmark makes its own data roots in the scratch folder: settings that would point
    # them all at one place (a real warehouse, even) must not leak in from the environment.
    for name in ("CMAST_DATA_DIR", "CMAST_WAREHOUSE", "PREFECT_API_URL"):
        os.environ.pop(name, None)
    # Piped into a file or CI log, rich would fold the table to 80 columns: give it room.
    console = Console(width=None if sys.stdout.isatty() else 160)
    facts = machine.facts()
    run = Run(quick=args.quick, profile=args.profile)
    if args.no_cache:
        run.cache = None
    console.print(
        f"[bold]cmast-metrics benchmarks[/bold]: {', '.join(args.names)}"
        f"{' (quick sizes)' if args.quick else ''}; {facts['cores']} cores, "
        f"load average {facts['load_average_at_start']}; scratch {run.scratch}"
    )
    rows: list[Row] = []
    skipped: dict[str, str] = {}
    started = time.perf_counter()
    try:
        for name in args.names:
            console.rule(name)
            began = time.perf_counter()
            try:
                found = importlib.import_module(BENCHMARKS[name]).run(run)
            except Skipped as reason:
                skipped[name] = str(reason)
                console.print(f"[yellow]skipped[/yellow]: {reason}")
                continue
            except Exception as error:  # one broken benchmark must not lose the others' figures
                last = str(error).strip().splitlines()[-1:] or [""]
                skipped[name] = f"failed: {type(error).__name__}: {last[0]}"
                console.print(f"[red]failed[/red]: {traceback.format_exc()}")
                continue
            rows += found
            console.print(f"{name}: {len(found)} figure(s) in {time.perf_counter() - began:.0f} s")
    finally:
        if not args.keep:
            shutil.rmtree(run.scratch, ignore_errors=True)
    seconds = time.perf_counter() - started
    facts["load_average_at_end"] = machine.load_average()
    print_table(console, rows, f"cmast-metrics benchmarks ({seconds:,.0f} s in all)")
    for name, reason in skipped.items():
        console.print(f"[yellow]{name}[/yellow]: {reason}")
    for where, lists in run.profiles.items():
        console.rule(f"profile: {where}")
        for kind, what in (
            ("cumulative", "by cumulative time"),
            ("project", "by cumulative time, the project's own functions"),
            ("self", "by time in the function itself"),
        ):
            console.print(f"[bold]top {len(lists[kind])} {what}[/bold]")
            for line in lists[kind]:
                console.print("  " + line, highlight=False)
    partial = args.quick or len(args.names) < len(BENCHMARKS)
    output = args.output or (None if partial else RESULTS)
    if output is not None:
        write_json(
            output,
            machine=facts,
            rows=rows,
            skipped=skipped,
            profiles=run.profiles,
            seconds=seconds,
            options={"only": args.names, "quick": args.quick, "profile": args.profile},
        )
        console.print(f"Results written to {output}")
    return 0 if not any(r.startswith("failed") for r in skipped.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

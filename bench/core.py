"""What every benchmark shares: a measured row with its baseline and target, and timing helpers.

A benchmark is a module with ``run(run: Run) -> list[Row]``. Each row is one figure, measured
against a baseline taken on the same machine in the same run, so a busy machine slows both
alike and the ratio stays meaningful even when the absolute figures do not.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def quiet_duckdb(database: str = ":memory:"):
    """A DuckDB connection for a baseline, without the progress bar it draws over the output."""
    import duckdb

    con = duckdb.connect(database)
    con.execute("SET enable_progress_bar = false")
    return con


class Skipped(Exception):
    """A benchmark cannot run here (e.g. NHS England's files are not beside the project)."""


@dataclass(frozen=True)
class Target:
    """What a figure has to meet, and why that number.

    ``kind`` is ``max_seconds`` (the figure at most ``value`` s), ``max_mb`` (at most ``value``
    MB), ``min_speedup`` (the baseline at least ``value`` times the figure) or ``max_slowdown``
    (the figure at most ``value`` times the baseline).
    """

    kind: str
    value: float
    why: str = ""

    def met(self, figure: float, baseline: float | None) -> bool | None:
        if self.kind == "max_seconds" or self.kind == "max_mb":
            return figure <= self.value
        if baseline is None or figure <= 0:
            return None
        if self.kind == "min_speedup":
            return baseline / figure >= self.value
        if self.kind == "max_slowdown":
            return figure / baseline <= self.value
        raise ValueError(f"unknown target kind {self.kind!r}")

    def text(self) -> str:
        return {
            "max_seconds": f"<= {self.value:g} s",
            "max_mb": f"<= {self.value:,.0f} MB",
            "min_speedup": f">= {self.value:g}x faster",
            "max_slowdown": f"<= {self.value:g}x slower",
        }[self.kind]


@dataclass
class Row:
    """One measured figure. ``unit`` is ``s`` or ``MB``; the baseline is in the same unit."""

    benchmark: str
    measure: str
    figure: float
    unit: str = "s"
    baseline: float | None = None
    baseline_label: str = ""
    target: Target | None = None
    repeats: int = 1  # the figure is the median of this many runs
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return self.target.met(self.figure, self.baseline) if self.target else None

    @property
    def speedup(self) -> float | None:
        """Baseline / figure: above 1 the measured path is faster than the baseline."""
        if self.baseline is None or self.figure <= 0:
            return None
        return self.baseline / self.figure

    def as_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["target"] = (
            {
                "kind": self.target.kind,
                "value": self.target.value,
                "text": self.target.text(),
                "why": self.target.why,
            }
            if self.target
            else None
        )
        record["speedup"] = self.speedup
        record["met"] = self.met
        return record


@dataclass
class Run:
    """One invocation of the harness: its options and its scratch folder (deleted at the end)."""

    quick: bool = False
    profile: bool = False
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cmast-bench-")))
    #: generated inputs that are slow to make and safe to reuse (None: make them every run)
    cache: Path | None = field(
        default_factory=lambda: Path(tempfile.gettempdir()) / "cmast-bench-cache"
    )
    #: top functions by cumulative time, by benchmark, filled when ``profile`` is set
    profiles: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def folder(self, name: str) -> Path:
        path = self.scratch / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full


#: Runs longer than this are measured once (see :func:`median_time`).
CHEAP_SECONDS = 5.0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Wall-clock seconds of one call, and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def median_time(
    fn: Callable[[], Any],
    repeats: int = 3,
    setup: Callable[[], Any] | None = None,
    cheap: float = CHEAP_SECONDS,
) -> tuple[float, list[float]]:
    """Median wall-clock seconds of up to ``repeats`` calls (``setup`` runs untimed before each).

    The median rather than the mean: on a shared machine one run in three is often disturbed.
    A first run slower than ``cheap`` seconds is not repeated: the whole bench has to finish in
    minutes, and at that length one run is disturbed proportionally less.
    """
    times: list[float] = []
    for _ in range(repeats):
        if setup is not None:
            setup()
        seconds, _ = timed(fn)
        times.append(seconds)
        if times[0] > cheap:
            break
    return statistics.median(times), times

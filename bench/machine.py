"""Facts about the machine and the code measured, stored beside the figures.

Figures from different machines or library versions are not comparable; these say which is
which. The load average matters most on a shared machine: a busy one slows every figure (the
baselines too, which is why each benchmark has one).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from pipeline.config import PROJECT_ROOT

PACKAGES = ["pandas", "numpy", "duckdb", "pandera", "prefect", "pyarrow", "fastexcel", "openpyxl"]


def facts() -> dict[str, Any]:
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": {name: _version(name) for name in PACKAGES},
        "load_average_at_start": _load_average(),
        "commit": _git("rev-parse", "HEAD"),
        # Other work in the tree (uncommitted edits) is part of what was measured.
        "uncommitted_changes": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def load_average() -> list[float] | None:
    return _load_average()


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _cpu_model() -> str | None:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return platform.processor() or None
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def _memory_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if not meminfo.exists():
        return None
    for line in meminfo.read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024 / 1024, 1)  # reported in KiB
    return None


def _version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    # Read-only queries: the harness never changes the repository.
    try:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()

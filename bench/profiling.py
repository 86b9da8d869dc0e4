"""Where the time goes: a cProfile run summarised as short lists of functions.

cProfile (standard library) rather than a sampling profiler, so nothing is added to the
dependencies. It slows Python-heavy code, so profiled runs are separate from timed ones
(``--profile``) and their times are only read as shares, never as figures.
"""

from __future__ import annotations

import cProfile
import pstats
import sysconfig
from collections.abc import Callable
from typing import Any

from pipeline.config import PROJECT_ROOT

#: The project's own code: the functions a change could be made in.
_OWN = tuple(str(PROJECT_ROOT / folder) for folder in ("pipeline", "flows", "schemas"))
_BENCH = str(PROJECT_ROOT / "bench")
_PLUMBING = (sysconfig.get_paths()["stdlib"], "~")


def profiled(fn: Callable[[], Any], top: int = 10) -> tuple[Any, dict[str, list[str]]]:
    """Call ``fn`` under cProfile; its result and three top-``top`` lists of functions:
    ``cumulative`` (all code, by time including callees), ``project`` (this project's functions
    only, by cumulative time) and ``self`` (by time spent in the function's own body)."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        result = fn()
    finally:
        profile.disable()
    stats = pstats.Stats(profile).stats  # (file, line, name) -> (calls, prim, self, cumulative, _)
    # The harness's own wrappers would head every list: leave them out.
    rows = [
        (key, value[1], value[2], value[3])
        for key, value in stats.items()
        if not key[0].startswith(_BENCH)
    ]
    by_cumulative = sorted(rows, key=lambda r: r[3], reverse=True)
    # Generic plumbing (the standard library's context managers, ``next``) heads the cumulative
    # list without saying where time goes: it stays in the ``self`` list only.
    named = [r for r in by_cumulative if not r[0][0].startswith(_PLUMBING)]
    return result, {
        "cumulative": [_line(*r) for r in named[:top]],
        "project": [_line(*r) for r in by_cumulative if r[0][0].startswith(_OWN)][:top],
        "self": [_line(*r) for r in sorted(rows, key=lambda r: r[2], reverse=True)[:top]],
    }


def _line(key: tuple[str, int, str], calls: int, own: float, cumulative: float) -> str:
    file, line, name = key
    where = f"{_short(file)}:{line} {name}"
    return f"{cumulative:7.2f} s cum {own:6.2f} s self {calls:>7} calls  {where}"


def _short(file: str) -> str:
    """A path short enough to read: from the package name on."""
    for marker in ("site-packages/", f"{PROJECT_ROOT}/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file

"""Running one benchmark step in a fresh Python process.

Two measurements need a process of their own: Prefect's start-up (it happens once per process,
at the first flow call) and peak memory (a process's high-water mark never goes down, so the
harness's own earlier work would hide the step's). The parent calls :func:`in_child`; the child
runs ``python -m bench.child module:function '<json kwargs>'``, calls the function and prints its
JSON result, with the child's peak resident memory added, as the last line of its output.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

from pipeline.config import PROJECT_ROOT

MARK = "BENCH-RESULT "


class ChildFailed(RuntimeError):
    """The child process exited with an error; the message ends with its last output."""


def in_child(
    target: str,
    kwargs: dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 900,
) -> dict[str, Any]:
    """Call ``target`` ("module:function") with ``kwargs`` in a new process; its JSON result.

    The result has ``peak_mb``: the child's peak resident memory (see :func:`peak_mb`).
    """
    command = [sys.executable, "-m", "bench.child", target, json.dumps(kwargs or {})]
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **(env or {})}
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=environment,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not lines:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-25:])
        raise ChildFailed(f"{target} exited with {done.returncode}:\n{tail}")
    return json.loads(lines[-1][len(MARK) :])


def main(argv: list[str]) -> None:
    target, arguments = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    module_name, function_name = target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    result = function(**arguments)
    result["peak_mb"] = peak_mb()
    print(MARK + json.dumps(result, default=str), flush=True)


def peak_mb() -> float:
    """This process's peak resident memory, in MB.

    From ``VmHWM`` where Linux gives it: ``getrusage``'s ``ru_maxrss`` survives ``execve``, so a
    child started by a process bigger than itself reports its parent's peak instead of its own.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # reported in kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    sys.path.insert(0, str(Path.cwd()))
    main(sys.argv[1:])

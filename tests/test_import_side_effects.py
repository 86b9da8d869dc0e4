"""Importing any module of the project has no side effects: no environment variable set, no
thread or process started. Set-up for Prefect is a function the app calls
(``flows.environment.prepare``), never an import."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pipeline.config import PROJECT_ROOT
from tests.test_imports import modules

#: In a fresh interpreter: imports the libraries named first (comma-separated), then every
#: module named after them, one after another, and prints what the first module to change
#: anything changed: environment variables, threads, child processes.
_CHILD = r"""
import importlib, json, os, sys, threading

def children():
    found = set()
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as listed:
            found.update(listed.read().split())
    return found

others, ours = sys.argv[1].split(","), sys.argv[2:]
for name in others:
    importlib.import_module(name)
environment, threads, processes = dict(os.environ), set(threading.enumerate()), children()
changes = {}
for name in ours:
    importlib.import_module(name)
    found = {
        "environment": sorted(k for k in set(environment) | set(os.environ)
                              if environment.get(k) != os.environ.get(k)),
        "threads": sorted(t.name for t in set(threading.enumerate()) - threads),
        "processes": sorted(children() - processes),
    }
    if any(found.values()):
        changes[name] = found
        break  # the first module to change anything is the one to fix
print(json.dumps(changes))
"""


#: Libraries whose own import changes the environment, imported before the look starts: what
#: they do is theirs (pandera sets SPARK_LOCAL_IP and PYARROW_IGNORE_TIMEZONE for pyspark).
OTHERS = ("pandera.pandas",)


def test_importing_every_module_changes_nothing():
    names = sorted(modules())
    assert {"flows.ingest", "flows.serve", "cmast.app", "schemas.reference"} <= set(names)
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CMAST_"))
    }  # nothing set beforehand
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, ",".join(OTHERS), *names],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=environment,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {}

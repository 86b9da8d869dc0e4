"""Benchmark: drop to feedback under ``cmast serve``, the inbox watch against the interval scan.

A real ``cmast serve`` (its own Prefect server on a free port, its own Prefect home and data
root) is started twice: once as it runs now, the inbox watched (a run starts when a file has
settled, with the default 2 s settling time), and once with ``CMAST_INBOX_WATCH=off``, as it ran
before: a look over the inbox every ``CMAST_INBOX_INTERVAL`` seconds (60, the default). One
trust's valid monthly UEC return is dropped at a time (written beside the inbox, renamed in, as
a careful sender does) and timed from the rename to the file being in the archive: loaded. The
figure is the median over the drops; the baseline is the interval scan's median in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.core import Row, Run, Target
from pipeline.lifeline import end_with_parent

NAME = "serve"
ORG = "RJR"
TARGET = Target(
    "max_seconds",
    5,
    "the issue's target: a trust's answer within seconds of dropping its file, under `cmast serve`",
)
CMAST = str(Path(sys.executable).with_name("cmast"))
DEADLINE_SECONDS = 300
_LONG_MONTHS = ("01", "03", "05", "07", "08", "12")


def run(run: Run) -> list[Row]:
    drops = run.size(5, 3)
    watched = _serve_and_drop(run.folder("serve-watched"), drops, watch=True, interval=60)
    interval = 20 if run.quick else 60
    scanned = _serve_and_drop(
        run.folder("serve-scanned"), run.size(3, 2), watch=False, interval=interval
    )
    baseline = statistics.median(scanned)
    return [
        Row(
            NAME,
            "drop to loaded under cmast serve, inbox watched",
            statistics.median(watched),
            baseline=baseline,
            baseline_label=f"interval scan every {interval} s (CMAST_INBOX_WATCH=off)",
            target=TARGET,
            repeats=len(watched),
            notes={"times": watched, "baseline_times": scanned},
        )
    ]


def _serve_and_drop(root: Path, drops: int, watch: bool, interval: int) -> list[float]:
    from pipeline.config import load_settings
    from pipeline.reference_data import sites_frame
    from pipeline.samples.uec import sample_uec

    settings = load_settings(root / "data")
    settings.ensure_dirs()
    sites = sites_frame(settings)
    base = sample_uec(ORG, "2023-10", sites[sites["org_code"] == ORG])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CMAST_"))}
    env.update(
        PREFECT_HOME=str(root / "prefect"),
        CMAST_DATA_DIR=str(settings.data_dir),
        CMAST_PREFECT_PORT="0",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        CMAST_INBOX_WATCH="on" if watch else "off",
    )
    log = root / "serve.out"
    with log.open("w") as out:
        # Ends with the bench, however the bench ends.
        serve = subprocess.Popen(
            [CMAST, "serve", "--interval", str(interval)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=end_with_parent,
        )
    times = []
    try:
        _until(lambda: "Serving:" in log.read_text(), "serve to start", serve, log)
        time.sleep(3)  # the runner's first poll and the deployments registered
        for n in range(drops):
            frame = base.copy()
            frame.loc[0, "type3_attendances"] += n  # new bytes: not a duplicate
            month = _LONG_MONTHS[n % len(_LONG_MONTHS)]  # the sample's 31 days fit
            frame = frame.assign(period=f"2023-{month}")
            frame["date"] = frame["date"].map(lambda d, m=month: f"2023-{m}-{str(d)[8:10]}")
            name = f"drop_{n}.csv"
            partial = settings.inbox / ORG / f".{name}.partial"
            partial.parent.mkdir(parents=True, exist_ok=True)
            frame.to_csv(partial, index=False)
            started = time.perf_counter()
            os.replace(partial, settings.inbox / ORG / name)
            # Archived under its hash: done when it has left the inbox and one more file is
            # in the archive (or in quarantine, which the median would show).
            _until(
                lambda name=name, n=n: (
                    not (settings.inbox / ORG / name).exists() and _taken(settings) > n
                ),
                f"{name} to be taken",
                serve,
                log,
            )
            times.append(time.perf_counter() - started)
    finally:
        serve.terminate()
        try:
            serve.wait(timeout=120)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
    return times


def _taken(settings) -> int:
    return sum(
        1
        for folder in (settings.archive, settings.quarantine)
        for path in folder.rglob("*")
        if path.is_file() and not path.name.endswith(".feedback.xlsx")
    )


def _until(condition, what: str, serve: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if serve.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"Gave up waiting for {what}; serve's log ends: {log.read_text()[-2000:]}")

"""Every setting, declared once: its environment variable, the field of ``Settings`` it fills,
its default, how its text is read, its unit and what it means.

``pipeline.config.load_settings`` fills ``Settings`` from this table, ``cmast settings`` prints
the values in force and where each came from, and docs/configuration.md's table is written from
it (``python -m tests.docs_tables``). A setting added here is documented by the same step.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from pipeline.errors import SettingInvalid


class Roots(NamedTuple):
    """What a default is worked out from: the project's folder and the data root in force."""

    project: Path
    data: Path


@dataclass(frozen=True)
class Setting:
    env: str
    #: The attribute of ``pipeline.config.Settings`` it fills.
    field: str
    #: Reads the variable's text; raises ValueError saying what is wrong with it.
    parse: Callable[[str], Any]
    #: The default as it would be written in the environment, or (with ``derive``) in words,
    #: as Markdown for docs/configuration.md.
    default: str
    #: What it means, as Markdown (docs/configuration.md).
    help: str
    unit: str = ""
    #: Works out a default that depends on where the project and the data root are.
    derive: Callable[[Roots], Any] | None = None
    #: The command-line option that also sets it, for every command.
    option: str = ""

    def default_value(self, roots: Roots) -> Any:
        return self.derive(roots) if self.derive else self.parse(self.default)


class InForce(NamedTuple):
    """A setting's value in force, and where it came from."""

    setting: Setting
    value: Any
    source: str


DEFAULT, ENVIRONMENT = "default", "environment"


def path(text: str) -> Path:
    return Path(text).expanduser().resolve()


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None


def text(value: str) -> str:
    return value


def workers(text: str) -> int:
    return max(1, whole(text))  # fewer than one worker is the one process


def default_workers() -> int:
    """The cores this process may use, at most 4: the work shared out (checking small files,
    drawing charts) gains little beyond that, and each worker holds its own libraries."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 4)


#: Relative differences (percent of the published value) a reconciliation accepts, by measure,
#: dataset or '*'. Half a percent for A&E and RTT: NHS England's figure is built from the trust's
#: own submission, so more than that is a real difference; a little more room for DM01, whose
#: counts span fifteen tests. Starting values to tune (docs/national.md), not national rules.
DEFAULT_RECONCILE_TOLERANCES: dict[str, float] = {"*": 0.5, "ae": 0.5, "dm01": 1.0, "rtt": 0.5}


def parse_tolerances(text: str | None) -> dict[str, float]:
    """``"ae=0.5,dm01.activity=2"`` -> the defaults with those keys replaced or added.

    Raises ValueError naming the part it cannot read, so a mistyped setting stops with a
    clear message rather than silently using a default.
    """
    tolerances = dict(DEFAULT_RECONCILE_TOLERANCES)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or not key.strip() or number < 0:
            raise ValueError(f"{part.strip()!r} is not key=percent (e.g. ae.attendances=0.5)")
        tolerances[key.strip()] = number
    return tolerances


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "CMAST_DATA_DIR",
        "data_dir",
        path,
        "`data/` in the project",
        "Data root holding `inbox/`, `archive/`, `quarantine/`, `outputs/` and `warehouse/`.",
        "folder",
        derive=lambda roots: roots.project / "data",
        option="--data-dir",
    ),
    Setting(
        "CMAST_REFERENCE_DIR",
        "reference_dir",
        path,
        "`data/reference/` in the project",
        "Reference CSVs: organisations, ICBs, regions, sites.",
        "folder",
        derive=lambda roots: roots.project / "data" / "reference",
    ),
    Setting(
        "CMAST_WAREHOUSE",
        "warehouse_path",
        path,
        "`<data root>/warehouse/cmast.duckdb`",
        "The DuckDB warehouse file.",
        "file",
        derive=lambda roots: roots.data / "warehouse" / "cmast.duckdb",
    ),
    Setting(
        "CMAST_PREFECT_HOME",
        "prefect_home",
        path,
        "`.prefect/` in the project",
        "Prefect's home: its local database and settings.",
        "folder",
        derive=lambda roots: roots.project / ".prefect",
    ),
    Setting(
        "CMAST_MAX_FILE_MB",
        "max_file_mb",
        number,
        "200",
        "Files larger than this are quarantined unread.",
        "MB",
    ),
    Setting(
        "CMAST_SETTLE_SECONDS",
        "settle_seconds",
        number,
        "2",
        "A file modified more recently than this is left for the next scan, as it may still "
        "be being written.",
        "seconds",
    ),
    Setting(
        "CMAST_LOCK_WAIT_SECONDS",
        "lock_wait_seconds",
        number,
        "60",
        "How long a writer waits for another to finish with the warehouse before giving up "
        "with an error.",
        "seconds",
    ),
    Setting(
        "CMAST_PREFECT_PORT",
        "prefect_port",
        whole,
        "4200",
        "Port of the Prefect server `cmast serve` starts on 127.0.0.1 (0 = any free port; "
        "also `cmast serve --port`). Ignored when `PREFECT_API_URL` is set.",
        "port",
    ),
    Setting(
        "CMAST_INBOX_INTERVAL",
        "inbox_interval",
        number,
        "60",
        "Seconds between full looks over the inbox under `cmast serve`, the safety net of "
        "its inbox watch (also `cmast serve --interval`).",
        "seconds",
    ),
    Setting(
        "CMAST_MARTS_CRON",
        "marts_cron",
        text,
        "0 2 * * *",
        "When `cmast serve` rebuilds the marts (the default is 02:00 nightly).",
        "cron, UK time",
    ),
    Setting(
        "CMAST_BRIEFING_CRON",
        "briefing_cron",
        text,
        "0 7 10 * *",
        "When `cmast serve` writes the briefing for the previous month (the default is "
        "07:00 on the 10th).",
        "cron, UK time",
    ),
    Setting(
        "CMAST_SUBMISSION_DEADLINE_DAY",
        "submission_deadline_day",
        whole,
        "15",
        "Monthly returns are due by this day of the following month; a trust with none "
        "loaded by then raises an alert.",
        "day of the month",
    ),
    Setting(
        "CMAST_WORKERS",
        "workers",
        workers,
        "the machine's cores, at most 4",
        "Worker processes that check waiting files ahead of the one being loaded, and draw "
        "the briefing's charts (`1` = everything in the one process). A script that uses "
        "the library with more than one worker needs the usual "
        '`if __name__ == "__main__":` guard, as with any Python multiprocessing.',
        "processes",
        derive=lambda roots: default_workers(),
    ),
    Setting(
        "CMAST_RECONCILE_TOLERANCES",
        "reconcile_tolerances",
        parse_tolerances,
        "*=0.5,ae=0.5,dm01=1,rtt=0.5",
        "How far a trust's return may differ from NHS England's published figure for the "
        "same trust, month and measure before it raises an alert: comma-separated "
        "`key=percent` pairs, the key a measure (`ae.attendances`, `dm01.waiting`, "
        "`rtt.over_52w` ...), a dataset (`ae`, `dm01`, `rtt`) or `*` for the rest; the most "
        "specific wins and each given key replaces its default (see [national.md]"
        "(national.md#reconciliation-each-trusts-return-against-nhs-englands-figure-for-it)).",
        "percent of the published value",
    ),
    Setting(
        "CMAST_REPORT_AUTHOR",
        "report_author",
        text,
        "CMAST Performance and Analytics Team",
        "Who the board pack's cover names as its author.",
    ),
    Setting(
        "CMAST_REPORT_CONTACT",
        "report_contact",
        text,
        "none",
        "The contact the board pack's cover gives for questions, e.g. an email address "
        "(unset, the cover says it is not set).",
        derive=lambda roots: "",
    ),
    Setting(
        "CMAST_CHECK_MEMORY_MB",
        "check_memory_mb",
        whole,
        "2048",
        "Memory checking one file row by row may take; a larger file is refused unread, at "
        "about 26 MB per MB of file as measured in `bench/` (so about 78 MB by default; "
        "patient-level lists are checked in bulk and bound by `CMAST_MAX_FILE_MB` alone).",
        "MB",
    ),
    Setting(
        "CMAST_QUERY_SECONDS",
        "query_seconds",
        number,
        "60",
        "`cmast query` stops a query still running after this many seconds.",
        "seconds",
    ),
    Setting(
        "CMAST_QUERY_MEMORY_MB",
        "query_memory_mb",
        whole,
        "2048",
        "Memory `cmast query` lets DuckDB use; beyond it DuckDB spills to a temporary folder "
        "of its own outside the snapshot, removed afterwards.",
        "MB",
    ),
    Setting(
        "CMAST_ALERT_BLOCK",
        "alert_block",
        text,
        "none",
        "Prefect notification block that alerts are also sent through, as "
        "`block-type/name`, e.g. `slack-webhook/cmast-alerts` (unset, alerts go to the "
        "alerts file and the log only).",
        derive=lambda roots: None,
    ),
)


def in_force(
    project: Path, environ: Mapping[str, str], data_dir: Path | None = None
) -> list[InForce]:
    """Every setting's value: ``data_dir`` (``--data-dir``) first, then the environment, then
    the default. A variable set to nothing counts as not set. Raises :class:`SettingInvalid`
    naming the variable whose text cannot be read."""
    found: list[InForce] = []
    roots = Roots(project, project)
    for setting in SETTINGS:
        given = environ.get(setting.env, "")
        if setting.field == "data_dir" and data_dir is not None:
            value, source = path(str(data_dir)), f"option {setting.option}"
        elif given:
            try:
                value, source = setting.parse(given), ENVIRONMENT
            except ValueError as error:
                raise SettingInvalid(f"{setting.env}: {error}") from None
        else:
            value, source = setting.default_value(roots), DEFAULT
        if setting.field == "data_dir":
            roots = Roots(project, value)  # the defaults after it are worked out from it
        found.append(InForce(setting, value, source))
    return found

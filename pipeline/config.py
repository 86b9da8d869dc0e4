"""Configuration in one place.

Every path derives from one data root (``CMAST_DATA_DIR``, default ``data/`` in the project) and
every setting can be overridden by a ``CMAST_*`` environment variable. Reference data is committed
with the code, so it lives apart from the data root (``CMAST_REFERENCE_DIR``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"

#: Every setting: environment variable, default, help. The README's settings table comes from this.
SETTINGS_HELP: dict[str, str] = {
    "CMAST_DATA_DIR": "Data root holding inbox/, archive/, quarantine/, outputs/ and warehouse/ "
    "(default: data/ in the project).",
    "CMAST_REFERENCE_DIR": "Reference CSVs: organisations, ICBs, regions, sites "
    "(default: data/reference in the project).",
    "CMAST_WAREHOUSE": "The DuckDB warehouse file (default: <data root>/warehouse/cmast.duckdb).",
    "CMAST_PREFECT_HOME": "Prefect's home: its local database and settings "
    "(default: .prefect in the project).",
    "CMAST_MAX_FILE_MB": "Files larger than this are quarantined unread (default: 200).",
    "CMAST_SETTLE_SECONDS": "A file modified more recently than this is left for the next scan, "
    "as it may still be being written (default: 2).",
    "CMAST_LOCK_WAIT_SECONDS": "How long a writer waits for another to finish with the warehouse "
    "before giving up with an error (default: 60).",
    "CMAST_PREFECT_PORT": "Port of the Prefect server `cmast serve` starts on 127.0.0.1 "
    "(default: 4200; 0 = any free port). Ignored when PREFECT_API_URL is set.",
    "CMAST_INBOX_INTERVAL": "Seconds between full looks over the inbox under `cmast serve`, the "
    "safety net of its inbox watch (default: 60).",
    "CMAST_MARTS_CRON": "When `cmast serve` rebuilds the marts, cron in UK time "
    "(default: 0 2 * * *, 02:00 nightly).",
    "CMAST_BRIEFING_CRON": "When `cmast serve` writes the briefing for the previous month, cron "
    "in UK time (default: 0 7 10 * *, 07:00 on the 10th).",
    "CMAST_SUBMISSION_DEADLINE_DAY": "Monthly returns are due by this day of the following month; "
    "a trust with none loaded by then raises an alert (default: 15).",
    "CMAST_WORKERS": "Worker processes that check waiting files ahead of the one being loaded, "
    "and draw the briefing's charts (default: the machine's cores, at most 4; 1 = everything in "
    "the one process).",
    "CMAST_RECONCILE_TOLERANCES": "How far a trust's return may differ from NHS England's "
    "published figure for the same trust, month and measure before it raises an alert: "
    "comma-separated key=percent of the published value, the key a measure (ae.attendances, "
    "dm01.waiting, rtt.over_52w ...), a dataset (ae, dm01, rtt) or * for the rest; the most "
    "specific wins and each given key replaces its default "
    "(default: *=0.5,ae=0.5,dm01=1,rtt=0.5).",
    "CMAST_REPORT_AUTHOR": "Who the board pack's cover names as its author "
    "(default: CMAST Performance and Analytics Team).",
    "CMAST_REPORT_CONTACT": "The contact the board pack's cover gives for questions, e.g. an "
    "email address (default: none; the cover says it is not set).",
    "CMAST_CHECK_MEMORY_MB": "Memory checking one file row by row may take; a larger file is "
    "refused unread, at about 26 MB per MB of file as measured in bench/ (default: 2048, so "
    "about 78 MB; patient-level lists are checked in bulk and bound by CMAST_MAX_FILE_MB "
    "alone).",
    "CMAST_QUERY_SECONDS": "`cmast query` stops a query still running after this many seconds "
    "(default: 60).",
    "CMAST_QUERY_MEMORY_MB": "Memory `cmast query` lets DuckDB use; beyond it DuckDB spills to a "
    "temporary folder of its own outside the snapshot, removed afterwards (default: 2048).",
    "CMAST_ALERT_BLOCK": "Prefect notification block that alerts are also sent through, as "
    "block-type/name, e.g. slack-webhook/cmast-alerts (default: none, alerts go to the file "
    "and the log only).",
}


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
            raise ValueError(f"CMAST_RECONCILE_TOLERANCES: {part.strip()!r} is not "
                             "key=percent (e.g. ae.attendances=0.5)")
        tolerances[key.strip()] = number
    return tolerances


def _path_from_env(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where everything lives. Build with :func:`load_settings`; pass explicitly everywhere else."""

    data_dir: Path
    reference_dir: Path
    warehouse_path: Path
    prefect_home: Path
    max_file_mb: float = 200.0
    settle_seconds: float = 2.0
    sql_dir: Path = field(default=SQL_DIR)
    lock_wait_seconds: float = 60.0
    prefect_port: int = 4200
    inbox_interval: float = 60.0
    marts_cron: str = "0 2 * * *"
    briefing_cron: str = "0 7 10 * *"
    submission_deadline_day: int = 15
    alert_block: str | None = None
    workers: int = 1
    #: percent of the published value, by measure, dataset or '*' (see parse_tolerances)
    reconcile_tolerances: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_RECONCILE_TOLERANCES))
    report_author: str = "CMAST Performance and Analytics Team"
    report_contact: str = ""
    check_memory_mb: int = 2048
    query_seconds: float = 60.0
    query_memory_mb: int = 2048

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def archive(self) -> Path:
        return self.data_dir / "archive"

    @property
    def quarantine(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def outputs(self) -> Path:
        return self.data_dir / "outputs"

    def ensure_dirs(self) -> None:
        for folder in (self.inbox, self.archive, self.quarantine, self.outputs,
                       self.warehouse_path.parent):
            folder.mkdir(parents=True, exist_ok=True)

    def relative(self, path: Path) -> str:
        """A path as stored in the ledger: relative to the data root, so the root can move."""
        try:
            return path.resolve().relative_to(self.data_dir).as_posix()
        except ValueError:
            return str(path.resolve())

    def absolute(self, stored: str) -> Path:
        path = Path(stored)
        return path if path.is_absolute() else self.data_dir / path


def load_settings(data_dir: Path | None = None) -> Settings:
    """Settings from the environment, with ``data_dir`` (if given) taking precedence."""
    root = (data_dir.expanduser().resolve() if data_dir
            else _path_from_env("CMAST_DATA_DIR", PROJECT_ROOT / "data"))
    return Settings(
        data_dir=root,
        reference_dir=_path_from_env("CMAST_REFERENCE_DIR", PROJECT_ROOT / "data" / "reference"),
        warehouse_path=_path_from_env("CMAST_WAREHOUSE", root / "warehouse" / "cmast.duckdb"),
        prefect_home=_path_from_env("CMAST_PREFECT_HOME", PROJECT_ROOT / ".prefect"),
        max_file_mb=float(os.environ.get("CMAST_MAX_FILE_MB", "200")),
        settle_seconds=float(os.environ.get("CMAST_SETTLE_SECONDS", "2")),
        lock_wait_seconds=float(os.environ.get("CMAST_LOCK_WAIT_SECONDS", "60")),
        prefect_port=int(os.environ.get("CMAST_PREFECT_PORT", "4200")),
        inbox_interval=float(os.environ.get("CMAST_INBOX_INTERVAL", "60")),
        marts_cron=os.environ.get("CMAST_MARTS_CRON", "0 2 * * *"),
        briefing_cron=os.environ.get("CMAST_BRIEFING_CRON", "0 7 10 * *"),
        submission_deadline_day=int(os.environ.get("CMAST_SUBMISSION_DEADLINE_DAY", "15")),
        alert_block=os.environ.get("CMAST_ALERT_BLOCK") or None,
        workers=max(1, int(os.environ.get("CMAST_WORKERS") or default_workers())),
        reconcile_tolerances=parse_tolerances(os.environ.get("CMAST_RECONCILE_TOLERANCES")),
        report_author=os.environ.get("CMAST_REPORT_AUTHOR")
        or "CMAST Performance and Analytics Team",
        report_contact=os.environ.get("CMAST_REPORT_CONTACT", ""),
        check_memory_mb=int(os.environ.get("CMAST_CHECK_MEMORY_MB", "2048")),
        query_seconds=float(os.environ.get("CMAST_QUERY_SECONDS", "60")),
        query_memory_mb=int(os.environ.get("CMAST_QUERY_MEMORY_MB", "2048")),
    )


def default_workers() -> int:
    """The cores this process may use, at most 4: the work shared out (checking small files,
    drawing charts) gains little beyond that, and each worker holds its own libraries."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return min(cores, 4)


def prefect_environment(settings: Settings) -> None:
    """Point Prefect at a project-local home with analytics off.

    Must run before ``prefect`` is first imported: Prefect reads these at import time.
    Values already set in the environment win, so an analyst can aim at a real server.
    """
    settings.prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # The temporary server's first start creates and migrates its database: on a fresh machine
    # under load that takes longer than Prefect's default 20 s wait.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # Prefect's per-task INFO lines drown the pipeline's own progress on a terminal;
    # runs and their logs are still in the Prefect database and UI.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

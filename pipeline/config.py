"""Configuration in one place.

Every path derives from one data root (``CMAST_DATA_DIR``, default ``data/`` in the project) and
every setting can be overridden by a ``CMAST_*`` environment variable. Reference data is committed
with the code, so it lives apart from the data root (``CMAST_REFERENCE_DIR``). Each setting is
declared once, in :mod:`pipeline.settings_registry`; docs/configuration.md's table is written
from it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.settings_registry import DEFAULT_RECONCILE_TOLERANCES, InForce, in_force

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"


@dataclass(frozen=True)
class Settings:
    """Where everything lives. Build with :func:`load_settings`; pass explicitly everywhere else.

    A field is a setting of :mod:`pipeline.settings_registry` (but ``sql_dir``, which goes with
    the code); its default here is the registry's, as tests/test_consistency.py checks.
    """

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
    #: percent of the published value, by measure, dataset or '*' (see
    #: pipeline.settings_registry.parse_tolerances)
    reconcile_tolerances: dict[str, float] = field(
        default_factory=lambda: dict(DEFAULT_RECONCILE_TOLERANCES)
    )
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
        for folder in (
            self.inbox,
            self.archive,
            self.quarantine,
            self.outputs,
            self.warehouse_path.parent,
        ):
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


def load_settings(
    data_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the environment, with ``data_dir`` (if given) taking precedence.

    Raises :class:`pipeline.errors.SettingInvalid` for a variable whose text cannot be read."""
    return Settings(
        **{each.setting.field: each.value for each in settings_in_force(data_dir, environ)}
    )


def settings_in_force(
    data_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> list[InForce]:
    """Each setting with its value and where it came from (``cmast settings``)."""
    return in_force(PROJECT_ROOT, os.environ if environ is None else environ, data_dir)


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

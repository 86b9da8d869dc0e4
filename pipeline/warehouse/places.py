"""Where the report writers' published copies of the warehouse live: the snapshot file and its
Parquet export. Apart from :mod:`pipeline.warehouse.snapshot`, which writes them, because the
connection module also looks for them (a warehouse missing beside a snapshot was lost)."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Settings

SNAPSHOT_FILE = "cmast.duckdb"


def snapshot_dir(settings: Settings) -> Path:
    return settings.outputs / "snapshot"


def snapshot_path(settings: Settings) -> Path:
    return snapshot_dir(settings) / SNAPSHOT_FILE


def parquet_dir(settings: Settings) -> Path:
    return snapshot_dir(settings) / "parquet"

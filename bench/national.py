"""Benchmark 4: NHS England's RTT full extract loaded with ``load_national_file``.

The April 2026 full extract (an 82 MB CSV in a zip, about 400,000 rows by provider, commissioner,
treatment function and week band) from ``../shared/reference/nhse``. Each load goes into a
fresh data root whose warehouse is created and migrated first, untimed: what is timed is
hashing, parsing and tidying the publication, validating it and loading it through the ledger.

Baseline: DuckDB's bare scan of the same CSV, unzipped beforehand, into a new database file:
``CREATE TABLE t AS SELECT * FROM read_csv(...)``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bench.core import Row, Run, Skipped, Target, median_time, quiet_duckdb, timed
from pipeline.config import PROJECT_ROOT, Settings, load_settings

NAME = "national"
EXTRACT = PROJECT_ROOT.parent / "shared" / "reference" / "nhse" / "rtt_2026-04_full_extract.csv.zip"
TARGET = Target(
    "max_slowdown",
    2,
    "the issue's target: recognising, tidying and checking a "
    "publication should cost little more than reading it",
)


def run(run: Run) -> list[Row]:
    if not EXTRACT.exists():
        raise Skipped(
            f"{EXTRACT} is not there: NHS England's files are read from ../shared "
            "beside the project"
        )
    folder = run.folder(NAME)
    unzip_seconds, csv_path = timed(lambda: _unzip(EXTRACT, folder))
    roots: list = []  # one fresh data root per load, made untimed before it
    loaded: list[int] = []

    def fresh_root() -> None:
        roots.append(_migrated_root(folder / f"data-{len(roots)}"))

    def load() -> None:
        from pipeline.national.load import load_national_file

        outcome = load_national_file(EXTRACT, roots[-1])
        if outcome.status != "loaded":
            raise RuntimeError(f"{EXTRACT.name}: {outcome.status}: {outcome.message}")
        loaded.append(outcome.rows)

    seconds, times = median_time(load, setup=fresh_root)
    databases = iter(range(100))
    baseline, baseline_times = median_time(
        lambda: _bare_scan(csv_path, folder / f"bare-{next(databases)}.duckdb")
    )
    return [
        Row(
            NAME,
            f"load_national_file, RTT full extract ({loaded[0]:,} rows stored)",
            seconds,
            baseline=baseline,
            baseline_label="DuckDB CREATE TABLE AS SELECT * FROM read_csv (unzipped CSV)",
            target=TARGET,
            repeats=len(times),
            notes={
                "times": times,
                "baseline_times": baseline_times,
                "unzip_seconds": unzip_seconds,
                "csv_mb": csv_path.stat().st_size / 1e6,
            },
        )
    ]


def _migrated_root(root: Path) -> Settings:
    """A new data root whose warehouse exists and is migrated."""
    from pipeline.warehouse import connect

    settings = load_settings(root)
    settings.ensure_dirs()
    with connect(settings):
        pass
    return settings


def _unzip(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as source:
        # The archive also holds macOS resource forks (__MACOSX/): take the one real CSV.
        name = next(
            n
            for n in source.namelist()
            if n.lower().endswith(".csv") and not n.startswith("__MACOSX")
        )
        return Path(source.extract(name, folder))


def _bare_scan(csv_path: Path, database: Path) -> int:
    con = quiet_duckdb(str(database))
    try:
        con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv_path)])
        return con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    finally:
        con.close()

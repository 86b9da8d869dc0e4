"""The demo inbox: a year of sample returns from every trust, with the mistakes real life brings.

Each module in ``pipeline/samples/`` with a ``demo_files(settings, months)`` function adds its
return's files. Each file's modification time is set to a plausible arrival, so the ledger's
received times, and the order files are applied in, are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import pkgutil
import time
from pathlib import Path

import pandas as pd

from pipeline import samples
from pipeline.config import Settings
from pipeline.returns import get_return
from pipeline.spreadsheet.deterministic import make_repeatable
from pipeline.spreadsheet.template import build_template

#: The demo year ends with the October 2023 briefing (financial year 2023/24, month 7).
DEMO_LAST_MONTH = "2023-10"
DEMO_MONTHS = 12
#: Trusts that fill in the Excel template; the rest export CSV from their systems.
WORKBOOK_TRUSTS = {"RBL", "RJN", "REP"}


def demo_months(last: str = DEMO_LAST_MONTH, count: int = DEMO_MONTHS) -> list[str]:
    end = pd.Period(last, freq="M")
    return [str(end - offset) for offset in range(count - 1, -1, -1)]


def arrival(period: str, day: int = 8, hour: int = 9) -> float:
    """When a return for ``period`` (YYYY-MM) lands: a day of the following month."""
    following = pd.Period(period[:7], freq="M") + 1
    return dt.datetime(following.year, following.month, day, hour, 0).timestamp()


def write_sample(
    return_type: str,
    frame: pd.DataFrame,
    path: Path,
    arrived: float,
    *,
    org: str,
    period: str,
    sites: list[str] | None = None,
) -> Path:
    """Write a sample as a trust would: the filled-in template (.xlsx) or a CSV export."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        build_template(
            get_return(return_type),
            org_code=org,
            period=period,
            sites=sites or [],
            path=path,
            rows=frame,
        )
        make_repeatable(path)  # the same sample must hash the same on every run
    else:
        out = frame.copy()
        for column in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[column]):
                out[column] = out[column].dt.strftime("%Y-%m-%d")
        out.to_csv(path, index=False)
    os.utime(path, (arrived, arrived))
    return path


def write_demo_inbox(settings: Settings, months: list[str] | None = None) -> list[Path]:
    """Write every sample return for the demo year into the inbox; return the new files.

    Samples the ledger has already seen are not left in the inbox, so running the demo again
    changes nothing (rather than recording a year of duplicates).
    """
    months = months or demo_months()
    written: list[Path] = []
    for module_info in sorted(pkgutil.iter_modules(samples.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"pipeline.samples.{module_info.name}")
        if hasattr(module, "demo_files"):
            written += module.demo_files(settings, months)
    return _drop_already_received(settings, written)


def _drop_already_received(settings: Settings, paths: list[Path]) -> list[Path]:
    from pipeline.ingest import sha256_of
    from pipeline.warehouse import connect, ledger

    kept = []
    with connect(settings) as conn:
        for path in paths:
            if ledger.by_sha(conn, sha256_of(path), path.parent.name):
                path.unlink()
                continue
            arrived = dt.datetime.fromtimestamp(path.stat().st_mtime)
            if ledger.by_name_and_time(conn, path.parent.name, path.name, arrived):
                # The sample changed since it was received (a newer version of the program
                # writes it differently): it is sent again as a correction would be, later, so
                # it replaces the earlier one instead of tying with it on the same time.
                now = time.time()
                os.utime(path, (now, now))
            kept.append(path)
    return kept


#: NHS England's own publications, where ../shared is beside the project: the demo loads the A&E
#: months it finds so the briefing can set the system beside the North West and England.
SHARED_NHSE = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "nhse"


def national_demo_files(months: list[str] | None = None) -> list[Path]:
    """The A&E provider CSVs in ``../shared/reference/nhse`` for the demo's months, if any."""
    wanted = set(months or demo_months())
    if not SHARED_NHSE.is_dir():
        return []
    return sorted(p for p in SHARED_NHSE.glob("ae_*_provider*.csv") if p.name[3:10] in wanted)

"""Shared fixtures: a fresh data root per test, and small UEC files built for the purpose."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import PROJECT_ROOT, Settings, load_settings

SHARED_NHSE = PROJECT_ROOT.parent / "shared" / "reference" / "nhse"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A data root of its own; files count as settled at once so scans see them."""
    current = load_settings(tmp_path / "data")
    current = Settings(**{**current.__dict__, "settle_seconds": 0.0})
    current.ensure_dirs()
    return current


def uec_rows(
    org: str = "RJR", period: str = "2023-10", site: str = "RJR05", days: int = 2
) -> pd.DataFrame:
    """A small valid UEC return whose totals are easy to work out by hand.

    Day d (1-based) up to ``days``: type 1 attendances 100*d, of which 70*d within 4 hours and
    3*d over 12 hours; type 3: 50 and 49; booked 4 and 4; type 2: none. Beds 500, 7+ 200, 14+
    110, 21+ 60. A return covers its whole month, so the month's other days are there too, the
    site marked closed and every count 0: they add nothing to any total.
    """
    rows = []
    for d in range(1, pd.Period(period, freq="M").days_in_month + 1):
        counts = {
            "type1_attendances": 100 * d,
            "type1_within_4h": 70 * d,
            "type2_attendances": 0,
            "type2_within_4h": 0,
            "type3_attendances": 50,
            "type3_within_4h": 49,
            "booked_attendances": 4,
            "booked_within_4h": 4,
            "type1_over_12h_from_arrival": 3 * d,
            "ga_beds_occupied": 500,
            "beds_stay_7plus": 200,
            "beds_stay_14plus": 110,
            "beds_stay_21plus": 60,
        }
        open_day = d <= days
        rows.append(
            {
                "org_code": org,
                "period": period,
                "site_code": site,
                "date": f"{period}-{d:02d}",
                **(counts if open_day else dict.fromkeys(counts, 0)),
                "site_closed": "" if open_day else "yes",
            }
        )
    return pd.DataFrame(rows)


def on_open_days(frame: pd.DataFrame, **values: object) -> pd.DataFrame:
    """``frame`` (from :func:`uec_rows`) with ``values`` put on the days the site was open
    only, a list holding one value per open day: the closed days keep their 0s."""
    changed = frame.astype({column: object for column in values})
    open_days = changed.index[changed["site_closed"].ne("yes")]
    for column, value in values.items():
        changed[column] = changed[column].astype(object)
        changed.loc[open_days, column] = pd.Series(
            value if isinstance(value, list) else [value] * len(open_days),
            index=open_days,
            dtype=object,
        )
    return changed


def drop_csv(
    settings: Settings,
    frame: pd.DataFrame,
    org: str = "RJR",
    name: str = "return.csv",
    mtime: float | None = None,
) -> Path:
    """Put a CSV into a trust's inbox, as a trust would."""
    path = settings.inbox / org / name
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def drop_bytes(settings: Settings, content: bytes, org: str = "RJR", name: str = "x.csv") -> Path:
    path = settings.inbox / org / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server for the flow tests (about 8 s, once per test session)."""
    from flows.environment import prepare

    prepare()  # Prefect's environment, before Prefect is imported
    from prefect.testing.utilities import prefect_test_harness

    # Its first start creates and migrates a database: allow for a busy machine.
    with prefect_test_harness(server_startup_timeout=180):
        yield

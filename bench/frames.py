"""Large UEC-shaped data for the reader and validation benchmarks, made up, never kept.

A real UEC return is a few hundred rows (sites x days). To reach 200,000 or 1,000,000 rows the
table has tens of thousands of made-up sites of one trust, each with a month of days, so the
(site, day) key stays unique and every row passes the model's rules, as a valid return must.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.returns import get_return

ORG = "REM"
PERIOD = "2023-10"
DAYS = 31  # October


def uec_frame(rows: int, seed: int = 2023) -> pd.DataFrame:
    """A valid UEC return of ``rows`` rows rounded up to whole months (a return covers every
    day of its month for each site: 200,000 rows are 6,452 sites, 200,012 rows), typed as the
    pandera model expects."""
    rng = np.random.default_rng(seed)
    sites = -(-rows // DAYS)
    rows = sites * DAYS
    site_codes = np.repeat(np.array([f"{i:05d}" for i in range(sites)]), DAYS)
    dates = np.tile(pd.date_range(f"{PERIOD}-01", periods=DAYS).to_numpy(), sites)
    t1 = rng.poisson(300, rows)
    t1_within = rng.binomial(t1, 0.7)
    t2, t3, booked, beds = (rng.poisson(lam, rows) for lam in (5, 100, 4, 800))
    stay7 = rng.binomial(beds, 0.45)
    stay14 = rng.binomial(stay7, 0.55)
    counts = {
        "type1_attendances": t1,
        "type1_within_4h": t1_within,
        "type2_attendances": t2,
        "type2_within_4h": rng.binomial(t2, 0.9),
        "type3_attendances": t3,
        "type3_within_4h": rng.binomial(t3, 0.95),
        "booked_attendances": booked,
        "booked_within_4h": rng.binomial(booked, 0.9),
        "type1_over_12h_from_arrival": rng.binomial(t1 - t1_within, 0.1),
        "ga_beds_occupied": beds,
        "beds_stay_7plus": stay7,
        "beds_stay_14plus": stay14,
        "beds_stay_21plus": rng.binomial(stay14, 0.6),
    }
    frame = pd.DataFrame(
        {
            "org_code": pd.Series(ORG, index=range(rows), dtype="str"),
            "period": pd.Series(PERIOD, index=range(rows), dtype="str"),
            "site_code": pd.Series(site_codes, dtype="str"),
            "date": pd.Series(dates).astype("datetime64[us]"),
            **{name: pd.Series(values, dtype="Int64") for name, values in counts.items()},
            "site_closed": pd.Series(pd.NA, index=range(rows), dtype="str"),  # open every day
        }
    )
    return frame[get_return("uec").columns]


def with_errors(frame: pd.DataFrame, errors: int, seed: int = 7) -> pd.DataFrame:
    """A copy with ``errors`` rows broken, spread over kinds of mistake trusts make:
    within 4 hours above attendances, a negative count, nested bed counts out of order,
    and a repeated site and day."""
    rng = np.random.default_rng(seed)
    broken = frame.copy()
    rows = rng.choice(len(frame) - 1, size=errors, replace=False)
    quarters = np.array_split(rows, 4)
    broken.loc[quarters[0], "type1_within_4h"] = broken.loc[quarters[0], "type1_attendances"] + 5
    broken.loc[quarters[1], "type3_attendances"] = -1
    broken.loc[quarters[2], "beds_stay_21plus"] = broken.loc[quarters[2], "beds_stay_7plus"] + 1
    # each repeats the key of the row after it
    broken.loc[quarters[3], "date"] = broken.loc[quarters[3] + 1, "date"].to_numpy()
    return broken


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as the text a reader hands over (dates as YYYY-MM-DD, as in a CSV)."""
    text = frame.astype("str")
    text["date"] = frame["date"].dt.strftime("%Y-%m-%d")
    if "site_closed" in frame:
        text["site_closed"] = frame["site_closed"].fillna("")  # blank: the site was open
    return text


def write_workbook(frame: pd.DataFrame, path: Path, sheet: str = "Data") -> Path:
    """Write ``frame`` as a workbook with openpyxl's write-only mode (it streams rows instead of
    holding every cell object: minutes faster for 200,000 rows, and in bounded memory).

    xlsxwriter would be faster still, but it is not a dependency and this runs once per bench.
    Dates are written as date cells and counts as numbers, as a template filled in Excel has.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    data = book.create_sheet(sheet)
    data.append(list(frame.columns))
    columns = [
        frame[c].dt.to_pydatetime() if c == "date" else frame[c].to_numpy(dtype=object)
        for c in frame.columns
    ]
    for row in zip(*columns, strict=True):
        data.append(row)
    book.save(path)
    return path

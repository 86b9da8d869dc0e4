"""Sample waiting-list returns: 26 weekly snapshots from every trust, in both forms.

Each trust's list is simulated pathway by pathway, so the weeks agree with each other: the list
at the first snapshot is drawn from the steady state of the removal rates below, then each week
some pathways are treated or removed (more often the longer they have waited beyond 52 weeks, as
trusts prioritise long waits) and new clock starts join. A pathway keeps its id and clock start
from week to week, so the 65-week cohort (clock starts early enough to reach 65 weeks by
31 March 2024) can only shrink. The system list is about 550,000 pathways; most have waited under
18 weeks, a few hundred 78 weeks or more, and a handful 104 or more (complex pathways removed
very slowly). Figures are invented: samples must never be mistaken for real data.

REM, RBN and RWW send the patient-level PTL as CSV for the latest 8 weeks (aggregate CSV before
that); RBL and RJN fill in the aggregate template (.xlsx) for the latest 4 weeks (CSV before);
the rest send the aggregate as CSV. The PTL and template weeks are limited so that the demo
writes and loads in about a minute: a PTL is 50,000 to 130,000 rows, and openpyxl takes about a
second per filled template.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from pipeline.config import Settings
from pipeline.samples.demo import write_sample
from pipeline.samples.profiles import PROFILES, rng_for
from schemas.rtt import MAX_WEEKS

SNAPSHOTS = 26
SYSTEM_LIST = 550_000
PTL_TRUSTS = {"REM", "RBN", "RWW"}
PTL_WEEKS = 8  # the latest snapshots these trusts send as a PTL
WORKBOOK_TRUSTS = {"RBL", "RJN"}
WORKBOOK_WEEKS = 4  # the latest snapshots these trusts send as the filled-in template
#: Specialist trusts' lists are small for their size: much of their work is not on RTT pathways.
SPECIALIST_SHARE = {"RBQ": 0.5, "REN": 0.5, "REP": 0.5, "RET": 0.5, "RBS": 0.5}
MAX_AGE = 520  # weeks of history simulated (10 years): older pathways are vanishingly rare

#: Weekly chance that a pathway leaves the list, by whole weeks waited (non-admitted; admitted
#: pathways leave at 0.8 of this rate, so they dominate the tail, as in the national figures).
_HAZARD_BANDS = [(0, 0.17), (18, 0.028), (40, 0.032), (52, 0.06), (65, 0.16), (78, 0.30)]
COMPLEX_SHARE = 3e-5  # pathways stuck for clinical or patient reasons, removed at 2% a week
COMPLEX_HAZARD = 0.02
ADMITTED_HAZARD = 0.8

#: Treatment function mix of new referrals (weights), general acute trusts and specialists.
_ACUTE_MIX = {
    "100": 8,
    "101": 5,
    "110": 12,
    "120": 7,
    "130": 10,
    "140": 3,
    "160": 2,
    "300": 2,
    "301": 6,
    "320": 6,
    "330": 5,
    "340": 3,
    "400": 3,
    "410": 3,
    "430": 2,
    "502": 7,
    "X02": 6,
    "X03": 0.5,
    "X04": 2,
    "X05": 3,
    "X06": 2,
}
_SPECIALIST_MIX = {
    "RBQ": {"320": 45, "170": 25, "340": 15, "X02": 15},
    "REN": {"X02": 75, "300": 10, "X06": 15},
    "REP": {"502": 85, "X06": 15},
    "RET": {"400": 45, "150": 40, "X02": 15},
    "RBS": {"X04": 45, "110": 15, "120": 15, "100": 8, "101": 5, "130": 5, "140": 7},
}
#: Share of new pathways that are admitted (will need a bed): higher in surgical functions.
_SURGICAL = {"100", "101", "110", "120", "130", "140", "150", "160", "170", "502", "X05"}
#: Priority of admitted pathways (P1 to P4, or not recorded); non-admitted ones have none.
_PRIORITIES = np.array(["P1", "P2", "P3", "P4", ""])
_PRIORITY_SHARE = [0.01, 0.22, 0.45, 0.22, 0.10]


def snapshot_dates(months: list[str], count: int = SNAPSHOTS) -> list[pd.Timestamp]:
    """The ``count`` Sundays up to the last one on or before the end of the last month."""
    end = pd.Period(months[-1], freq="M").end_time.normalize()
    last = end - pd.Timedelta(days=(end.day_of_week + 1) % 7)
    return [last - pd.Timedelta(weeks=w) for w in range(count - 1, -1, -1)]


def hazard_by_week(ages: int = MAX_AGE + 1) -> np.ndarray:
    weeks = np.arange(ages)
    rate = np.zeros(ages)
    for start, value in _HAZARD_BANDS:
        rate[weeks >= start] = value
    return rate


def survival(hazard: np.ndarray) -> np.ndarray:
    """Share of new pathways still waiting after each whole number of weeks."""
    return np.concatenate([[1.0], np.cumprod(1 - hazard)[:-1]])


def list_sizes(total: int = SYSTEM_LIST) -> dict[str, float]:
    weight = {org: p.size * SPECIALIST_SHARE.get(org, 1.0) for org, p in PROFILES.items()}
    scale = total / sum(weight.values())
    return {org: w * scale for org, w in weight.items()}


@dataclass
class WaitingList:
    """A trust's pathways at one snapshot: one array entry per pathway."""

    pathway_id: np.ndarray  # str
    clock_start: np.ndarray  # datetime64[D]
    tfc: np.ndarray  # str
    admitted: np.ndarray  # bool
    priority: np.ndarray  # str, "" when not recorded
    complex: np.ndarray  # bool: removed very slowly

    def take(self, keep: np.ndarray) -> WaitingList:
        return WaitingList(*(getattr(self, f)[keep] for f in self.__dataclass_fields__))

    def join(self, other: WaitingList) -> WaitingList:
        return WaitingList(
            *(
                np.concatenate([getattr(self, f), getattr(other, f)])
                for f in self.__dataclass_fields__
            )
        )


class _Referrals:
    """New pathways for one trust: their TFC, type, priority and a stable pseudonymised id."""

    def __init__(self, org: str, rng: np.random.Generator):
        mix = _SPECIALIST_MIX.get(org, _ACUTE_MIX)
        self.org, self.rng = org, rng
        self.codes = np.array(list(mix))
        self.weights = np.array(list(mix.values()), dtype=float) / sum(mix.values())
        self.admitted_share = np.array([0.4 if c in _SURGICAL else 0.1 for c in self.codes])
        self.serial = 0

    def admitted_fraction(self) -> float:
        return float(self.weights @ self.admitted_share)

    def draw(
        self, clock_start: np.ndarray, admitted: np.ndarray, complex_: np.ndarray
    ) -> WaitingList:
        n = clock_start.size
        # TFC given the type, so that surgical functions carry most admitted pathways.
        p_adm = self.weights * self.admitted_share
        p_non = self.weights * (1 - self.admitted_share)
        tfc = np.where(
            admitted,
            self.rng.choice(self.codes, n, p=p_adm / p_adm.sum()),
            self.rng.choice(self.codes, n, p=p_non / p_non.sum()),
        )
        priority = np.where(admitted, self.rng.choice(_PRIORITIES, n, p=_PRIORITY_SHARE), "")
        # Multiplying by an odd constant modulo 2^32 is one-to-one: ids are unique and look
        # random, and eight hex digits can never be read as a 10-digit NHS number.
        serials = np.arange(self.serial, self.serial + n, dtype=np.uint64)
        self.serial += n
        hashed = (serials * np.uint64(2654435761)) % np.uint64(2**32)
        ids = np.char.add(self.org, np.char.mod("%08X", hashed))
        return WaitingList(
            ids, clock_start.astype("datetime64[D]"), tfc, admitted, priority, complex_
        )


def simulate(org: str, snapshots: list[pd.Timestamp]) -> Iterator[tuple[pd.Timestamp, WaitingList]]:
    """The trust's waiting list at each snapshot, oldest first."""
    rng = rng_for("rtt", org)
    referrals = _Referrals(org, rng)
    base = hazard_by_week()
    # Trusts differ in how fast they clear long waits (the tail beyond 18 weeks).
    tail = np.where(np.arange(base.size) >= 18, rng.uniform(0.85, 1.2), 1.0)
    hazard = {False: np.clip(base * tail, 0, 1), True: np.clip(base * tail * ADMITTED_HAZARD, 0, 1)}
    p_adm = referrals.admitted_fraction()
    steady = {kind: survival(h) for kind, h in hazard.items()}
    steady_complex = survival(np.full(base.size, COMPLEX_HAZARD))
    per_week = list_sizes()[org] / (p_adm * steady[True].sum() + (1 - p_adm) * steady[False].sum())
    first = np.datetime64(snapshots[0].date(), "D")
    parts = []
    for admitted, share in [(True, p_adm), (False, 1 - p_adm)]:
        counts = rng.poisson(per_week * share * steady[admitted])
        parts.append(_started(referrals, rng, first, counts, admitted, False))
    counts = rng.poisson(per_week * COMPLEX_SHARE * steady_complex)
    parts.append(_started(referrals, rng, first, counts, rng.random() < p_adm, True))
    current = parts[0].join(parts[1]).join(parts[2])
    for number, snapshot in enumerate(snapshots):
        day = np.datetime64(snapshot.date(), "D")
        if number:
            weeks = np.minimum(np.subtract(day - 7, current.clock_start).astype(int) // 7, MAX_AGE)
            leave = np.where(current.admitted, hazard[True][weeks], hazard[False][weeks])
            leave = np.where(current.complex, COMPLEX_HAZARD, leave)
            current = current.take(rng.random(weeks.size) >= leave)
            arrivals = rng.poisson(per_week)
            starts = day - rng.integers(0, 7, arrivals)
            current = current.join(
                referrals.draw(starts, rng.random(arrivals) < p_adm, np.zeros(arrivals, bool))
            )
        yield snapshot, current


def _started(
    referrals: _Referrals,
    rng: np.random.Generator,
    snapshot: np.datetime64,
    counts: np.ndarray,
    admitted: bool,
    complex_: bool,
) -> WaitingList:
    """Pathways that have waited ``w`` whole weeks at ``snapshot``, counts[w] of them."""
    weeks = np.repeat(np.arange(counts.size), counts)
    starts = snapshot - 7 * weeks - rng.integers(0, 7, weeks.size)
    return referrals.draw(starts, np.full(weeks.size, admitted), np.full(weeks.size, complex_))


def ptl_table(org: str, snapshot: pd.Timestamp, waiting: WaitingList) -> pa.Table:
    """The PTL as a trust exports it: one row per pathway, oldest clock start first."""
    order = np.argsort(waiting.clock_start, kind="stable")
    n = order.size
    kinds = pa.array(["non_admitted", "admitted"])
    return pa.table(
        {
            "org_code": pa.repeat(org, n),
            "period": pa.repeat(snapshot.strftime("%Y-%m-%d"), n),
            "pathway_id": pa.array(waiting.pathway_id[order]),
            "clock_start_date": pa.array(waiting.clock_start[order]).cast(pa.string()),
            "treatment_function_code": pa.array(waiting.tfc[order]),
            "pathway_type": kinds.take(pa.array(waiting.admitted[order].astype(np.int8))),
            "priority": pa.array(waiting.priority[order]),
        }
    )


def aggregate_rows(org: str, snapshot: pd.Timestamp, waiting: WaitingList) -> pd.DataFrame:
    """Pathways by TFC, type and whole weeks waited (104 = 104 or more); empty rows left out."""
    day = np.datetime64(snapshot.date(), "D")
    weeks = np.minimum(np.subtract(day, waiting.clock_start).astype(int) // 7, MAX_WEEKS)
    codes, tfc = np.unique(waiting.tfc, return_inverse=True)
    # One counter per TFC x type x week, in the order the rows are listed.
    key = (tfc * 2 + (~waiting.admitted).astype(int)) * (MAX_WEEKS + 1) + weeks
    counts = np.bincount(key, minlength=codes.size * 2 * (MAX_WEEKS + 1))
    filled = np.flatnonzero(counts)
    combination, week = np.divmod(filled, MAX_WEEKS + 1)
    return pd.DataFrame(
        {
            "org_code": org,
            "period": snapshot.strftime("%Y-%m-%d"),
            "treatment_function_code": codes[combination // 2],
            "pathway_type": np.where(combination % 2 == 0, "admitted", "non_admitted"),
            "weeks_waited": week,
            "pathways": counts[filled],
        }
    )


def arrival(snapshot: pd.Timestamp, days: int = 2, hour: int = 10) -> float:
    """A weekly return lands on the Tuesday after its snapshot (``days`` after the Sunday)."""
    when = snapshot + pd.Timedelta(days=days, hours=hour)
    return dt.datetime(when.year, when.month, when.day, when.hour).timestamp()


def write_ptl(table: pa.Table, path: Path, arrived: float) -> Path:
    """Write a PTL CSV fast (pyarrow): no values need quoting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="none"))
    os.utime(path, (arrived, arrived))
    return path


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    """Every trust's waiting-list return for the 26 Sundays up to the end of the last month,
    plus two drafts that are turned away."""
    snapshots = snapshot_dates(months)
    written = []
    for org in sorted(PROFILES):
        for number, (snapshot, waiting) in enumerate(simulate(org, snapshots)):
            weeks_left = len(snapshots) - number
            written.append(_write(settings, org, snapshot, waiting, weeks_left))
            if weeks_left == 2:
                written += _drafts(settings, org, snapshot, waiting)
    return written


def _write(
    settings: Settings, org: str, snapshot: pd.Timestamp, waiting: WaitingList, weeks_left: int
) -> Path:
    day = snapshot.strftime("%Y-%m-%d")
    if org in PTL_TRUSTS and weeks_left <= PTL_WEEKS:
        return write_ptl(
            ptl_table(org, snapshot, waiting),
            settings.inbox / org / f"{org}_ptl_{day}.csv",
            arrival(snapshot),
        )
    workbook = org in WORKBOOK_TRUSTS and weeks_left <= WORKBOOK_WEEKS
    return write_sample(
        "rtt_aggregate",
        aggregate_rows(org, snapshot, waiting),
        settings.inbox / org / f"{org}_rtt_{day}{'.xlsx' if workbook else '.csv'}",
        arrival(snapshot),
        org=org,
        period=day,
    )


def _drafts(
    settings: Settings, org: str, snapshot: pd.Timestamp, waiting: WaitingList
) -> list[Path]:
    """Drafts sent the day before the good file, for the week before last: both quarantined."""
    day = snapshot.strftime("%Y-%m-%d")
    if org == "RWW":
        # Warrington and Halton's first export put the documented test NHS number into three
        # pathway ids: refused, with the count of rows and never the number itself.
        table = ptl_table(org, snapshot, waiting)
        ids = table["pathway_id"].to_numpy(zero_copy_only=False).copy()
        ids[[10, 500, 2000]] = "943 476 5919"
        table = table.set_column(2, "pathway_id", pa.array(ids))
        return [
            write_ptl(
                table,
                settings.inbox / org / f"{org}_ptl_{day}_draft.csv",
                arrival(snapshot, days=1),
            )
        ]
    if org == "RJR":
        # Countess of Chester dated their draft with the Monday after the snapshot.
        rows = aggregate_rows(org, snapshot, waiting)
        rows["period"] = (snapshot + pd.Timedelta(days=1)).strftime("%Y-%m-%d")
        return [
            write_sample(
                "rtt_aggregate",
                rows,
                settings.inbox / org / f"{org}_rtt_{day}_draft.csv",
                arrival(snapshot, days=1),
                org=org,
                period=day,
            )
        ]
    return []

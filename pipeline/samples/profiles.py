"""How big each CMAST trust is and how it performs, for generating believable sample returns.

Figures are shaped on the published scale of these trusts (a large acute trust sees ~400 type 1
attendances a day) but are invented: samples must never be mistaken for real data.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrustProfile:
    type1_per_day: float  # type 1 attendances a day, whole trust (0: no type 1 department)
    type1_within_4h: float  # share of type 1 attendances within 4 hours
    type2_per_day: float
    type3_per_day: float
    beds: int  # general and acute beds occupied on a typical night
    size: float  # relative size for the other returns (LUHFT = 1.0)


PROFILES: dict[str, TrustProfile] = {
    "REM": TrustProfile(420, 0.55, 0, 160, 1480, 1.00),
    "RBL": TrustProfile(300, 0.57, 0, 110, 860, 0.62),
    "RBN": TrustProfile(390, 0.62, 0, 150, 1180, 0.82),
    "RWW": TrustProfile(240, 0.60, 0, 95, 590, 0.42),
    "RJR": TrustProfile(210, 0.58, 0, 70, 560, 0.40),
    "RBT": TrustProfile(190, 0.64, 0, 60, 480, 0.35),
    "RJN": TrustProfile(120, 0.68, 0, 40, 330, 0.24),
    "RBS": TrustProfile(170, 0.78, 0, 0, 240, 0.30),
    "REP": TrustProfile(0, 0.0, 28, 0, 110, 0.12),
    "RBQ": TrustProfile(0, 0.0, 0, 0, 190, 0.20),
    "REN": TrustProfile(0, 0.0, 0, 0, 95, 0.10),
    "RET": TrustProfile(0, 0.0, 0, 0, 150, 0.15),
}


def rng_for(*keys: str) -> np.random.Generator:
    """A generator seeded from the keys, so the same trust and period always give the same data."""
    return np.random.default_rng(zlib.crc32("|".join(keys).encode()))


def winter_pressure(month: int) -> float:
    """Extra strain by calendar month: worst in December and January, least in late spring."""
    return {12: 1.0, 1: 0.9, 2: 0.6, 3: 0.5, 11: 0.6, 10: 0.4, 4: 0.3}.get(month, 0.2)

"""Sample waiting-list returns from the year before the demo's weekly series: every trust's
aggregate return for Sunday 6 November 2022 and Sunday 26 March 2023, so the briefing can say
what was cleared for the 2022/23 targets (104 and 78 weeks by 31 March 2023, in the 2022-23
plans file).

Shaped on the November 2023 briefing ("eliminated the 104-week wait and reduced the 78-week wait
for nearly 40,000 people"): on 6 November 2022 about 640 pathways are far enough on to wait 104
weeks by 31 March 2023 (84 weeks or more then) and about 41,000 to wait 78 weeks (58 or more);
on 26 March 2023 none has waited 104 weeks and about 1,150 have waited 78 to 103. The rest of
each list falls away with weeks waited. These two weeks are drawn apart from the weekly series
that starts in May 2023 (``pipeline.samples.rtt``), which they do not change. Figures are
invented: samples must never be mistaken for real data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.config import Settings
from pipeline.samples.demo import write_sample
from pipeline.samples.profiles import PROFILES
from pipeline.samples.rtt import _SPECIALIST_MIX, arrival, list_sizes

#: Snapshot -> (system list size, {(first week, last week): system pathways in the band}); the
#: remaining pathways are spread over the weeks below the first band.
SNAPSHOTS = {
    "2022-11-06": (520_000, {(84, 103): 640, (58, 83): 40_410}),
    "2023-03-26": (530_000, {(78, 103): 1_150}),
}
ADMITTED_SHARE = 0.4  # long waiters are mostly outpatients
DECAY_WEEKS = 16  # the short waits: a list falls away by e every 16 weeks waited


def _split(total: int, parts: int) -> np.ndarray:
    """``total`` in ``parts`` whole numbers that add up to it, as even as can be."""
    base, extra = divmod(total, parts)
    return np.array([base + (1 if i < extra else 0) for i in range(parts)])


def earlier_rows(org: str, snapshot: str) -> pd.DataFrame:
    """A trust's aggregate return at one of the two snapshots: its share of each band."""
    size, bands = SNAPSHOTS[snapshot]
    share = list_sizes()[org] / sum(list_sizes().values())
    counts = np.zeros(104 + 1, dtype=int)
    for (first, last), pathways in bands.items():
        counts[first : last + 1] = _split(round(pathways * share), last - first + 1)
    below = min(first for first, _ in bands)
    rest = round(size * share) - counts.sum()
    weights = np.exp(-np.arange(below) / DECAY_WEEKS)
    shares = rest * weights / weights.sum()
    counts[:below] = np.floor(shares).astype(int)
    counts[0] += rest - counts[:below].sum()  # what rounding left over, in week 0
    tfc = next(iter(_SPECIALIST_MIX[org])) if org in _SPECIALIST_MIX else "110"
    admitted = np.round(counts * ADMITTED_SHARE).astype(int)
    frame = pd.DataFrame(
        {
            "weeks_waited": np.tile(np.arange(105), 2),
            "pathway_type": ["admitted"] * 105 + ["non_admitted"] * 105,
            "pathways": np.concatenate([admitted, counts - admitted]),
        }
    )
    frame = frame[frame["pathways"] > 0]
    return pd.DataFrame(
        {
            "org_code": org,
            "period": snapshot,
            "treatment_function_code": tfc,
            "pathway_type": frame["pathway_type"].to_numpy(),
            "weeks_waited": frame["weeks_waited"].to_numpy(),
            "pathways": frame["pathways"].to_numpy(),
        }
    )


def demo_files(settings: Settings, months: list[str]) -> list[Path]:
    written = []
    for snapshot in SNAPSHOTS:
        for org in sorted(PROFILES):
            written.append(
                write_sample(
                    "rtt_aggregate",
                    earlier_rows(org, snapshot),
                    settings.inbox / org / f"{org}_rtt_{snapshot}.csv",
                    arrival(pd.Timestamp(snapshot)),
                    org=org,
                    period=snapshot,
                )
            )
    return written

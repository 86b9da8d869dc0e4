"""The ids of ../shared/METRICS.md, the public contract, as the tests read them."""

from __future__ import annotations

import re

import pytest

from pipeline.config import PROJECT_ROOT

METRICS = PROJECT_ROOT.parent / "shared" / "METRICS.md"
#: Ids METRICS.md writes in shorthand after a full id ("`rtt.waits_over.104w` / `.78w`"),
#: spelled out by hand from the catalogue's text.
SHORTHAND = [
    "rtt.waits_over.78w",
    "rtt.waits_over.65w",
    "rtt.waits_over.52w",
    "rtt.cohort.remaining.admitted",
    "rtt.cohort.remaining.non_admitted",
    "diagnostics.waiting.over_13w",
    "diagnostics.waiting.over_26w",
    "diagnostics.waiting.over_40w",
    "uec.long_stay.over_21d_pct",
    "finance.cash_support.amount",
    "diagnostics.activity.vs_plan_ytd_pct.ct",
    "diagnostics.activity.vs_plan_ytd_pct.mri",
    "diagnostics.activity.vs_plan_ytd_pct.non_obstetric_ultrasound",
    "procurement.savings.delivered_iye",
    "diagnostics.cdc.activity_vs_plan_pct",
    "elective.alternative_choice.willing_to_travel",
    "uec.long_stay.over_21d_pct_at",
]
#: "rtt.cohort.cleared_since (any target) ... 104 and 78 weeks by 31 March 2023": one figure
#: for each target's threshold.
EVERY_TARGET = [
    "rtt.cohort.cleared_since.104w",
    "rtt.cohort.cleared_since.78w",
    "rtt.cohort.cleared_since.65w",
]
#: Ids METRICS.md gives as a family: "per modality (`.ct`, `.mri`, `.non_obstetric_ultrasound`,
#: ...)" is every DM01 test, and "also for earlier targets ... later: 52 weeks" every threshold.
FAMILIES = ("diagnostics.activity.vs_plan_ytd_pct.", "rtt.cohort.cleared_since.")


def contract_ids() -> set[str]:
    if not METRICS.exists():
        pytest.skip(f"{METRICS} not found: this test needs ../shared beside the project")
    text = METRICS.read_text()
    found = set(re.findall(r"`([a-z_]+(?:\.[a-z0-9_]+)+)`", text))
    return (found | set(SHORTHAND) | set(EVERY_TARGET)) - {"YYYY-MM"}

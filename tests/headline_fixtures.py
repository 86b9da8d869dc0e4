"""Helpers for the headline tests: small returns loaded as a trust sends them, then the marts
and the month's headline records built from them."""

from __future__ import annotations

import pandas as pd

from pipeline.config import Settings
from pipeline.ingest import process_file
from pipeline.metrics.headlines import Inputs, build_headlines, load_inputs
from pipeline.metrics.record import Headline
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from tests.conftest import drop_csv
from tests.rows import plan_row

#: The 12 CMAST trusts (data/reference/cmast_members.csv).
TRUSTS = ["RBL", "RBN", "RBQ", "RBS", "RBT", "REM", "REN", "REP", "RET", "RJN", "RJR", "RWW"]


def load(settings: Settings, frame: pd.DataFrame, org: str, name: str) -> None:
    """Drop a return into the trust's inbox and load it; it must load."""
    outcome = process_file(drop_csv(settings, frame, org=org, name=name), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]


def load_plans(settings: Settings, rows: list[dict], year: str = "2023-24") -> None:
    """The ICB team's plans file for a financial year: ``rows`` made with :func:`plan`."""
    load(settings, pd.DataFrame(rows).assign(period=year), "QYG", f"plans_{year}.csv")


def plan(
    metric: str,
    scope: str,
    month: str,
    value: float,
    kind: str = "plan",
    deadline: str = "",
    parameter: str = "",
) -> dict:
    return plan_row(metric, scope, month, value, kind, deadline, parameter)


def headlines(
    settings: Settings, period: str, scope: str | None = None
) -> tuple[dict[str, Headline], list[Headline], Inputs]:
    """Build the marts, then the month's records: (records by id, all records, inputs)."""
    with connect(settings) as conn:
        build_marts(conn, settings)
        inputs = load_inputs(conn)
    records = build_headlines(inputs, period, scope)
    return {r.id: r for r in records}, records, inputs

"""The diagnostics (DM01) return, template version 1."""

from __future__ import annotations

import pandas as pd

from pipeline.returns.base import ReturnSpec
from schemas.dm01 import ACTIVITY, MAX_WEEKS, RULES, WAITING, Dm01Return, dm01_tests, test_ids


def template_rows(org_code: str, period: str, sites: list[str]) -> pd.DataFrame:
    """Every key pre-filled: per test, 105 waiting rows (weeks 0 to 104) then the three
    activity rows; the numbers are left for the trust to fill."""
    rows: list[tuple[str, str, int | None]] = []
    for test in dm01_tests()["modality"]:
        rows += [(test, WAITING.lower(), week) for week in range(MAX_WEEKS + 1)]
        rows += [(test, measure.lower(), None) for measure in ACTIVITY]
    keys = pd.DataFrame(rows, columns=["test", "measure", "weeks_waited"])
    keys["weeks_waited"] = keys["weeks_waited"].astype("Int64")
    keys.insert(0, "period", period)
    keys.insert(0, "org_code", org_code)
    return keys


def to_raw(rows: pd.DataFrame) -> pd.DataFrame:
    """Tests stored by DM01 number, measures in lower case, whatever form the trust used."""
    return pd.DataFrame(
        {
            "org_code": rows["org_code"],
            "period": rows["period"],
            "test_id": test_ids(rows["test"]),
            "measure": rows["measure"].str.lower(),
            "weeks_waited": rows["weeks_waited"],
            "number": rows["number"],
        }
    )


def _test_list() -> str:
    tests = dm01_tests()
    return (
        "Tests (number, key): "
        + "; ".join(f"{row.test_id} {row.modality}" for row in tests.itertuples(index=False))
        + "."
    )


SPEC = ReturnSpec(
    return_type="dm01",
    title="Diagnostics (DM01)",
    template_version="1",
    model=Dm01Return,
    rules=RULES,
    raw_table="raw.dm01",
    frequency="monthly",
    to_raw=to_raw,
    template_rows=template_rows,
    notes=(
        "Rows of two kinds. measure = waiting: patients still waiting for the test at the end of "
        "the month, one row per whole weeks waited (0 to 104; put 104 weeks or more in 104).",
        "measure = tests_waiting_list, tests_planned, tests_unscheduled: tests done in the month "
        "by kind, one row each per test, weeks_waited blank.",
        "Rows you leave out count as 0, so a CSV export may skip weeks nobody is waiting in.",
        _test_list(),
    ),
)

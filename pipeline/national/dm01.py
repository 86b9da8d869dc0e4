"""Monthly diagnostics waiting times and activity (DM01), the provider ``.xls`` workbook.

Sheets ``Provider`` (all 15 tests together) and ``Provider by Test`` (one row per provider and
test, plus a per-provider ``Total`` with Diagnostic ID 16, left out here as it repeats the
``Provider`` sheet). Each sheet: a ``Label: value`` metadata block (Period, Published,
Revised ...), a group header row, a column header row, England's ``Total`` row, a blank row,
then the providers. Positions move between publications, so every one is found by its label.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.national import grid
from pipeline.national.publication import (
    Publication,
    PublicationError,
    date_from_text,
    period_from_text,
)
from pipeline.national.tidy import conform
from schemas.national import DM01_WEEKS, Dm01Provider, Dm01ProviderTest

LABELS = {
    "Regional Team Code": "region_code",
    "Regional Team Name": "region_name",
    "Provider Code": "provider_code",
    "Provider Name": "provider_name",
    "Total Waiting List": "waiting_total",
    "Number waiting 6+ Weeks": "waiting_6w_plus",
    "Number waiting 13+ Weeks": "waiting_13w_plus",
    **{
        f"{w:02d} <{w + 1:02d} weeks" if w else "0 <01 weeks": f"waiting_week_{w:02d}"
        for w in range(13)
    },
    "13+ weeks": "waiting_week_13_plus",
    "Waiting list tests / procedures (excluding planned)": "activity_waiting_list",
    "Planned tests / procedures": "activity_planned",
    "Unscheduled tests / procedures": "activity_unscheduled",
}
TEST_LABELS = {"Diagnostic ID": "test_id", "Diagnostic Test Name": "test_name"}
TEXT = ("region_code", "region_name", "provider_code", "provider_name", "test_name")
TOTAL_TEST_ID = 16  # the per-provider Total row of the by-test sheet
TEST_ORDER = [
    *list(Dm01Provider.to_schema().columns)[:5],
    "test_id",
    "test_name",
    *list(Dm01Provider.to_schema().columns)[5:],
]


@dataclass(frozen=True)
class Dm01Month(Publication):
    """A month of DM01 by provider: totals, totals by test, and England's total row."""

    providers: pd.DataFrame
    provider_tests: pd.DataFrame
    england_total: pd.DataFrame


def _sheet(path: Path, sheet: str, labels: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """(rows under the header with tidy column names, metadata) of one sheet."""
    cells = grid.read_grid(path, sheet)
    header = grid.find_row(cells, ["Provider Code", "Total Waiting List"], sheet)
    columns = {grid.column_of(cells, header, label): name for label, name in labels.items()}
    body = cells.iloc[header + 1 :, list(columns)].rename(columns=columns)
    body = body[body.notna().any(axis=1)]  # the blank spacer row under England
    for name in body.columns:
        if name not in TEXT:
            body[name] = grid.to_counts(body[name], f"{sheet}: {name}")
    return body, grid.metadata(cells, header)


def _split_england(body: pd.DataFrame, sheet: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(England's Total row as region/provider ENG, the provider rows)."""
    is_england = body["provider_code"].isna() & body["provider_name"].eq("Total")
    if is_england.sum() != 1:
        raise PublicationError(f"{sheet}: expected one England Total row, found {is_england.sum()}")
    england = body[is_england].assign(
        region_code="ENG", region_name="England", provider_code="ENG", provider_name="England"
    )
    providers = body[~is_england]
    if providers["provider_code"].isna().any():
        raise PublicationError(f"{sheet}: a data row without a provider code")
    return england, providers


def parse_dm01(path: Path) -> Dm01Month:
    """Read a DM01 provider workbook (``Monthly Diagnostics`` in its Title)."""
    totals, meta = _sheet(path, "Provider", LABELS)
    if meta.get("Title", "").casefold() != "monthly diagnostics":
        raise PublicationError(f"{Path(path).name}: Title is {meta.get('Title')!r}")
    period = period_from_text(meta.get("Period", ""))
    england, providers = _split_england(totals.assign(period=period), "Provider")

    by_test, test_meta = _sheet(path, "Provider by Test", {**LABELS, **TEST_LABELS})
    if period_from_text(test_meta.get("Period", "")) != period:
        raise PublicationError("the two sheets cover different months")
    test_england, tests = _split_england(by_test.assign(period=period), "Provider by Test")
    england_row = conform(england, Dm01Provider)
    if not conform(test_england, Dm01Provider).equals(england_row):
        raise PublicationError("England's Total differs between the Provider and by-test sheets")
    tests = tests[tests["test_id"] != TOTAL_TEST_ID]

    return Dm01Month(
        kind="dm01_provider_xls",
        period=period,
        published=date_from_text(meta.get("Published")),
        revised=date_from_text(meta.get("Revised")),
        providers=conform(providers, Dm01Provider),
        provider_tests=conform(tests, Dm01ProviderTest, order=TEST_ORDER),
        england_total=england_row,
    )


def is_dm01_workbook(path: Path) -> bool:
    """True when the workbook has DM01's two provider sheets and its Title."""
    names = grid.sheet_names(path)
    if not {"Provider", "Provider by Test"} <= set(names):
        return False
    meta = grid.metadata(grid.read_grid(path, "Provider").iloc[:20])
    return meta.get("Title", "").casefold() == "monthly diagnostics"


__all__ = ["DM01_WEEKS", "Dm01Month", "parse_dm01", "is_dm01_workbook"]

"""The finance return: a trust's and the ICB's positions load; typical slips are quarantined."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import process_file
from pipeline.returns import get_return
from pipeline.samples.finance import sample_finance
from pipeline.samples.profiles import PROFILES
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from tests.conftest import drop_csv
from tests.rows import finance_row


def _raw_count(settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM raw.finance_monthly").fetchall()[0][0]


def test_trust_and_icb_returns_load_with_the_right_figures(settings):
    trust = process_file(drop_csv(settings, finance_row()), settings)
    # The ICB's own return, written with accounting formats as a finance export would be.
    icb = finance_row(
        "QYG",
        ytd_plan_surplus_deficit="£1,250.5",
        ytd_actual_surplus_deficit="(250)",
        cash_support_requested="-",
        cash_support_received="-",
        capital_fy_plan=0,
        capital_ytd_spend=0,
    )
    outcome = process_file(drop_csv(settings, icb, org="QYG"), settings)
    assert (trust.status, outcome.status) == ("loaded", "loaded"), [
        p.as_line() for p in trust.problems + outcome.problems
    ]
    with connect(settings) as conn:
        rows = conn.execute(
            "SELECT org_code, is_provider, financial_year, ytd_actual_surplus_deficit, "
            "ytd_variance, in_deficit, cash_support_received FROM staging.stg_finance_monthly "
            "ORDER BY org_code"
        ).fetchall()
    assert rows == [
        ("QYG", False, "2023-24", -250.0, -1500.5, True, 0.0),  # -250 - 1,250.5
        ("RJR", True, "2023-24", -6150.5, -1950.5, True, 2500.0),  # -6,150.5 - -4,200
    ]


def test_month_before_april_belongs_to_the_year_before(settings):
    frame = finance_row(period="2023-03", fy_month=12)
    assert process_file(drop_csv(settings, frame), settings).status == "loaded"
    with connect(settings) as conn:
        assert conn.execute(
            "SELECT financial_year FROM staging.stg_finance_monthly"
        ).fetchall() == [("2022-23",)]


BAD_CASES = {
    "recurrent above delivered": (
        finance_row(cip_ytd_recurrent=9000),
        "Recurrent CIP cannot be more than CIP delivered",
    ),
    "calendar month as fy_month": (
        finance_row(fy_month=10),
        "fy_month is not the financial-year month of the period",
    ),
    "pounds instead of thousands": (
        finance_row(capital_fy_plan=31_000_000),
        "is not a plausible amount in £ thousands",
    ),
    "negative CIP": (finance_row(cip_ytd_plan=-9800), "CIP planned cannot be negative"),
    "text in an amount": (finance_row(capital_ytd_spend="tbc"), "must be an amount in £ thousands"),
    "received more than requested": (
        finance_row(cash_support_received=4000),
        "Cash support received cannot be more than cash support",
    ),
    "two rows for the month": (
        pd.concat([finance_row(), finance_row()]),
        "repeats a row already given for the same key",
    ),
    "blank amount": (finance_row(fy_forecast_outturn=None), "must not be blank"),
    "the ICB's code from a trust inbox": (
        finance_row("QYG"),
        "The file is for QYG but was sent through the inbox",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_return_is_quarantined_with_the_right_message(settings, case):
    frame, message = BAD_CASES[case]
    outcome = process_file(drop_csv(settings, frame), settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.rule for p in outcome.problems]
    assert _raw_count(settings) == 0
    sheet = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    assert any(
        message in (sheet.cell(row=r, column=4).value or "") for r in range(6, sheet.max_row + 1)
    )


def test_template_filled_in_by_hand_loads(settings, tmp_path):
    path = build_template(
        get_return("finance"),
        org_code="RJR",
        period="2023-10",
        sites=[],
        path=tmp_path / "finance.xlsx",
    )
    book = openpyxl.load_workbook(path)
    sheet = book["Data"]
    assert [c.value for c in sheet[2][:3]] == ["RJR", "2023-10", 7]  # pre-filled
    values = finance_row().iloc[0]
    for c, column in enumerate(values.index[3:], start=4):
        sheet.cell(row=2, column=c, value=float(values[column]))
    book.save(path)
    drop = settings.inbox / "RJR" / "finance_filled.xlsx"
    drop.parent.mkdir(parents=True, exist_ok=True)
    drop.write_bytes(path.read_bytes())
    outcome = process_file(drop, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    with connect(settings) as conn:
        assert conn.execute("SELECT ytd_variance FROM staging.stg_finance_monthly").fetchall() == [
            (-1950.5,)
        ]


def test_samples_load_and_show_providers_behind_plan(settings):
    frame = sample_finance("QYG", "2023-10")
    assert process_file(drop_csv(settings, frame, org="QYG"), settings).status == "loaded"
    providers = pd.concat([sample_finance(org, "2023-10") for org in PROFILES])
    assert (
        providers["ytd_actual_surplus_deficit"].sum()
        < providers["ytd_plan_surplus_deficit"].sum()
        < 0
    )
    assert 5 <= (providers["ytd_actual_surplus_deficit"] < 0).sum() <= 7

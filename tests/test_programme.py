"""The programme return and its figures, worked out by hand from small returns.

The ICB's programme team (QYG) sends September and October 2023 (months 6 and 7):

    procurement (£k)       pipeline  FYE  IYE
      September (M6)         4,858   838  560
      October (M7)           5,800   981  665   -> +942, +143, +105 on month 6
    CDC tests             REM90 (Liverpool)  RBN91 (Southport)
      September                 10,000            2,000
      October                   12,000            3,000   -> 27,000 in 2023/24 so far
    plans file: the system's CDC plan 4,000 tests a month: 48,000 for the year, 28,000 to
      October, so activity is 27,000 / 28,000 - 1 = -3.571...%: 3.6% below plan.
    OPEL in October: QYG 3 on the 30th, 4 on the 31st (the latest: 4); REM 3, 3, 2 (at 3+ on
      2 of 3 days: most days), RJR 2, 3 (1 of 2: not most), RBS 4, 4, 4, 1 (3 of 4): 2 of the
      3 trusts reporting.
    Alternative Choice: 27,690 texted / 389 willing at 22 October, 30,112 / 437 at 29 October.
    Teledermatology: 62.0% in September, 64.1% in October; the plans file expects 80% by
      31 March 2024.

UEC returns (RJR at RJR05, RBT at RBT20, every day of October): 500 beds, 110 held 14+ days and
60 held 21+ days each day, except Sunday 29 October (the month's last Sunday): RJR 400 / 146 /
100 and RBT 600 / 219 / 150, so the system's shares that day are 365 / 1,000 = 36.5% and
250 / 1,000 = 25.0%; on 15 October 220 / 1,000 = 22.0% and 120 / 1,000 = 12.0%. The plans file
puts the 2023/24 operational plan for October at 24.0% (14+) and 16.7% (21+).
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pipeline.config import Settings, load_settings
from pipeline.ingest import process_file
from pipeline.metrics.checks import check
from pipeline.metrics.headlines import build_headlines, load_inputs
from pipeline.returns import get_return
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from pipeline.warehouse.models import build_marts
from schemas.programme import CATALOGUE
from tests.conftest import drop_csv, uec_rows
from tests.headline_fixtures import load, load_plans, plan

ICB = "QYG"
MONTHS_2023_24 = [str(pd.Period("2023-04", freq="M") + i) for i in range(12)]


def row(
    metric: str,
    scope: str,
    value: float,
    date: str = "",
    period: str = "2023-10",
    org: str = ICB,
    note: str = "",
) -> dict:
    return {
        "org_code": org,
        "period": period,
        "metric": metric,
        "scope": scope,
        "date": date,
        "value": value,
        "note": note,
    }


def september() -> pd.DataFrame:
    return pd.DataFrame(
        [
            row("procurement.savings.pipeline", ICB, 4858, period="2023-09"),
            row("procurement.savings.delivered_fye", ICB, 838, period="2023-09"),
            row("procurement.savings.delivered_iye", ICB, 560, period="2023-09"),
            row("diagnostics.cdc.activity", "REM90", 10000, period="2023-09"),
            row("diagnostics.cdc.activity", "RBN91", 2000, period="2023-09"),
            row("uec.opel.level", ICB, 3, "2023-09-30", period="2023-09"),
            row(
                "elective.alternative_choice.texts_sent", ICB, 14870, "2023-09-24", period="2023-09"
            ),
            row(
                "elective.alternative_choice.willing_to_travel",
                ICB,
                170,
                "2023-09-24",
                period="2023-09",
            ),
            row("outpatients.teledermatology.implementation_pct", ICB, 62.0, period="2023-09"),
        ]
    )


def october() -> pd.DataFrame:
    opel = [
        (ICB, "2023-10-30", 3),
        (ICB, "2023-10-31", 4),
        ("REM", "2023-10-01", 3),
        ("REM", "2023-10-02", 3),
        ("REM", "2023-10-03", 2),
        ("RJR", "2023-10-01", 2),
        ("RJR", "2023-10-02", 3),
        ("RBS", "2023-10-01", 4),
        ("RBS", "2023-10-02", 4),
        ("RBS", "2023-10-03", 4),
        ("RBS", "2023-10-04", 1),
    ]
    return pd.DataFrame(
        [
            row("procurement.savings.pipeline", ICB, 5800),
            row("procurement.savings.delivered_fye", ICB, 981),
            row("procurement.savings.delivered_iye", ICB, 665, note="as reported to the board"),
            row("diagnostics.cdc.activity", "REM90", 12000, "2023-10-31"),
            row("diagnostics.cdc.activity", "RBN91", 3000),
            *(row("uec.opel.level", scope, level, day) for scope, day, level in opel),
            row("elective.alternative_choice.texts_sent", ICB, 27690, "2023-10-22"),
            row("elective.alternative_choice.willing_to_travel", ICB, 389, "2023-10-22"),
            row("elective.alternative_choice.texts_sent", ICB, 30112, "2023-10-29"),
            row("elective.alternative_choice.willing_to_travel", ICB, 437, "2023-10-29"),
            row("outpatients.teledermatology.implementation_pct", ICB, 64.1),
        ]
    )


def uec_month(org: str, site: str, on_29th: tuple[int, int, int]) -> pd.DataFrame:
    frame = uec_rows(org=org, site=site, days=31)
    beds, over_14, over_21 = on_29th
    frame.loc[
        28, ["ga_beds_occupied", "beds_stay_7plus", "beds_stay_14plus", "beds_stay_21plus"]
    ] = [beds, over_14 + 50, over_14, over_21]
    return frame


def new_settings(folder) -> Settings:
    current = load_settings(folder / "data")
    current = Settings(**{**current.__dict__, "settle_seconds": 0.0})
    current.ensure_dirs()
    return current


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Settings:
    current = new_settings(tmp_path_factory.mktemp("programme"))
    load_plans(
        current,
        [
            *(plan("diagnostics.cdc.activity", ICB, month, 4000) for month in MONTHS_2023_24),
            plan(
                "outpatients.teledermatology.implementation_pct",
                ICB,
                "2024-03",
                80,
                "target",
                "2024-03-31",
            ),
            plan("uec.long_stay.over_14d_pct", ICB, "2023-10", 24.0),
            plan("uec.long_stay.over_21d_pct", ICB, "2023-10", 16.7),
        ],
    )
    load(current, september(), ICB, "QYG_programme_2023-09.csv")
    load(current, october(), ICB, "QYG_programme_2023-10.csv")
    load(current, uec_month("RJR", "RJR05", (400, 146, 100)), "RJR", "RJR_uec_2023-10.csv")
    load(current, uec_month("RBT", "RBT20", (600, 219, 150)), "RBT", "RBT_uec_2023-10.csv")
    with connect(current) as conn:
        build_marts(conn, current)
    return current


def month(
    settings: Settings,
    period: str = "2023-10",
    scope: str | None = None,
    long_stay_day: str | None = None,
):
    with connect(settings) as conn:
        inputs = load_inputs(conn)
    inputs.long_stay_day = long_stay_day
    records = build_headlines(inputs, period, scope)
    return {r.id: r for r in records}, records, inputs


# The template ---------------------------------------------------------------------------------


def test_template_offers_every_programme_id_in_a_drop_down(tmp_path):
    path = build_template(
        get_return("programme"),
        org_code=ICB,
        period="2023-10",
        sites=[],
        path=tmp_path / "programme.xlsx",
    )
    book = openpyxl.load_workbook(path)
    data = book["Data"]
    assert [c.value for c in data[1]] == [
        "org_code",
        "period",
        "metric",
        "scope",
        "date",
        "value",
        "note",
    ]
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    cells = rules["C2"].split("!")[1].replace("$", "")  # the range the drop-down lists
    listed = [cell.value for row in lists[cells] for cell in row]
    assert listed == list(CATALOGUE)
    # The ICB's template has a row ready for each monthly system figure.
    assert [data.cell(row=r, column=3).value for r in range(2, 6)] == [
        "procurement.savings.pipeline",
        "procurement.savings.delivered_fye",
        "procurement.savings.delivered_iye",
        "outpatients.teledermatology.implementation_pct",
    ]


# Refusals -------------------------------------------------------------------------------------


def test_each_refusal_names_its_cell(tmp_path):
    current = new_settings(tmp_path)
    rows = pd.DataFrame(
        [
            row("procurement.savings.pipeline", ICB, 5800),  # Data row 2: fine
            row("procurement.savings.forecast", ICB, 100),  # 3: not an id
            row("diagnostics.cdc.activity", ICB, 29000),  # 4: CDC by centre
            row("uec.opel.level", ICB, 5, "2023-10-05"),  # 5: OPEL 1 to 4
            row("uec.opel.level", ICB, 3, "2023-09-30"),  # 6: not October
            row("elective.alternative_choice.texts_sent", ICB, 10, "2023-10-28"),  # 7: a Saturday
            row("uec.opel.level", "RZZ", 3, "2023-10-05"),  # 8: not a CMAST trust
            row("uec.opel.level", ICB, 2.5, "2023-10-06"),  # 9: whole levels
            row("uec.opel.level", ICB, 3, ""),  # 10: which day?
            row("procurement.savings.pipeline", ICB, 5900, "2023-10-31"),  # 11: row 2 again
        ]
    ).assign(date=lambda f: pd.to_datetime(f["date"]))
    path = build_template(
        get_return("programme"),
        org_code=ICB,
        period="2023-10",
        sites=[],
        path=current.inbox / ICB / "programme.xlsx",
        rows=rows,
    )
    outcome = process_file(path, current, today=dt.date(2023, 11, 20))
    assert outcome.status == "rejected"
    found = {(p.location, p.rule) for p in outcome.problems}
    twice = (
        "The figure is given twice for this scope and day (a blank date is the month's last day)"
    )
    assert found == {
        ("Data!C3", "is not a programme id of the catalogue"),
        ("Data!D4", "This metric is not given for this kind of scope"),
        ("Data!F5", "The value is outside the range the metric takes"),
        ("Data!E6", "The date is outside the period of the return"),
        ("Data!E7", "A weekly figure's date must be the Sunday that ends the week"),
        ("Data!D8", "is not a CMAST trust"),
        ("Data!F9", "This metric takes whole numbers only"),
        ("Data!E10", "A daily or weekly figure needs the day it is for"),
        ("Data!E2", twice),
        ("Data!E11", twice),
    }, sorted(found)
    with connect(current) as conn:
        assert conn.execute("SELECT count(*) FROM raw.programme").fetchall()[0][0] == 0


def test_a_trust_sends_its_own_rows_only(tmp_path):
    current = new_settings(tmp_path)
    own = pd.DataFrame(
        [
            row("uec.opel.level", "RBN", 3, "2023-10-01", org="RBN"),
            row("diagnostics.cdc.activity", "RBN91", 2500, org="RBN"),
        ]
    )
    load(current, own, "RBN", "RBN_programme_2023-10.csv")  # its own and its CDC's: loaded
    other = pd.DataFrame(
        [
            row("uec.opel.level", "RBN", 3, "2023-10-01", org="RBN"),
            row("uec.opel.level", "REM", 3, "2023-10-01", org="RBN"),
            row("procurement.savings.pipeline", ICB, 10, org="RBN"),
        ]
    )
    outcome = process_file(
        drop_csv(current, other, org="RBN", name="second.csv"), current, today=dt.date(2023, 11, 20)
    )
    assert outcome.status == "rejected"
    assert {(p.location, p.value) for p in outcome.problems} == {
        ("line 3", "REM"),
        ("line 4", "QYG"),
    }
    assert all("RBN cannot send figures for" in p.rule for p in outcome.problems)


# The figures ----------------------------------------------------------------------------------


def test_procurement_against_month_6(loaded):
    found, _, _ = month(loaded)
    pipeline = found["procurement.savings.pipeline"]
    assert (pipeline.value, pipeline.unit) == (5800, "gbp_thousands")
    assert pipeline.comparators["month_6"] == {"period": "2023-09", "value": 4858}
    assert pipeline.text == (
        "The current procurement pipeline shows £5.8m of savings, an "
        "increase of £942k from month 6."
    )
    assert found["procurement.savings.delivered_fye"].text == (
        "Actual procurement savings delivered to date £981k FYE / £665k IYE, an increase of "
        "£143k from month 6."
    )
    assert found["procurement.savings.delivered_iye"].text == (
        "Procurement savings delivered to date have an in-year effect of £665k, an increase "
        "of £105k from month 6."
    )
    # Resting on both months' programme returns.
    assert {p["period"] for p in pipeline.provenance} == {"2023-09", "2023-10"}


def test_month_6_itself_compares_with_the_previous_month(loaded):
    found, _, _ = month(loaded, "2023-09")
    pipeline = found["procurement.savings.pipeline"]
    assert "month_6" not in pipeline.comparators  # no August return to compare with either
    assert pipeline.text == "The current procurement pipeline shows £4.9m of savings."


def test_cdc_activity_against_the_years_plan(loaded):
    found, _, _ = month(loaded)
    cdc = found["diagnostics.cdc.activity"]
    assert cdc.value == 27000
    assert cdc.comparators["plan"]["value"] == 48000
    assert cdc.comparators["plan_ytd"]["value"] == 28000
    assert cdc.text == (
        "Community diagnostic centres have delivered 27,000 tests in 2023/24 to "
        "October 2023, against the year's plan of 48,000 tests."
    )
    versus = found["diagnostics.cdc.activity_vs_plan_pct"]
    assert versus.value == pytest.approx(100 * 27000 / 28000 - 100)
    assert versus.text == (
        "CDC activity for the year to date is 3.6% below plan: 27,000 tests "
        "against 28,000 planned to October 2023."
    )
    by_centre, _, _ = month(loaded, scope="REM90")
    assert by_centre["diagnostics.cdc.activity"].value == 22000
    assert by_centre["diagnostics.cdc.activity"].text.startswith(
        "Liverpool community diagnostic centre has delivered 22,000 tests"
    )


def test_opel_levels_and_trusts_at_3_plus(loaded):
    found, _, _ = month(loaded)
    level = found["uec.opel.level"]
    assert (level.value, level.detail["as_of"]) == (4, "2023-10-31")
    assert level.text == (
        "The system was escalated overall at OPEL 4 on 31 October 2023, from "
        "OPEL 3 at the end of September 2023."
    )
    trusts = found["uec.opel.trusts_at_3_plus"]
    assert trusts.value == 2 and trusts.detail["trusts"] == ["RBS", "REM"]
    assert trusts.coverage["trusts_submitted"] == 3
    assert trusts.text.startswith(
        "The majority of CMAST trusts were at OPEL 3 or 4 on most days of October 2023: 2 of "
        "the 3 reporting (AHCH (RBS) and LUHFT (REM)). Figures are for 3 of 12 trusts:"
    )
    rem, _, _ = month(loaded, scope="REM")
    assert rem["uec.opel.level"].value == 2  # REM's latest day, 3 October
    # REM's level came in the ICB's file: that is what it rests on.
    assert [p["org"] for p in rem["uec.opel.level"].provenance] == [ICB]


def test_alternative_choice_and_teledermatology(loaded):
    found, _, _ = month(loaded)
    texts, willing = (
        found["elective.alternative_choice.texts_sent"],
        found["elective.alternative_choice.willing_to_travel"],
    )
    assert (texts.value, texts.detail["as_of"], willing.value) == (30112, "2023-10-29", 437)
    assert texts.text == (
        "The Alternative Choice programme has sent text messages to 30,112 "
        "patients (to 29 October 2023)."
    )
    assert willing.text.startswith(
        "Currently 437 patients are willing to travel for treatment (29 October 2023)"
    )
    assert willing.patients == 437  # counts patients: disclosure control applies
    tele = found["outpatients.teledermatology.implementation_pct"]
    assert tele.comparators["target"]["value"] == 80
    assert tele.text == (
        "Teledermatology implementation is 64.1% in October 2023, and is "
        "expected to be 80% by 31 March 2024."
    )


def test_long_stay_at_the_last_sunday_against_the_plan(loaded):
    found, _, _ = month(loaded)
    over_21 = found["uec.long_stay.over_21d_pct_at"]
    assert (over_21.numerator, over_21.denominator) == (250, 1000)
    assert over_21.value == pytest.approx(25.0) and over_21.detail["as_of"] == "2023-10-29"
    assert over_21.comparators["plan"]["value"] == 16.7
    assert over_21.text.startswith(
        "The percentage of beds occupied by patients with a length of stay over 21 days was "
        "25.0% at 29/10/2023, against the 2023/24 operational plan of 16.7%."
    )
    over_14 = found["uec.long_stay.over_14d_pct_at"]
    assert over_14.value == pytest.approx(36.5) and over_14.comparators["plan"]["value"] == 24.0
    # The monthly figure stays at the month's latest day (31 October): 220 / 1,000.
    assert found["uec.long_stay.over_14d_pct"].value == pytest.approx(22.0)


def test_long_stay_at_a_day_the_analyst_names(loaded):
    found, _, _ = month(loaded, long_stay_day="2023-10-15")
    over_21 = found["uec.long_stay.over_21d_pct_at"]
    assert (over_21.numerator, over_21.denominator) == (120, 1000)
    assert over_21.detail["day_named_by"] == "the analyst"
    assert "12.0% at 15/10/2023" in over_21.text


def test_the_figures_pass_the_briefings_checks(loaded):
    _, records, inputs = month(loaded)
    check(records, inputs)  # raises on any disagreement
    assert all(r.text for r in records if r.id in CATALOGUE)


def test_a_resubmission_replaces_the_whole_month(tmp_path):
    current = new_settings(tmp_path)
    load(current, october(), ICB, "first.csv")
    second = pd.DataFrame(
        [
            row("procurement.savings.pipeline", ICB, 6100),
            row("uec.opel.level", ICB, 3, "2023-10-31"),
        ]
    )
    load(current, second, ICB, "second.csv")
    with connect(current) as conn:
        statuses = [
            r[0]
            for r in conn.execute(
                "SELECT status FROM ledger.submissions ORDER BY submission_id"
            ).fetchall()
        ]
        build_marts(conn, current)
    assert statuses == ["superseded", "loaded"]
    found, _, _ = month(current)
    assert found["procurement.savings.pipeline"].value == 6100
    assert found["uec.opel.level"].value == 3
    # Nothing of the first file is left: no texts, no CDC activity, no trust OPEL levels.
    assert not {
        "elective.alternative_choice.texts_sent",
        "diagnostics.cdc.activity",
        "uec.opel.trusts_at_3_plus",
    } & set(found)

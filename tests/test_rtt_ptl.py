"""The waiting-list return, patient-level form (PTL): counted by clock start date on load, no
pathway id kept anywhere, the same answers for CSV (checked in DuckDB) and workbooks (pandas)."""

from __future__ import annotations

import datetime as dt
import time

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.ingest import process_file
from pipeline.returns import get_return
from pipeline.spreadsheet.template import build_template
from pipeline.warehouse import connect
from tests.conftest import drop_bytes
from tests.rows import PTL_IDS, PTL_SNAPSHOT, ptl_rows

SNAPSHOT, IDS = PTL_SNAPSHOT, PTL_IDS


def drop_ptl(
    settings, frame: pd.DataFrame, form: str = "csv", org: str = "REM", name: str = "ptl"
) -> object:
    """Put a PTL in a trust's inbox as a CSV export or as the filled-in template."""
    path = settings.inbox / org / f"{name}.{form}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if form == "csv":
        frame.to_csv(path, index=False)
    else:
        typed = frame.copy()
        dates = pd.to_datetime(typed["clock_start_date"], format="%Y-%m-%d", errors="coerce")
        typed["clock_start_date"] = typed["clock_start_date"].where(dates.isna(), dates)
        typed["priority"] = typed["priority"].replace("", None)
        build_template(
            get_return("rtt_ptl"),
            org_code=org,
            period=str(frame["period"][0]),
            sites=[],
            path=path,
            rows=typed,
        )
    return path


def weeks_waited(settings) -> dict[int, int]:
    with connect(settings) as conn:
        return dict(
            conn.execute(
                "SELECT weeks_waited, sum(pathways) FROM staging.stg_rtt_pathways "
                "GROUP BY 1 ORDER BY 1"
            ).fetchall()
        )


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_valid_ptl_loads_as_counts_by_clock_start(settings, form):
    outcome = process_file(drop_ptl(settings, ptl_rows(), form), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.return_type == "rtt_ptl" and outcome.period == "2023-10-22"
    assert weeks_waited(settings) == {0: 2, 1: 1, 21: 1, 52: 2, 104: 2}
    with connect(settings) as conn:
        raw = conn.execute(
            "SELECT clock_start_date, treatment_function_code, pathway_type, "
            "priority, pathways FROM raw.rtt_ptl_clock_starts ORDER BY ALL"
        ).fetchall()
        cohort = conn.execute("""
            SELECT pathway_type, sum(pathways) FROM staging.stg_rtt_clock_starts
            WHERE clock_start_date <= DATE '2024-03-31' - INTERVAL 65 WEEK
            GROUP BY ALL ORDER BY ALL""").fetchall()
    assert len(raw) == 7  # eight pathways, two of them alike
    assert (dt.date(2022, 10, 23), "110", "admitted", "P4", 2) in raw
    assert (dt.date(2023, 10, 15), "110", "non_admitted", None, 1) in raw
    assert cohort == [("admitted", 2), ("non_admitted", 2)]


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_no_pathway_id_is_kept_anywhere_in_the_warehouse(settings, form):
    assert process_file(drop_ptl(settings, ptl_rows(), form), settings).status == "loaded"
    # A rejected file's problems (kept in the ledger's message) do not quote ids either.
    repeated = _with(ptl_rows(), 0, pathway_id=IDS[1])
    outcome = process_file(drop_ptl(settings, repeated, form, name="bad"), settings)
    assert outcome.status == "rejected"
    assert "PWZQ" not in " ".join(p.as_line() for p in outcome.problems)
    with connect(settings) as conn:
        columns = conn.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()"
        ).fetchall()
        assert not [c for c in columns if "pathway_id" in c[2]]
        for schema, table, column, data_type in columns:
            if data_type != "VARCHAR":
                continue
            found = conn.execute(
                f'SELECT count(*) FROM "{schema}"."{table}" WHERE "{column}" LIKE \'%PWZQ%\''
            ).fetchall()[0][0]
            assert found == 0, (schema, table, column)


def _with(frame: pd.DataFrame, row: int, **values) -> pd.DataFrame:
    frame = frame.copy()
    for column, value in values.items():
        frame.loc[row, column] = value
    return frame


BAD_CASES = {
    "repeated pathway id": (
        lambda f: _with(f, 5, pathway_id=IDS[1]),
        "must be unique within the file",
    ),
    "clock start after the snapshot": (
        lambda f: _with(f, 0, clock_start_date="2023-10-23"),
        "The clock start date is after the snapshot date",
    ),
    "snapshot not a Sunday": (
        lambda f: f.assign(period="2023-10-21"),
        "The snapshot date must be a Sunday",
    ),
    "unknown treatment function": (
        lambda f: _with(f, 3, treatment_function_code="C_502"),
        "is not a treatment function code on the national RTT list",
    ),
    "pathway type not admitted or non_admitted": (
        lambda f: _with(f, 2, pathway_type="outpatient"),
        "must be admitted or non_admitted",
    ),
    "priority not P1 to P4": (
        lambda f: _with(f, 1, priority="P5"),
        "must be P1, P2, P3 or P4, or left blank",
    ),
    "an NHS number as a pathway id": (
        lambda f: _with(f, 4, pathway_id="943 476 5919"),
        "holds what look like NHS numbers",
    ),
    "blank clock start": (lambda f: _with(f, 6, clock_start_date=""), "must not be blank"),
    "clock start not a date": (
        lambda f: _with(f, 6, clock_start_date="last spring"),
        "must be a date",
    ),
    "pathway id with a space": (
        lambda f: _with(f, 7, pathway_id="PW 12"),
        "is not in the expected form",
    ),
    "another trust's code": (
        lambda f: f.assign(org_code="RJR"),
        "The file is for RJR but was sent through the inbox of REM",
    ),
    "two snapshots in one file": (
        lambda f: _with(f, 3, period="2023-10-15"),
        "The file covers more than one period",
    ),
}


@pytest.mark.parametrize("form", ["csv", "xlsx"])
@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_ptl_is_quarantined_with_the_same_message_in_either_form(settings, case, form):
    change, message = BAD_CASES[case]
    outcome = process_file(drop_ptl(settings, change(ptl_rows()), form), settings)
    assert outcome.status == "rejected"
    assert any(message in p.rule for p in outcome.problems), [p.as_line() for p in outcome.problems]
    assert all(p.location for p in outcome.problems)
    with connect(settings) as conn:
        assert conn.execute("SELECT count(*) FROM raw.rtt_ptl_clock_starts").fetchall() == [(0,)]
    assert "943 476 5919" not in " ".join(p.as_line() for p in outcome.problems)
    feedback = openpyxl.load_workbook(settings.absolute(outcome.feedback_path))["Problems"]
    cells = " ".join(str(c.value) for row in feedback.iter_rows() for c in row)
    assert message in cells
    assert "943 476 5919" not in cells and "PWZQ" not in cells  # no NHS number, no pathway id


def test_problems_in_a_csv_name_the_line_even_after_blank_lines(settings):
    text = ptl_rows().to_csv(index=False).splitlines()
    assert "2023-05-28" in text[4]  # the fourth pathway, on line 5
    text[4] = text[4].replace("2023-05-28", "2023-13-01")
    content = "\n".join([*text[:3], "", *text[3:]]) + "\n"  # a blank line 4: it moves to line 6
    outcome = process_file(drop_bytes(settings, content.encode(), org="REM"), settings)
    problem = next(p for p in outcome.problems if p.column == "clock_start_date")
    assert (problem.location, problem.value) == ("line 6", "2023-13-01")


def test_repeated_ids_point_at_the_first_line(settings):
    frame = _with(ptl_rows(), 6, pathway_id=IDS[2])
    outcome = process_file(drop_ptl(settings, frame), settings)
    problem = next(p for p in outcome.problems if p.column == "pathway_id")
    assert problem.location == "line 8"
    assert "the same pathway id as line 4" in problem.rule


def test_a_check_failing_on_many_rows_lists_the_first_hundred(settings):
    frame = pd.concat([ptl_rows()] * 40, ignore_index=True)  # 320 rows
    frame["pathway_id"] = [f"PW{n:05d}" for n in range(len(frame))]
    frame["priority"] = "urgent"  # all 320 wrong
    outcome = process_file(drop_ptl(settings, frame), settings)
    about_priority = [p for p in outcome.problems if p.column == "priority"]
    assert len(about_priority) == 101
    summary = [p for p in about_priority if p.row is None]  # listed first, for the whole file
    assert about_priority[0] == summary[0]
    assert "220 more rows like the ones listed (320 in all)" in summary[0].rule
    assert [p.location for p in about_priority[1:3]] == ["line 2", "line 3"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"org_code,period,pathway_id,clock_start_date,treatment_function_code,pathway_type,"
            b"priority\n",
            "no data rows",
        ),
        (
            b"org_code,period,pathway_id,clock_start_date,treatment_function_code,pathway_type,"
            b"priority\nREM,2023-10-22,A1,2023-10-01,110,admitted,\n"
            b"REM,2023-10-22,A2,2023-10-01,110,admitted,,9434765919\n",
            "could not be read: line 3",
        ),
    ],
)
def test_unreadable_ptl_csv_is_quarantined_without_echoing_it(settings, content, message):
    outcome = process_file(drop_bytes(settings, content, org="REM"), settings)
    assert outcome.status == "rejected"
    assert message in outcome.problems[0].rule
    assert "9434765919" not in outcome.problems[0].as_line()


def test_semicolons_and_a_byte_order_mark_are_read(settings):
    content = "\ufeff" + ptl_rows().to_csv(index=False, sep=";")
    outcome = process_file(drop_bytes(settings, content.encode(), org="REM"), settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]


def test_sql_and_pandas_agree_on_nhs_numbers(settings):
    # Random ten-digit numbers written three ways: about 1 in 11 pass the check digit. The CSV
    # check runs in SQL; the count it reports must be the pandas count.
    from pipeline.validation.identifiers import looks_like_nhs_number

    rng = np.random.default_rng(7)
    numbers = [f"{n:010d}" for n in rng.integers(0, 10**10, 3000)]
    written = [
        [n, f"{n[:3]} {n[3:6]} {n[6:]}", f"X-{n[:3]}-{n[3:6]}-{n[6:]}"][i % 3]
        for i, n in enumerate(numbers)
    ]
    frame = pd.concat([ptl_rows()] * 375, ignore_index=True).assign(pathway_id=written)
    expected = int(looks_like_nhs_number(pd.Series(written)).sum())
    assert 200 < expected < 350
    outcome = process_file(drop_ptl(settings, frame), settings)
    problem = next(p for p in outcome.problems if "NHS numbers" in p.rule)
    assert f"in {expected:,} rows" in problem.rule


def test_later_form_counts_when_a_trust_sends_both_for_a_snapshot(settings):
    from tests.rows import aggregate_rows

    process_file(drop_ptl(settings, ptl_rows()), settings)
    aggregate = aggregate_rows(org="REM", period="2023-10-22")
    path = settings.inbox / "REM" / "aggregate.csv"
    aggregate.to_csv(path, index=False)
    assert process_file(path, settings).status == "loaded"
    with connect(settings) as conn:
        total, forms = conn.execute(
            "SELECT sum(pathways), list(DISTINCT form) FROM staging.stg_rtt_pathways"
        ).fetchall()[0]
    assert (total, forms) == (90, ["aggregate"])


def test_template_filled_in_by_hand_loads(settings, tmp_path):
    template = tmp_path / "REM_ptl.xlsx"
    build_template(
        get_return("rtt_ptl"), org_code="REM", period="2023-10-22", sites=[], path=template
    )
    workbook = openpyxl.load_workbook(template)
    sheet = workbook["Data"]
    for r, row in enumerate(ptl_rows().itertuples(index=False), start=2):
        start = dt.datetime.fromisoformat(row.clock_start_date)
        values = [
            row.org_code,
            row.period,
            row.pathway_id,
            start,
            int(row.treatment_function_code)
            if row.treatment_function_code.isdigit()
            else row.treatment_function_code,
            row.pathway_type,
            row.priority or None,
        ]
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    path = settings.inbox / "REM" / "filled.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    outcome = process_file(path, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert weeks_waited(settings) == {0: 2, 1: 1, 21: 1, 52: 2, 104: 2}


def test_a_large_trust_ptl_loads_in_seconds(settings):
    n = 200_000
    rng = np.random.default_rng(1)
    days = rng.integers(0, 900, n)
    frame = pd.DataFrame(
        {
            "org_code": "REM",
            "period": "2023-10-22",
            "pathway_id": [f"REM{v:08X}" for v in range(n)],
            "clock_start_date": (pd.Timestamp(SNAPSHOT) - pd.to_timedelta(days, unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "treatment_function_code": rng.choice(["100", "110", "130", "X02"], n),
            "pathway_type": rng.choice(["admitted", "non_admitted"], n),
            "priority": rng.choice(["P2", "P3", ""], n),
        }
    )
    path = drop_ptl(settings, frame)
    started = time.perf_counter()
    outcome = process_file(path, settings)
    elapsed = time.perf_counter() - started
    assert outcome.status == "loaded"
    weeks = weeks_waited(settings)
    assert sum(weeks.values()) == n
    assert weeks[104] == int((days >= 728).sum())
    assert elapsed < 30  # a few seconds on a 2-core machine; generous for a loaded one

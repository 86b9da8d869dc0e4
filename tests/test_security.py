"""Who may submit and see what: a trust submits only for itself and only through its own folder;
nothing outside the inbox is read or written through a link; text from files never runs as a
formula in a workbook or CSV we write; published figures hide small numbers; report writers
can only read.
"""

from __future__ import annotations

import io
import os

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from cmast.app import app
from pipeline.briefing.content import Briefing, Cover, Section
from pipeline.briefing.excel import write_excel
from pipeline.briefing.tables import TrustTable
from pipeline.ingest import process_file, scan_inbox
from pipeline.metrics.record import Headline
from pipeline.metrics.suppression import SUPPRESSED, published_count, published_text
from pipeline.spreadsheet.feedback import write_feedback
from pipeline.spreadsheet.styles import safe_frame, safe_text
from pipeline.validation.problems import Problem
from pipeline.warehouse import connect
from pipeline.warehouse.snapshot import QueryRefused, publish_snapshot, read_snapshot
from tests.conftest import drop_csv, on_open_days, uec_rows

#: Text that a spreadsheet program would run, one per starting character it watches for.
FORMULAS = [
    '=HYPERLINK("http://example.invalid","Open")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd|' /C calc'!A0",
    "=1+1",
]


def _cells(path) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(path)
    return [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _assert_never_a_formula(path, texts) -> None:
    cells = _cells(path)
    assert not [c.coordinate for c in cells if c.data_type == "f"], "no cell may be a formula"
    for text in texts:
        # (Codes are compared, and so reported, in upper case.)
        holding = [c for c in cells if isinstance(c.value, str) and text.upper() in c.value.upper()]
        assert holding, f"{text!r} should be shown, as text"
        assert all(c.data_type == "s" for c in holding)


# --- submitting ------------------------------------------------------------------------------


def test_a_trust_submits_only_for_itself(settings):
    outcome = process_file(drop_csv(settings, uec_rows(org="REM", site="REM21")), settings)
    assert outcome.status == "rejected"
    assert "sent through the inbox of RJR" in outcome.problems[0].rule


def test_an_inbox_folder_that_is_a_link_is_never_followed(settings, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "return.csv").write_text(uec_rows().to_csv(index=False))
    (settings.inbox / "RJR").symlink_to(elsewhere)
    assert scan_inbox(settings) == []
    outcome = process_file(settings.inbox / "RJR" / "return.csv", settings)
    assert outcome.status == "rejected" and "outside the inbox" in outcome.message
    assert (elsewhere / "return.csv").exists(), "a file outside the inbox is never moved"
    assert not settings.warehouse_path.exists() or _submissions(settings) == 0


def test_a_link_in_the_inbox_is_taken_by_the_scan_and_refused_unread(settings, tmp_path):
    target = tmp_path / "secret.csv"
    target.write_text(uec_rows().to_csv(index=False))
    link = settings.inbox / "RJR" / "link.csv"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    dangling = settings.inbox / "RJR" / "dangling.csv"
    dangling.symlink_to(tmp_path / "gone.csv")
    assert sorted(p.name for p in scan_inbox(settings)) == ["dangling.csv", "link.csv"]
    for path in (link, dangling):
        outcome = process_file(path, settings)
        assert outcome.status == "rejected" and "is a link" in outcome.problems[0].rule
        kept = settings.absolute(outcome.path)
        assert kept.is_symlink() and kept.parent == settings.quarantine / "RJR"
    assert target.read_text() == uec_rows().to_csv(index=False)
    with connect(settings) as conn:
        assert conn.execute("SELECT count(*) FROM raw.uec_daily").fetchall()[0][0] == 0


def _submissions(settings) -> int:
    with connect(settings) as conn:
        return conn.execute("SELECT count(*) FROM ledger.submissions").fetchall()[0][0]


# --- formulas in what we write ---------------------------------------------------------------


def test_safe_text_keeps_text_text_and_numbers_numbers():
    assert [safe_text(t) for t in FORMULAS] == ["'" + t for t in FORMULAS]
    assert safe_text("Theatre 1") == "Theatre 1"
    assert safe_text(-5) == -5 and safe_text(None) is None
    assert safe_text("a\x00b\x07c") == "a\ufffdb\ufffdc"  # a workbook cannot hold these


def test_the_feedback_workbook_never_holds_a_formula(settings, tmp_path):
    frame = on_open_days(uec_rows(days=len(FORMULAS)), site_code=FORMULAS)
    outcome = process_file(drop_csv(settings, frame, name="=cmd.csv"), settings)
    assert outcome.status == "rejected"
    _assert_never_a_formula(settings.absolute(outcome.feedback_path), FORMULAS + ["=cmd.csv"])


def test_write_feedback_survives_control_characters(tmp_path):
    path = write_feedback(
        tmp_path / "f.xlsx",
        file_name="a\x01.csv",
        org_code="RJR",
        summary="1 problem",
        problems=[Problem(rule="r", value="\x00\x1f")],
    )
    assert "\ufffd" in "".join(str(c.value) for c in _cells(path))


def _briefing(file_name: str, label: str) -> Briefing:
    record = Headline(
        id="uec.four_hour_all_types",
        period="2023-10",
        scope="QYG",
        value=76.5,
        unit="percent",
        source="trust_returns",
        section="uec",
        text="76.5% were seen within 4 hours.",
        patients=5000,
        provenance=[
            {
                "org": "RJR",
                "submission_id": 1,
                "return_type": "uec",
                "period": "2023-10",
                "file_name": file_name,
                "received_at": "2023-11-03T09:00:00",
                "sha256": "0" * 64,
            }
        ],
    )
    small = Headline(
        id="uec.twelve_hour_waits",
        period="2023-10",
        scope="RJR",
        value=3,
        unit="count",
        source="trust_returns",
        section="uec",
        text="3 patients waited 12 hours.",
        patients=3,
    )
    table = TrustTable(
        ids=["uec.four_hour_pct"],
        units=["percent"],
        headers=["Within 4 hours (%)"],
        rows=[label],
        published=pd.DataFrame({"uec.four_hour_pct": [76.5]}, index=["RJR"]),
    )
    section = Section(
        key="uec",
        title="Urgent and emergency care",
        sentences=[record.text],
        panels=[],
        detail=[record, small],
        table=table,
        records=[record, small],
    )
    coverage = pd.DataFrame({"A&E and beds": [file_name]}, index=pd.Index([label], name="Trust"))
    cover = Cover(
        title="CMAST Integrated Performance Report",
        month="October 2023",
        cut_off="03 November 2023 09:00",
        published="02 December 2026",
        author="CMAST",
        contact="",
        reference="CMAST-IPR-2023-10-0",
        coverage=coverage,
    )
    return Briefing(period="2023-10", records=[record, small], sections=[section], cover=cover)


def test_briefing_xlsx_never_holds_a_formula_and_suppresses_small_numbers(tmp_path):
    path = write_excel(_briefing(FORMULAS[0], FORMULAS[3]), tmp_path / "briefing.xlsx")
    _assert_never_a_formula(path, [FORMULAS[0], FORMULAS[3]])
    figures = openpyxl.load_workbook(path)["All figures"]
    values = {
        figures.cell(row=r, column=3).value: figures.cell(row=r, column=5).value
        for r in range(4, figures.max_row + 1)
    }
    assert values == {"uec.four_hour_all_types": 76.5, "uec.twelve_hour_waits": SUPPRESSED}
    sentences = [figures.cell(row=r, column=14).value for r in range(4, figures.max_row + 1)]
    assert not any("3 patients" in s for s in sentences)


def test_small_numbers_are_suppressed_in_published_values():
    assert [published_count(v) for v in (0, 1, 7, 8, 1250, None)] == [
        0,
        SUPPRESSED,
        SUPPRESSED,
        8,
        1250,
        None,
    ]
    record = Headline(
        id="x",
        period="2023-10",
        scope="RJR",
        value=2,
        unit="count",
        source="trust_returns",
        section="uec",
        text="2 patients.",
        patients=2,
    )
    assert "fewer than 8 patients" in published_text(record)


def test_csv_output_of_cmast_query_never_holds_a_formula(settings):
    path = drop_csv(settings, uec_rows(), name="=HYPERLINK(1).csv")
    assert process_file(path, settings).status == "loaded"
    publish_snapshot(settings)
    result = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(settings.data_dir),
            "query",
            "SELECT file_name, row_count FROM ledger.submissions",
            "--csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(io.StringIO(result.output), dtype=str)
    assert list(rows["file_name"]) == ["'=HYPERLINK(1).csv"]
    assert list(rows["row_count"]) == ["31"]  # every day of October
    assert safe_frame(pd.DataFrame({"n": [-1]}))["n"].tolist() == [-1]  # numbers untouched


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE raw.uec_daily",
        "INSERT INTO ledger.submissions (submission_id) VALUES (99)",
        "UPDATE ledger.submissions SET status = 'loaded'",
        "COPY ledger.submissions TO '/tmp/stolen.csv'",
        "ATTACH '/tmp/other.duckdb' AS other",
        "SELECT 1; DROP TABLE raw.uec_daily",
    ],
)
def test_report_writers_cannot_write(settings, sql):
    process_file(drop_csv(settings, uec_rows()), settings)
    publish_snapshot(settings)
    with pytest.raises(QueryRefused):
        read_snapshot(settings, sql)
    assert len(read_snapshot(settings, "SELECT * FROM raw.uec_daily")) == 31


def test_report_writers_cannot_read_files_through_the_snapshot(settings):
    process_file(drop_csv(settings, uec_rows()), settings)
    publish_snapshot(settings)
    secret = settings.data_dir / "inbox" / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(Exception, match="(?i)external|disabled|permission"):
        read_snapshot(settings, f"SELECT * FROM read_csv('{os.fspath(secret)}')")

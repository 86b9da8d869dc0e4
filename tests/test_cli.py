"""The cmast command as a person uses it."""

from __future__ import annotations

import json

import openpyxl
from typer.testing import CliRunner

from cmast.app import app
from pipeline.ingest import process_file
from tests.conftest import drop_csv, on_open_days, uec_rows

runner = CliRunner()


def _run(settings, *args):
    return runner.invoke(app, ["--data-dir", str(settings.data_dir), *args])


def test_validate_valid_file_exits_0_and_loads_nothing(settings, tmp_path):
    path = tmp_path / "ok.csv"
    uec_rows(days=2).to_csv(path, index=False)
    result = _run(settings, "validate", str(path), "--org", "rjr")
    assert result.exit_code == 0, result.output
    assert "Valid" in result.output and "2023-10" in result.output
    assert not settings.warehouse_path.exists()


def test_validate_invalid_file_exits_1_with_the_report(settings, tmp_path):
    path = tmp_path / "bad.csv"
    on_open_days(uec_rows(days=2), type1_within_4h=[70, 999]).to_csv(path, index=False)
    result = _run(settings, "validate", str(path), "--org", "RJR")
    assert result.exit_code == 1
    assert "line 3" in result.output
    assert "cannot be more than type 1 attendances" in result.output.replace("\n", " ")


def test_status_json_lists_every_submission_with_where_it_lies(settings):
    process_file(drop_csv(settings, uec_rows(days=2), name="a.csv"), settings)
    process_file(
        drop_csv(settings, uec_rows(days=2).assign(org_code="REM"), name="b.csv"), settings
    )
    result = _run(settings, "status", "--json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["status"] for r in records] == ["loaded", "rejected"]
    for record in records:
        assert {"org", "return_type", "period", "status", "received_at", "sha256", "path"} <= (
            set(record) | {"org"}
        )
        assert record["org_code"] == "RJR"
        from pathlib import Path

        assert Path(record["path"]).exists()


def test_template_is_written_and_a_filled_in_copy_loads(settings, tmp_path):
    template = tmp_path / "RJR_uec_2023-10.xlsx"
    result = _run(
        settings, "template", "uec", "--org", "RJR", "--period", "2023-10", "-o", str(template)
    )
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(template)
    assert workbook.sheetnames == ["Instructions", "Data", "Lists", "About"]
    data = workbook["Data"]
    headers = [c.value for c in data[1]]
    assert headers[:4] == ["org_code", "period", "site_code", "date"]
    prefilled = [r for r in range(2, data.max_row + 1) if data.cell(row=r, column=1).value]
    assert prefilled == list(range(2, 33))  # one row per day of October at RJR's one site
    assert data.protection.sheet and data["A1"].protection.locked
    assert not data["E2"].protection.locked
    # Fill the counts in as a person would: type 1 = 100 a day, 80 within 4 hours, the rest 0;
    # site_closed stays blank, the site being open every day.
    for row in range(2, 33):
        for column, header in enumerate(headers, start=1):
            if data.cell(row=row, column=column).value is None and header != "site_closed":
                value = {"type1_attendances": 100, "type1_within_4h": 80}.get(header, 0)
                data.cell(row=row, column=column, value=value)
    filled = settings.inbox / "RJR" / "filled.xlsx"
    filled.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(filled)
    outcome = process_file(filled, settings)
    assert outcome.status == "loaded", [p.as_line() for p in outcome.problems]
    assert outcome.row_count == 31


def test_an_error_in_a_workbook_names_the_sheet_and_cell(settings, tmp_path):
    template = tmp_path / "t.xlsx"
    _run(settings, "template", "uec", "--org", "RJR", "--period", "2023-10", "-o", str(template))
    workbook = openpyxl.load_workbook(template)
    data = workbook["Data"]
    for row in data.iter_rows(min_row=2, max_row=32, min_col=5):
        for cell in row:
            cell.value = 0
    data["F7"] = 5  # type1_within_4h (column F) above type1_attendances (0) on data row 6
    path = settings.inbox / "RJR" / "t.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    outcome = process_file(path, settings)
    assert outcome.status == "rejected"
    locations = {p.location for p in outcome.problems}
    assert "Data!F7" in locations

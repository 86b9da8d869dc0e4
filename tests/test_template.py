"""Templates that fit a real month, read back from the written workbook: thousands of editable
rows, drop-downs for coded columns, the trust's own codes, every rule, the due date and contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import openpyxl

from pipeline.returns import get_return
from pipeline.spreadsheet.template import EDITABLE_ROWS, build_template
from pipeline.validation.validate import Context, check_file


def _theatres(settings, tmp_path, **kwargs):
    settings = replace(
        settings, report_contact="cmast.returns@example.nhs.uk", submission_deadline_day=12
    )
    return build_template(
        get_return("theatres"),
        org_code="RJR",
        period="2023-10",
        sites=["RJR05", "RJR06"],
        path=tmp_path / "theatres.xlsx",
        settings=settings,
        **kwargs,
    )


def _validation(sheet, column_letter: str):
    for rule in sheet.data_validations.dataValidation:
        if any(str(r).startswith(f"{column_letter}2:") for r in rule.sqref.ranges):
            return rule
    return None


def _listed(book, formula: str) -> list[str]:
    sheet_name, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    return [c.value for row in book[sheet_name][first:last] for c in row]


def test_every_column_is_editable_below_the_header_and_rows_can_be_inserted(settings, tmp_path):
    book = openpyxl.load_workbook(_theatres(settings, tmp_path))
    data = book["Data"]
    columns = get_return("theatres").columns
    for c in range(1, len(columns) + 1):
        letter = openpyxl.utils.get_column_letter(c)
        assert data.column_dimensions[letter].protection.locked is False
        assert data.cell(row=1, column=c).protection.locked is True  # the header
    assert data.protection.sheet and data.protection.insertRows is False
    assert data.protection.deleteRows is False
    # The checks reach at least 5,000 rows.
    area = str(_validation(data, "F").sqref)
    assert int(area.split(":")[1][1:]) >= EDITABLE_ROWS + 1
    assert data.page_setup.orientation == "landscape" and data.page_setup.fitToWidth == 1
    assert data.print_title_rows == "$1:$1"


def test_coded_columns_have_drop_downs(settings, tmp_path):
    book = openpyxl.load_workbook(_theatres(settings, tmp_path))
    data = book["Data"]
    columns = get_return("theatres").columns
    letter = {c: openpyxl.utils.get_column_letter(i) for i, c in enumerate(columns, start=1)}
    session = _validation(data, letter["session"])
    assert _listed(book, session.formula1) == ["AM", "PM", "EVE", "ALL"]
    assert session.errorStyle == "stop"
    assert _listed(book, _validation(data, letter["status"]).formula1) == ["HELD", "CANCELLED"]
    assert _listed(book, _validation(data, letter["site_code"]).formula1) == ["RJR05", "RJR06"]
    tfc = _validation(data, letter["specialty_tfc"])
    codes = _listed(book, tfc.formula1)
    assert "110" in codes and "502" in codes and all(c.isdigit() for c in codes)
    assert tfc.errorStyle == "warning"  # the validator takes any three digits
    assert book["Lists"].sheet_state == "hidden"


def test_instructions_give_the_trusts_codes_every_rule_the_due_date_and_contact(settings, tmp_path):
    book = openpyxl.load_workbook(_theatres(settings, tmp_path))
    sheet = book["Instructions"]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "REM" not in text  # another trust's codes
    examples = {row[0].value: row[3].value for row in sheet.iter_rows() if row[0].value}
    assert examples["org_code"] == "RJR" and examples["site_code"] == "RJR05"
    for rule in get_return("theatres").rules:
        assert rule.message in text and rule.hint in text
    # 2023-10 with returns due on the 12th: Sunday 12 November 2023.
    assert "Due by Sunday 12 November 2023." in text
    assert "cmast.returns@example.nhs.uk" in text
    assert all(sheet.row_dimensions[r].height for r in range(3, 8))


def test_a_month_of_3000_sessions_typed_into_the_template_is_valid(settings, tmp_path):
    path = _theatres(settings, tmp_path)
    book = openpyxl.load_workbook(path)
    data = book["Data"]
    written = 0
    for day in range(1, 32):
        for theatre in range(1, 50):
            for session, start, end in (
                ("AM", dt.time(8, 30), dt.time(12, 30)),
                ("PM", dt.time(13, 30), dt.time(17, 30)),
            ):
                if written == 3000:
                    break
                data.append(
                    [
                        "RJR",
                        "2023-10",
                        "RJR05",
                        f"Theatre {theatre}",
                        dt.datetime(2023, 10, day),
                        session,
                        110,
                        start,
                        end,
                        start,
                        end,
                        "Held",
                        None,
                        2,
                    ]
                )
                written += 1
    book.save(path)
    checked = check_file(path, Context(org_code="RJR", sites={"RJR": {"RJR05", "RJR06"}}))
    assert checked.valid, [p.as_line() for p in checked.problems[:5]]
    assert len(checked.rows) == 3000 and int(checked.rows["cases"].sum()) == 6000


def _validate(settings, *args):
    from typer.testing import CliRunner

    from cmast.app import app

    return CliRunner().invoke(app, ["--data-dir", str(settings.data_dir), "validate", *args])


def _filled_uec(settings, tmp_path, org="RJR"):
    from tests.conftest import uec_rows

    frame = uec_rows(days=3)
    frame["date"] = frame["date"].astype("datetime64[s]")
    return build_template(
        get_return("uec"),
        org_code=org,
        period="2023-10",
        sites=["RJR05"],
        path=tmp_path / "uec.xlsx",
        rows=frame,
        settings=settings,
    )


def test_validate_takes_the_trust_from_the_workbook_and_refuses_a_mismatch(settings, tmp_path):
    path = _filled_uec(settings, tmp_path)
    result = _validate(settings, str(path))
    assert result.exit_code == 0, result.output
    assert "31 rows" in result.output and "(RJR)" in result.output  # 3 open days, 28 closed
    refused = _validate(settings, str(path), "--org", "REM")
    assert refused.exit_code == 2
    assert "made for RJR" in refused.output and "--org says REM" in refused.output
    csv = tmp_path / "uec.csv"
    csv.write_text("org_code\n")
    assert _validate(settings, str(csv)).exit_code == 2  # a CSV does not say whose it is


def test_the_same_problem_on_many_rows_is_one_line_and_a_csv_line_names_its_key(settings, tmp_path):
    from tests.conftest import uec_rows

    frame = uec_rows(days=31)
    frame.loc[4, "type1_within_4h"] = 9999  # line 6: 2023-10-05, more than attended
    frame.to_csv(tmp_path / "rjr.csv", index=False)
    result = _validate(settings, str(tmp_path / "rjr.csv"), "--org", "REM")
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines()]
    assert (
        "31 rows [site_code]: is not a site of REM (found: RJR05): lines 2 to 32. Use one "
        "of: REM21, REM22, REM23." in lines
    )
    within = next(line for line in lines if "[type1_within_4h]" in line)
    assert within.startswith("line 6 (RJR05, 2023-10-05) [type1_within_4h]")

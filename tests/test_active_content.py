"""Workbooks with active content (macros, links to other workbooks, DDE) are refused with how to
save a plain .xlsx, never loaded from their cached values (docs/robustness.md)."""

from __future__ import annotations

import zipfile

import pytest

from pipeline.ingest import process_file
from pipeline.returns import get_return
from pipeline.spreadsheet.template import build_template
from tests.conftest import uec_rows

EXTERNAL = (
    '<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="'
    'http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
    "</externalLink>"
)
DDE = (
    '<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" ddeTopic="/c '
    'calc"/></externalLink>'
)


def _workbook(settings, name: str, extra: dict[str, bytes | str]) -> object:
    """A valid UEC template filled in, with ``extra`` parts added to its zip."""
    plain = settings.data_dir / "plain.xlsx"
    build_template(
        get_return("uec"),
        org_code="RJR",
        period="2023-10",
        sites=["RJR05"],
        path=plain,
        rows=uec_rows(days=2),
    )
    path = settings.inbox / "RJR" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        for part, content in extra.items():
            target.writestr(part, content)
    return path


@pytest.mark.parametrize(
    ("name", "extra", "rule", "hint"),
    [
        (
            "macros.xlsm",
            {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 a VBA project"},
            "holds macros",
            "Excel Workbook (*.xlsx)",
        ),
        (
            "linked.xlsx",
            {"xl/externalLinks/externalLink1.xml": EXTERNAL},
            "links to 1 other workbook",
            "Break Link",
        ),
        (
            "dde.xlsx",
            {"xl/externalLinks/externalLink1.xml": DDE},
            "DDE links",
            "Paste Special > Values",
        ),
    ],
)
def test_active_content_is_refused_with_how_to_save_plain(settings, name, extra, rule, hint):
    path = _workbook(settings, name, extra)
    outcome = process_file(path, settings)
    assert outcome.status == "rejected"
    [problem] = outcome.problems
    assert rule in problem.rule and hint in problem.hint
    assert outcome.path.startswith("quarantine/RJR/")  # kept for the trust, never archived
    assert not (settings.archive / "RJR").exists()


def test_the_same_workbook_without_them_loads(settings):
    outcome = process_file(_workbook(settings, "plain.xlsx", {}), settings)
    # 2 days with counts and the month's other 29 marked closed on the template
    assert outcome.status == "loaded" and outcome.row_count == 31

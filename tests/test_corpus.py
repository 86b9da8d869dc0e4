"""Every broken or hostile input in ``tests/corpus.py`` gets the outcome a person would expect.

For each: the outcome's status; for a refusal, a problem saying why (and pointing at the right
cell where there is one); and, whatever happened, the invariants that make the pipeline safe to
leave running: no exception reaches the caller, nothing is loaded unless everything is, the
file leaves the inbox (or waits, if still being written), the bytes kept are the bytes sent,
nothing outside the data root is touched, and no report repeats a patient identifier.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.ingest import process_file, scan_inbox
from pipeline.warehouse import connect
from tests.corpus import CASES, Case


def _files(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` but not under ``skip``: path -> (size, modification time)."""
    found = {}
    for folder, _, names in os.walk(root):
        if Path(folder).is_relative_to(skip):
            continue
        for name in names:
            stat = os.lstat(Path(folder) / name)
            found[str(Path(folder) / name)] = (stat.st_size, stat.st_mtime_ns)
    return found


def _raw_rows(settings) -> int:
    with connect(settings) as conn:
        tables = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'"
        ).fetchall()
        return sum(
            conn.execute(f'SELECT count(*) FROM raw."{name}"').fetchall()[0][0]
            for (name,) in tables
        )


def _ledger(settings) -> list[dict]:
    with connect(settings) as conn:
        result = conn.execute(
            "SELECT status, row_count, path, feedback_path, message FROM ledger.submissions"
        )
        columns = [c[0] for c in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def _workbook_text(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(
        str(cell.value)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def _settings_for(case: Case, settings):
    changes = {}
    if case.max_file_mb is not None:
        changes["max_file_mb"] = case.max_file_mb
    if case.settle_seconds is not None:
        changes["settle_seconds"] = case.settle_seconds
    return replace(settings, **changes)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus_case(settings, tmp_path, case: Case):
    if case.requires is not None and not case.requires.exists():
        pytest.skip(f"{case.requires} is not here (../shared beside the project)")
    settings = _settings_for(case, settings)
    path = case.build(settings.inbox / case.org)
    sent = os.readlink(path) if path.is_symlink() else path.read_bytes()
    outside = _files(tmp_path, settings.data_dir)

    if case.status == "waiting":
        assert scan_inbox(settings, now=time.time()) == []
        assert path.exists() and not settings.warehouse_path.exists()
        return

    outcome = process_file(path, settings)
    lines = [p.as_line() for p in outcome.problems]
    assert outcome.status == case.status, (outcome.message, lines)
    ledger = _ledger(settings)
    assert len(ledger) == 1 and ledger[0]["status"] == case.status
    assert not path.exists() and not path.is_symlink(), "the file must leave the inbox"
    kept = settings.absolute(ledger[0]["path"])
    assert kept.is_relative_to(settings.data_dir)
    if kept.is_symlink():
        assert os.readlink(kept) == sent  # the link itself, never what it points at
    else:
        assert kept.read_bytes() == sent
    assert _files(tmp_path, settings.data_dir) == outside, "nothing outside the data root"

    if case.status == "loaded":
        assert outcome.row_count > 0
        assert _raw_rows(settings) == outcome.row_count == ledger[0]["row_count"]
        assert kept.parent == settings.archive / case.org
        assert re.fullmatch(r"[0-9a-f]{64}(\.\w+)?", kept.name)
        return

    assert _raw_rows(settings) == 0, "a refused file loads nothing"
    assert kept.parent == settings.quarantine / case.org
    matching = [p for p in outcome.problems if case.fragment in p.rule]
    assert matching, lines
    if case.location is not None:
        assert matching[0].location == case.location, lines
    feedback = settings.absolute(ledger[0]["feedback_path"])
    assert feedback.parent == kept.parent
    report = _workbook_text(feedback)
    assert case.fragment in report
    for secret in case.withheld:
        assert secret not in report
        assert secret not in ledger[0]["message"]
        assert not any(secret in line for line in lines)


def test_the_corpus_is_large_enough_and_ids_are_unique():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


def test_every_case_is_in_the_robustness_table():
    page = (PROJECT_ROOT / "docs" / "robustness.md").read_text()
    section = page.split("## Broken and hostile input", 1)[-1].split("\n## ", 1)[0]
    missing = [case.describe for case in CASES if case.describe not in section]
    assert not missing, missing

"""`cmast demo` from end to end, as a new user runs it: every return for every trust, ingested,
the briefing written; every METRICS.md id its sources allow is in `cmast headlines --json`;
running it again changes nothing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import duckdb
import pytest

from pipeline.config import PROJECT_ROOT
from tests.contract import EVERY_TARGET, contract_ids

pytestmark = [pytest.mark.slow, pytest.mark.prefect]

#: The programme figures (METRICS.md, "Programme figures").
PROGRAMME_IDS = [
    "procurement.savings.pipeline",
    "procurement.savings.delivered_fye",
    "procurement.savings.delivered_iye",
    "diagnostics.cdc.activity",
    "diagnostics.cdc.activity_vs_plan_pct",
    "uec.opel.level",
    "uec.opel.trusts_at_3_plus",
    "elective.alternative_choice.texts_sent",
    "elective.alternative_choice.willing_to_travel",
    "outpatients.teledermatology.implementation_pct",
    "uec.long_stay.over_14d_pct_at",
    "uec.long_stay.over_21d_pct_at",
]
#: Ids whose source is an NHS England publication the demo has no copy of for October 2023.
NOT_IN_DEMO_SOURCES = {"benchmark.diagnostics.within_6w_rank"}


def _cmast(data_dir, *args, timeout=1500):
    env = {**os.environ, "CMAST_DATA_DIR": str(data_dir), "CMAST_SETTLE_SECONDS": "0"}
    return subprocess.run(
        [sys.executable, "-m", "cmast", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=PROJECT_ROOT,
    )


def _counts(data_dir) -> dict[str, int]:
    conn = duckdb.connect(str(data_dir / "warehouse" / "cmast.duckdb"), read_only=True)
    try:
        tables = conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE schema_name IN ('ledger', 'raw')"
        ).fetchall()
        return {
            f"{s}.{t}": conn.execute(f'SELECT count(*) FROM "{s}"."{t}"').fetchall()[0][0]
            for s, t in tables
        }
    finally:
        conn.close()


def test_demo_runs_end_to_end_and_again_changes_nothing(tmp_path):
    data = tmp_path / "data"
    first = _cmast(data, "demo", "--quiet")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "quarantine" in first.stdout or "rejected" in first.stdout
    folder = data / "outputs" / "briefing" / "2023-10"
    for name in ("briefing.md", "briefing.html", "briefing.xlsx", "briefing.pdf"):
        assert (folder / name).stat().st_size > 1000, name
    _check_october_against_the_publication(folder / "briefing.md", data)
    _check_pack(folder, tmp_path)

    result = _cmast(data, "headlines", "--period", "2023-10", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    records = json.loads(result.stdout)
    system = {r["id"] for r in records if r["scope"] == "QYG"}
    missing = contract_ids() - NOT_IN_DEMO_SOURCES - system
    assert not missing, f"contract ids without a system figure in the demo: {sorted(missing)}"
    for record in records:
        assert {
            "id",
            "label",
            "period",
            "scope",
            "value",
            "shown",
            "unit",
            "source",
            "text",
            "comparators",
            "provenance",
        } <= set(record)
        assert record["values_are"] == "exact"

    # "This time last month" is one snapshot everywhere: the record's previous value is the
    # cohort four weekly snapshots earlier, the figure the sentence quotes.
    by_id = {r["id"]: r for r in records if r["scope"] == "QYG"}
    cohort = by_id["rtt.cohort.remaining"]
    assert (
        cohort["comparators"]["previous_period"]["value"]
        == by_id["rtt.cohort.remaining_prior"]["value"]
    )
    assert f"{by_id['rtt.cohort.remaining_prior']['value']:,}" in cohort["text"]

    # The programme figures each have a sentence of their own .
    texts = {r["id"]: r["text"] for r in records if r["scope"] == "QYG"}
    programme = [*PROGRAMME_IDS, *EVERY_TARGET]
    assert all(texts.get(id_) for id_ in programme), {i: texts.get(i) for i in programme}

    _check_ids_match_the_catalogue(data)

    before = _counts(data)
    again = _cmast(data, "demo", "--quiet")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert _counts(data) == before


def _check_ids_match_the_catalogue(data) -> None:
    """marts.headline_values and the catalogue hold the same ids: every figure the marts write
    is catalogued, and every catalogued figure from the trusts' returns is written (bar the
    52-week cohort, whose target the demo's plans do not set yet); the national figures appear
    where the demo has NHS England's file (A&E)."""
    from pipeline.metrics.catalogue import FIGURES

    conn = duckdb.connect(str(data / "warehouse" / "cmast.duckdb"), read_only=True)
    try:
        written = {
            r[0] for r in conn.execute("SELECT DISTINCT id FROM marts.headline_values").fetchall()
        }
    finally:
        conn.close()
    assert written - set(FIGURES) == set()
    returns = {i for i in FIGURES if not i.startswith("benchmark.")}
    assert returns - written == {"rtt.cohort.cleared_since.52w"}


def _check_october_against_the_publication(markdown, data) -> None:
    """With NHS England's A&E files beside the project, the UEC lead is the ICB's published
    figure (69.7% in October 2023, 71.3% in September: the seed briefing's own numbers) and
    the North West's from the same publication (69.0%); the planted return is listed."""
    from pipeline.samples.demo import SHARED_NHSE

    text = markdown.read_text()
    if not SHARED_NHSE.is_dir():
        assert "Returns against NHS England's publication" not in text
        return
    assert (
        "October performance was 69.7% compared to September 71.3% (NHS England's "
        "published figure for Cheshire and Merseyside ICB)"
    ) in text
    assert "Performing better than the North West (69.0%)." in text
    assert (
        "MCHT (RBT), A&E attendances, type 3: the trust's return gives 1,979, NHS "
        "England published 1,859 (+120, +6.5% against a tolerance of 0.5%)."
    ) in text
    lines = [
        json.loads(line)
        for line in (data / "outputs" / "alerts" / "alerts.jsonl").read_text().splitlines()
    ]
    planted = [a for a in lines if a["kind"] == "reconciliation_differs"]
    assert [(a["org_code"], a["period"], a["measure"]) for a in planted] == [
        ("RBT", "2023-10", "ae.attendances.type3")
    ]


def _check_pack(folder, tmp_path) -> None:
    """The demo month's pack as a board reads it: at most 20 A4 pages, every board figure in
    the summary matrix exactly once, and a page Chromium shows without console errors."""
    from pipeline.briefing.pdf import page_count
    from pipeline.metrics.catalogue import FIGURES
    from tests.browser import render

    pages = page_count(folder / "briefing.pdf")
    assert 10 <= pages <= 20, pages
    page = (folder / "briefing.html").read_text()
    start = page.index('id="summary"')
    matrix = page[start : page.index("</section>", start)]
    placed = re.findall(r'data-figure="([^"]+)"', matrix)
    board = {f.id for f in FIGURES.values() if f.board}
    assert len(placed) == len(set(placed)), "a figure sits in two cells of the matrix"
    assert set(placed) == board, set(placed) ^ board
    # Every table by trust ends on its system row, in bold.
    assert page.count('<tr class="system">') == page.count("by trust</h3>") >= 5
    dom, log = render(folder / "briefing.html", tmp_path / "pack.png", tmp_path / "profile")
    errors = [
        line
        for line in log.splitlines()
        if "CONSOLE" in line and ("error" in line.lower() or "Uncaught" in line)
    ]
    assert errors == [] and 'id="summary"' in dom

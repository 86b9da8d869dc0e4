"""The briefing files: written only after the checks pass, complete, and readable in a browser."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from pipeline.briefing import write_briefing
from pipeline.ingest import process_file
from pipeline.metrics.checks import ConsistencyError
from pipeline.reference_data import sites_frame
from pipeline.samples.uec import sample_uec
from pipeline.warehouse import held_open
from tests.conftest import drop_csv


@pytest.fixture
def year_of_uec(settings):
    """13 months of Countess of Chester's UEC return (Oct 2022 - Oct 2023), from the samples."""
    sites = sites_frame(settings)
    sites = sites[sites["org_code"] == "RJR"]
    months = [str(pd.Period("2022-10", freq="M") + i) for i in range(13)]
    with held_open(settings):
        for i, month in enumerate(months):
            frame = sample_uec("RJR", month, sites)
            frame["date"] = frame["date"].dt.strftime("%Y-%m-%d")
            path = drop_csv(settings, frame, name=f"uec_{month}.csv", mtime=1_700_000_000 + i)
            assert process_file(path, settings).status == "loaded"
    return settings


def test_the_pack_is_written_in_four_forms_with_numbers_as_numbers(year_of_uec):
    written = write_briefing(year_of_uec, "2023-10")
    assert written.folder == year_of_uec.outputs / "briefing" / "2023-10"
    markdown = written.markdown.read_text()
    assert "## Urgent and emergency care" in markdown
    assert "October performance was" in markdown
    assert "Figures are for 1 of 12 trusts" in markdown  # only RJR submitted: said, not hidden
    assert "Report reference: CMAST-IPR-2023-10-" in markdown
    workbook = openpyxl.load_workbook(written.excel)
    assert workbook.sheetnames[:3] == ["Cover", "Board figures", "All figures"]
    assert "Provenance" in workbook.sheetnames
    sheet = workbook["All figures"]
    row = next(
        r
        for r in range(4, sheet.max_row + 1)
        if sheet.cell(row=r, column=3).value == "uec.four_hour_pct"
    )
    value = sheet.cell(row=row, column=5)
    assert isinstance(value.value, float) and value.number_format == '0.0"%"'
    attendances = next(
        r
        for r in range(4, sheet.max_row + 1)
        if sheet.cell(row=r, column=3).value == "uec.attendances"
    )
    assert isinstance(sheet.cell(row=attendances, column=5).value, int)  # 8994, not 8994.0
    for name in workbook.sheetnames:  # every sheet prints landscape, one page wide
        setup = workbook[name].page_setup
        assert setup.orientation == "landscape" and setup.fitToWidth == 1, name
    provenance = workbook["Provenance"]
    assert provenance.max_row >= 2 and provenance.cell(row=2, column=4).value == "RJR"


def test_the_pdf_is_a4_landscape_and_the_summary_matrix_holds_each_board_figure_once(year_of_uec):
    from pipeline.briefing.pdf import chromium, page_count

    if chromium() is None:
        pytest.skip("Chromium is not installed: `make browser` installs it (the PDF needs it)")
    written = write_briefing(year_of_uec, "2023-10")
    assert written.pdf_problem is None and written.pdf.exists()
    pages = page_count(written.pdf)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", written.pdf.read_bytes())
    # A4 landscape is 297 x 210 mm: 841.9 x 595.3 points (Chromium rounds to whole pixels).
    assert len(boxes) == pages and all(
        abs(float(w) - 841.9) < 1 and abs(float(h) - 595.3) < 1 for w, h in boxes
    )
    # Cover, matrix, one page for the section's two board figures, two appendix pages.
    assert 4 <= pages <= 8, pages
    page = written.html.read_text()
    matrix = page[page.index('id="summary"') : page.index("</section>", page.index('id="summary"'))]
    placed = re.findall(r'data-figure="([^"]+)"', matrix)
    panels = re.findall(r'<div class="panel" id="[^"]+" data-figure="([^"]+)"', page)
    assert sorted(placed) == sorted(panels) == ["uec.four_hour_pct", "uec.long_stay.over_21d_pct"]


def test_a_contradiction_stops_the_briefing(year_of_uec, monkeypatch):
    import pipeline.metrics.headlines as headlines

    real = headlines.build_headlines

    def contradicting(inputs, period, scope=None):
        records = real(inputs, period, scope)
        for record in records:
            if record.id == "uec.four_hour_pct":
                record.numerator += 10  # the percentage no longer agrees with its counts
        return records

    monkeypatch.setattr(headlines, "build_headlines", contradicting)
    with pytest.raises(ConsistencyError, match="uec.four_hour_pct"):
        write_briefing(year_of_uec, "2023-10")
    assert not (year_of_uec.outputs / "briefing" / "2023-10").exists()


def test_headline_records_carry_spc_icons_for_a_year_or_more(year_of_uec):
    from pipeline.metrics.headlines import build_headlines, load_inputs
    from pipeline.spc import VARIATION_CODES, analyse
    from pipeline.warehouse import connect
    from pipeline.warehouse.models import ensure_marts

    with connect(year_of_uec) as conn:
        ensure_marts(conn, year_of_uec)
        inputs = load_inputs(conn)
        # The same series computed straight from the staging rows, month by month.
        monthly = conn.execute(
            "SELECT period, 100.0 * sum(all_within_4h) / sum(all_attendances) AS pct "
            "FROM staging.stg_uec_daily GROUP BY period ORDER BY period"
        ).df()
    record = next(r for r in build_headlines(inputs, "2023-10") if r.id == "uec.four_hour_pct")
    expected = analyse(monthly.set_index("period")["pct"], improvement="up")
    assert record.variation in VARIATION_CODES
    assert record.variation == expected.variation
    assert record.assurance is None  # no target in the warehouse: no assurance icon
    short = next(r for r in build_headlines(inputs, "2023-08") if r.id == "uec.four_hour_pct")
    assert short.variation is None  # 11 months only: too few points for SPC

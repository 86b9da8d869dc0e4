"""The briefing files: written only after the checks pass, complete, and readable in a browser."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from pipeline.briefing import write_briefing
from pipeline.ingest import process_file
from pipeline.metrics.checks import ConsistencyError
from pipeline.reference_data import sites_frame
from pipeline.samples.uec import sample_uec
from pipeline.warehouse import held_open
from tests.browser import render
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


def test_briefing_files_are_written_with_numbers_as_numbers(year_of_uec):
    written = write_briefing(year_of_uec, "2023-10")
    assert written.folder == year_of_uec.outputs / "briefing" / "2023-10"
    markdown = written.markdown.read_text()
    assert "## Urgent and emergency care" in markdown
    assert "October performance was" in markdown
    assert "Figures are for 1 of 12 trusts" in markdown  # only RJR submitted: said, not hidden
    workbook = openpyxl.load_workbook(written.excel)
    assert workbook.sheetnames[0] == "Headlines" and "Provenance" in workbook.sheetnames
    sheet = workbook["Headlines"]
    row = next(r for r in range(4, sheet.max_row + 1)
               if sheet.cell(row=r, column=3).value == "uec.four_hour_pct")
    value = sheet.cell(row=row, column=5)
    assert isinstance(value.value, float) and value.number_format == '0.0"%"'
    provenance = workbook["Provenance"]
    assert provenance.max_row >= 2 and provenance.cell(row=2, column=3).value == "RJR"


def test_html_briefing_renders_in_a_browser(year_of_uec, tmp_path):
    written = write_briefing(year_of_uec, "2023-10")
    screenshot = tmp_path / "briefing.png"
    dom, log = render(written.html, screenshot, tmp_path / "profile")
    errors = [line for line in log.splitlines()
              if "CONSOLE" in line and ("error" in line.lower() or "Uncaught" in line)]
    assert errors == []
    assert 'id="uec"' in dom and "Urgent and emergency care" in dom
    assert dom.count('class="chart"') >= 2 and "<svg" in dom  # trend charts drawn inline
    assert "Summary of SPC icons" in dom
    image = Image.open(screenshot).convert("RGB")
    assert image.size == (1200, 4000)
    colours = image.getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # text, tables and charts, not a blank page
    nhs_blue = sum(n for n, rgb in colours if rgb == (0, 94, 184))
    assert nhs_blue > 500  # the heading rule and table headers are drawn


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
            "FROM staging.stg_uec_daily GROUP BY period ORDER BY period").df()
    record = next(r for r in build_headlines(inputs, "2023-10") if r.id == "uec.four_hour_pct")
    expected = analyse(monthly.set_index("period")["pct"], improvement="up")
    assert record.variation in VARIATION_CODES
    assert record.variation == expected.variation
    assert record.assurance is None  # no target in the warehouse: no assurance icon
    short = next(r for r in build_headlines(inputs, "2023-08") if r.id == "uec.four_hour_pct")
    assert short.variation is None  # 11 months only: too few points for SPC

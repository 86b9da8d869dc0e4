"""The monthly board pack: checked figures, written as a PDF, one HTML page, a workbook and
Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from pipeline.errors import CmastError


class NoFigures(CmastError, LookupError):
    """The month asked for has no figures (or nothing has been received yet)."""

    label = "Briefing not written"


@dataclass
class Written:
    period: str
    folder: Path
    markdown: Path
    html: Path
    excel: Path
    figures: int
    pdf: Path | None = None
    #: Why there is no PDF, when there is none (Chromium missing, say): the other forms stand.
    pdf_problem: str | None = None


def write_briefing(settings: Settings, period: str | None = None) -> Written:
    """Build the month's figures, run the consistency checks, and only then write the files.

    Raises :class:`pipeline.metrics.checks.ConsistencyError` (nothing written) when figures
    disagree, and :class:`NoFigures` when the month has no figures.
    """
    from pipeline.briefing.content import assemble
    from pipeline.briefing.excel import write_excel
    from pipeline.briefing.html import write_html
    from pipeline.briefing.markdown import write_markdown
    from pipeline.briefing.pdf import PdfUnavailable, write_pdf
    from pipeline.metrics.checks import check
    from pipeline.metrics.headlines import build_headlines, load_inputs, periods
    from pipeline.warehouse.connection import received_before
    from pipeline.warehouse.reading import reading

    if not settings.warehouse_path.exists() and not received_before(settings):
        raise NoFigures("No figures yet: nothing has been received (no warehouse yet).")
    with reading(settings, marts=True) as conn:
        inputs = load_inputs(conn)
    available = periods(inputs)
    if not available:
        raise NoFigures("No figures yet: load some returns or publications first.")
    period = period or available[-1]
    if period not in available:
        raise NoFigures(
            f"No figures for {period}; months with figures: {available[0]} to {available[-1]}"
        )
    records = build_headlines(inputs, period)
    check(records, inputs)
    folder = settings.outputs / "briefing" / period
    staging = folder.with_name(folder.name + ".partial")
    import shutil

    shutil.rmtree(staging, ignore_errors=True)
    (staging / "charts").mkdir(parents=True)
    briefing = assemble(inputs, period, records, staging / "charts", settings)
    write_markdown(briefing, staging / "briefing.md")
    write_html(briefing, staging / "briefing.html", staging / "charts")
    write_excel(briefing, staging / "briefing.xlsx")
    pdf_problem = None
    try:
        write_pdf(staging / "briefing.html", staging / "briefing.pdf")
    except PdfUnavailable as error:
        pdf_problem = str(error)
    # Swap the finished folder in whole, so a reader never finds half a briefing.
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return Written(
        period,
        folder,
        folder / "briefing.md",
        folder / "briefing.html",
        folder / "briefing.xlsx",
        len(records),
        None if pdf_problem else folder / "briefing.pdf",
        pdf_problem,
    )

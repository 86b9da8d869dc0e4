"""The board pack as PDF: the HTML pack printed by headless Chromium.

Chromium, not a Python PDF library: the pack is already an HTML page with a print stylesheet
(A4 landscape, a page per section, panels never split), and printing that page is the only way
the PDF and the HTML can never drift apart. Chromium is a Debian package the tests already
install (``make browser``); WeasyPrint would need Pango and its own CSS dialect, and ReportLab a
second layout of every page. Chromium runs with a closed network (nothing is fetched: the page
is self-contained) and a throwaway profile.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Flags for a closed network: no background fetches, no first-run or sync traffic.
CLOSED_NETWORK = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FLAGS = [*CLOSED_NETWORK, "--no-pdf-header-footer"]
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """The PDF could not be written; the message says why and what to do."""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def write_pdf(page: Path, pdf: Path) -> Path:
    binary = chromium()
    if binary is None:
        raise PdfUnavailable(
            "the PDF needs Chromium, which is not installed: run `make browser`"
            " (or apt-get install chromium), then `cmast briefing` again"
        )
    with tempfile.TemporaryDirectory(prefix="cmast-pdf-") as profile:
        done = subprocess.run(
            [
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
        )
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise PdfUnavailable(
            f"Chromium could not print the pack (exit {done.returncode}): "
            + done.stderr.strip()[-500:]
        )
    return pdf


def page_count(pdf: Path) -> int:
    """Pages in a PDF as Chromium writes it (one uncompressed page object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))

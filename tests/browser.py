"""Opening a page in headless Chromium as a reader would, for tests of HTML output."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.briefing.pdf import CLOSED_NETWORK
from pipeline.briefing.pdf import chromium as find_chromium

#: The pack printer's flags for a closed network, and no scrollbars in screenshots.
FLAGS = [*CLOSED_NETWORK, "--hide-scrollbars"]


def chromium() -> str:
    found = find_chromium()
    if not found:
        pytest.skip(
            "Chromium is not installed: `make test` installs it from Debian's packages "
            "(apt-get install chromium)"
        )
    return found


def render(page: Path, screenshot: Path, profile: Path, size: str = "1200,4000") -> tuple[str, str]:
    """Screenshot the page and return (the DOM after scripts ran, Chromium's log)."""
    binary = chromium()
    base = [binary, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    shot = subprocess.run(
        [*base, f"--window-size={size}", f"--screenshot={screenshot}", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    return dom.stdout, shot.stderr + dom.stderr

"""Opening a page in headless Chromium as a reader would, for tests of HTML output."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

#: Flags for a closed network: no background fetches, no first-run or sync traffic.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("Chromium is not installed: `make test` installs it from Debian's packages "
                    "(apt-get install chromium)")
    return found


def render(page: Path, screenshot: Path, profile: Path, size: str = "1200,4000"
           ) -> tuple[str, str]:
    """Screenshot the page and return (the DOM after scripts ran, Chromium's log)."""
    binary = chromium()
    base = [binary, *FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0"]
    shot = subprocess.run([*base, f"--window-size={size}", f"--screenshot={screenshot}",
                           page.as_uri()], capture_output=True, text=True, timeout=120)
    dom = subprocess.run([*base, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    return dom.stdout, shot.stderr + dom.stderr

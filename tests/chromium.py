"""Debian's Chromium for the browser tests: where it is, and one launched by Playwright."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
MISSING = "Debian's Chromium is not installed (make setup installs it)"


@contextlib.contextmanager
def launched_chromium() -> Iterator[Browser]:
    """Yield Debian's Chromium driven by Playwright (which downloads no browser of its own)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield browser
        finally:
            browser.close()

"""The EPUB as a reader sees it: Debian's Chromium at phone width, in light and dark schemes.

Chromium lays out the book's XHTML and CSS as Blink-based reading systems do (Google
Play Books, Thorium, Readium). Screenshots go to test-artifacts/epub/.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from exporter.colours import contrast, parse
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers.epub import write_epub
from tests.articles import french_article
from tests.chromium import CHROMIUM, MISSING, launched_chromium

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "epub"
PHONE = {"width": 390, "height": 844}
GROUNDS = {"light": (255, 255, 255), "dark": (18, 18, 18)}
"""The canvas Chromium paints under `color-scheme: light dark` in each scheme."""
COLOURED = {
    "wordmark": ".wordmark",
    "kicker": ".kicker",
    "subhead": ".body h2",
    "note call": "a.note-ref",
    "backlink": "a[role=doc-backlink]",
}

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The French edition's EPUB (notes, a table, a cover), unpacked."""
    folder = tmp_path_factory.mktemp("epub-browser")
    context = RenderContext(find_layout(None), folder)
    with zipfile.ZipFile(io.BytesIO(write_epub(french_article(), context))) as archive:
        archive.extractall(folder)
    return folder / "EPUB"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


def rgb(css: str) -> tuple[int, int, int]:
    """Return Chromium's computed `rgb(r, g, b)` as channels."""
    found = parse(css)
    assert found is not None, css
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_book_reads_at_phone_width_by_day_and_night(
    book: Path, browser: Browser, scheme: str
) -> None:
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto((book / "content.xhtml").as_uri())
        page.screenshot(path=ARTIFACTS / f"content-{scheme}.png", full_page=True)
        ground = page.evaluate("getComputedStyle(document.documentElement).colorScheme")
        assert ground == "light dark"
        # Body text keeps the reading system's colour: Chromium's for the scheme.
        text = rgb(page.eval_on_selector(".body p", "p => getComputedStyle(p).color"))
        assert contrast(text, GROUNDS[scheme]) > 15
        for name, selector in COLOURED.items():
            colour = page.eval_on_selector(selector, "e => getComputedStyle(e).color")
            ratio = contrast(rgb(colour), GROUNDS[scheme])
            assert ratio >= 4.5, f"{name} {colour}: {ratio:.2f}:1 ({scheme})"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways"

        page.goto((book / "cover.xhtml").as_uri())
        page.screenshot(path=ARTIFACTS / f"cover-{scheme}.png")
        shown = page.eval_on_selector(
            "img", "i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width]"
        )
        assert shown[0] and shown[1] == 1600 and shown[2] <= PHONE["width"]
    finally:
        context.close()

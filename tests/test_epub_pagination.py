"""Long and wide tables in an EPUB paginated as reading systems paginate: no row lost.

Two articles, one with two tables of 40 rows (4 and 6 columns) and one with two tables
of 7 columns (3 and 8 rows), are rendered in Debian's Chromium at a phone's size
(390 x 844) and a tablet's (820 x 1180), at 100% and 200% type, three ways: under
Readium CSS in its paginated view (CSS columns on the root, type size as `zoom`), under
Readium CSS scrolled, and in plain CSS columns one screen wide (as epub.js and others
paginate; type size as the root's font size). In each, every table row lies wholly on
one page (one box, within one column's width and height), every row is shown, a table's
header row is repeated on each page it spans, no cell's text is cut, and on a phone no
table scrolls sideways. Screenshots of the pages that hold table rows (side by side;
scrolled: the whole view) go to test-artifacts/epub-pagination/.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image
from playwright.sync_api import Browser, Page

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.epub import write_epub
from tests.chromium import launched_chromium
from tests.test_epub_readium import READIUM_MARKS, with_readium_css

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BOOKS = {"long-table": "long-table-article.md", "wide-table": "wide-table-article.md"}
ARTIFACTS = ROOT / "test-artifacts" / "epub-pagination"
PROBE = (Path(__file__).parent / "pagination.js").read_text(encoding="utf-8")
SCREENS = {"phone": {"width": 390, "height": 844}, "tablet": {"width": 820, "height": 1180}}
SIZES = ["100%", "200%"]
VIEWS = ["readium-paged", "readium-scrolled", "columns"]
SHOWN_PAGES = 6
COLUMNS = """<style>
html {{ height: 100vh; margin: 0; padding: 0; column-width: 100vw; column-gap: 0;
  column-fill: auto; font-size: {size}; }}
body {{ margin: 0; padding: 0 1em; }}
</style>"""
"""A reading system's pagination without Readium CSS: one column per screen."""

pytestmark = READIUM_MARKS


@pytest.fixture(scope="module", params=list(BOOKS))
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book's chapter unpacked beside its stylesheet and fonts."""
    name: str = request.param
    source = FIXTURES / BOOKS[name]
    folder = tmp_path_factory.mktemp(f"pagination-{name}")
    article = load(source)
    context = RenderContext(find_layout(None, article.series), source.parent)
    with zipfile.ZipFile(io.BytesIO(write_epub(article, context))) as archive:
        archive.extractall(folder)
    chapter = folder / "EPUB" / "content.xhtml"
    return chapter.rename(chapter.with_name(f"{name}.xhtml"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


def body_rows(chapter: Path) -> int:
    """Return how many body rows the chapter's tables have."""
    root = etree.parse(chapter)
    return len(root.xpath("//*[local-name()='tbody']/*[local-name()='tr']"))


def pages_side_by_side(page: Page, numbers: list[int], width: int, path: Path) -> None:
    """Write a screenshot of some of a paginated view's pages, side by side."""
    shots = []
    for number in numbers:
        page.evaluate(f"window.scrollTo({number * width}, 0)")
        shots.append(Image.open(io.BytesIO(page.screenshot())))
    strip = Image.new("RGB", (sum(s.width + 8 for s in shots), shots[0].height), "grey")
    for i, shot in enumerate(shots):
        strip.paste(shot, (i * (shot.width + 8), 0))
    strip.save(path)


def as_viewed(chapter: Path, view: str, size: str) -> Path:
    """Write the chapter as a reading system shows it in `view`; return its path."""
    xhtml = chapter.read_text(encoding="utf-8")
    if view == "columns":
        xhtml = xhtml.replace("</head>", COLUMNS.format(size=size) + "</head>", 1)
    else:
        xhtml = with_readium_css(xhtml, chapter.parent)
    viewed = chapter.with_name(f"{chapter.stem}-{view}-{size.rstrip('%')}.xhtml")
    viewed.write_text(xhtml, encoding="utf-8")
    return viewed


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("view", VIEWS)
def test_every_table_row_lies_on_one_page_whole(
    book: Path, browser: Browser, view: str, screen: str, size: str
) -> None:
    viewport = SCREENS[screen]
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(as_viewed(book, view, size).as_uri())
        if view.startswith("readium"):
            settings = {"--USER__fontSize": size, "--RS__pageGutter": "16px"}
            if view == "readium-scrolled":
                settings["--USER__view"] = "readium-scroll-on"
            else:  # the pages beside the first, for the screenshot; the layout is the same
                settings["--RS__disableOverflow"] = "readium-noOverflow-on"
            page.evaluate(
                "s => { for (const [k, v] of Object.entries(s))"
                " document.documentElement.style.setProperty(k, v); }",
                settings,
            )
        page.evaluate("document.fonts.ready")
        paginated = view != "readium-scrolled"
        pages = {
            "width": viewport["width"] if paginated else page.evaluate("innerWidth"),
            "height": viewport["height"] if paginated else 0,
        }
        found: dict[str, Any] = page.evaluate(PROBE, pages)
        shot = ARTIFACTS / f"{book.stem}-{view}-{screen}-{size.rstrip('%')}.png"
        if paginated:
            pages_side_by_side(page, found["pages"][:SHOWN_PAGES], viewport["width"], shot)
        else:
            page.screenshot(path=shot, full_page=True)
        where = f"({view}, {screen}, {size})"
        assert found["lost"] == [], f"rows not shown {where}: {found['lost']}"
        assert found["split"] == [], f"rows across pages {where}: {found['split']}"
        assert found["clipped"] == [], f"cells cut {where}: {found['clipped']}"
        assert found["bodyRows"] == body_rows(book), f"rows missing {where}"
        if paginated:
            assert found["unheaded"] == [], f"header row not repeated {where}"
        if screen == "phone":
            assert found["scrolling"] == [], f"tables scroll sideways {where}"
    finally:
        context.close()

"""The EPUB under Readium CSS, the reading system stylesheets of Thorium and others.

The chapter's XHTML is rendered in Debian's Chromium at phone width with Readium CSS
linked as a reading system links it (ReadiumCSS-before.css ahead of our stylesheet,
ReadiumCSS-after.css behind it; our book has styles, so no -default.css), in scroll
view, with the user's theme (day, night, sepia) and type size (100%, 200%) set as
custom properties on the root element. Screenshots go to test-artifacts/epub-readium/.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.epub import write_epub
from tests.articles import T, french_article
from tests.chromium import CHROMIUM, MISSING, launched_chromium

ROOT = Path(__file__).resolve().parent.parent
READIUM_CSS = ROOT / ".readium" / "node_modules" / "@readium" / "css" / "css" / "dist"
ARTIFACTS = ROOT / "test-artifacts" / "epub-readium"
PROBE = (Path(__file__).parent / "readium.js").read_text(encoding="utf-8")
PHONE = {"width": 375, "height": 812}
THEMES: dict[str, dict[str, str]] = {
    "day": {},
    # The day theme on a device in dark mode: the book's `prefers-color-scheme: dark`
    # applies while the reading system keeps its page white.
    "day-on-dark-device": {},
    # Readium's night and sepia themes; a theme sets at least these two, links optional.
    "night": {"--USER__backgroundColor": "#000000", "--USER__textColor": "#FEFEFE"},
    "sepia": {"--USER__backgroundColor": "#faf4e8", "--USER__textColor": "#121212"},
}
SIZES = ["100%", "200%"]
CANVAS = {"light": [255, 255, 255, 1], "dark": [18, 18, 18, 1]}
"""The canvas Chromium paints in each scheme under `color-scheme: light dark`."""

READIUM_MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=MISSING),
    pytest.mark.skipif(
        not (READIUM_CSS / "ReadiumCSS-before.css").exists(),
        reason="Readium CSS is not installed (make setup installs it)",
    ),
]
"""Slow, and skipped where Chromium or Readium CSS is missing."""
pytestmark = READIUM_MARKS


def with_readium_css(xhtml: str, folder: Path) -> str:
    """Return a chapter with Readium CSS linked around its own stylesheets."""
    before = (READIUM_CSS / "ReadiumCSS-before.css").as_uri()
    after = (READIUM_CSS / "ReadiumCSS-after.css").as_uri()
    head = re.search(r"<head[^>]*>", xhtml)
    assert head, "the chapter has no head"
    xhtml = (
        xhtml[: head.end()]
        + f'<link rel="stylesheet" type="text/css" href="{before}"/>'
        + xhtml[head.end() :]
    )
    return xhtml.replace(
        "</head>", f'<link rel="stylesheet" type="text/css" href="{after}"/></head>', 1
    )


def long_table_article() -> model.Article:
    """The French edition with a table of 40 rows and 6 columns, as a statistics annex."""
    head = ("Année", "Débit moyen (m³/s)", "Étiage", "Crue", "Barrages en service", "Notes")
    rows = tuple(
        model.TableRow(
            tuple(
                model.TableCell((T(text),))
                for text in (
                    str(1984 + n),
                    f"{8200 - 37 * n}",
                    f"{1900 - n}",
                    f"{41000 + n}",
                    str(n),
                    "relevé de la station de Kratie",
                )
            )
        )
        for n in range(40)
    )
    table = model.Table(
        head=(model.TableRow(tuple(model.TableCell((T(text),)) for text in head)),),
        body=rows,
        caption=(T("Débit du Mékong à Kratie, quarante ans de relevés annuels"),),
    )
    article = french_article()
    return dataclasses.replace(article, body=(*article.body, table))


@pytest.fixture(scope="module", params=["french", "rich", "long-table"])
def chapter(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A book's chapter, unpacked beside its stylesheet and fonts, with Readium CSS linked."""
    name: str = request.param
    folder = tmp_path_factory.mktemp(f"readium-{name}")
    if name == "rich":
        source = ROOT / "tests" / "fixtures" / "rich-article.md"
        article = load(source)
        context = RenderContext(find_layout(None, article.series), source.parent)
    elif name == "long-table":
        article = long_table_article()
        context = RenderContext(find_layout(None), folder)
    else:  # notes and a table
        article = french_article()
        context = RenderContext(find_layout(None), folder)
    with zipfile.ZipFile(io.BytesIO(write_epub(article, context))) as archive:
        archive.extractall(folder)
    own = folder / "EPUB" / "content.xhtml"
    linked = own.with_name(f"{name}-readium.xhtml")
    linked.write_text(with_readium_css(own.read_text(encoding="utf-8"), folder), encoding="utf-8")
    return linked


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("theme", list(THEMES))
def test_the_chapter_reads_under_readium_css(
    chapter: Path, browser: Browser, theme: str, size: str
) -> None:
    scheme = "dark" if theme == "day-on-dark-device" else "light"
    context = browser.new_context(viewport=PHONE, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(chapter.as_uri())
        settings = {"--USER__view": "readium-scroll-on", "--USER__fontSize": size}
        settings.update(THEMES[theme])
        page.evaluate(
            "s => { for (const [k, v] of Object.entries(s))"
            " document.documentElement.style.setProperty(k, v); }",
            settings,
        )
        page.evaluate("document.fonts.ready")
        book = chapter.stem.removesuffix("-readium")
        page.screenshot(path=ARTIFACTS / f"{book}-{theme}-{size.rstrip('%')}.png", full_page=True)
        found: dict[str, Any] = page.evaluate(PROBE, CANVAS[scheme])
        assert found["lowContrast"] == [], (
            f"text below 4.5:1 ({theme}, {size}): {found['lowContrast']}"
        )
        assert found["clipped"] == [], f"clipped ({theme}, {size}): {found['clipped']}"
        assert found["overflow"] == [], f"overflows the page ({theme}, {size}): {found['overflow']}"
        assert found["notes"] == [], f"notes out of reach ({theme}, {size}): {found['notes']}"
    finally:
        context.close()

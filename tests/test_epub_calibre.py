"""The EPUB through calibre, the Kindle route: EPUB to AZW3 and back, and what survives.

Each book is converted with calibre's `ebook-convert` to AZW3 and back to EPUB; the
round-tripped EPUB must keep the cover, every note linked from its reference, the
tables (every row) and the figures. What calibre keeps of the page list is written to
test-artifacts/epub-calibre/<book>.json (calibre 6 drops it: AZW3 has no page list).
The AZW3's own text, as `calibre-debug --inspect-mobi` unpacks it, is rendered in
Debian's Chromium at a phone's size: its first screen holds the whole opening, and its
tables, paginated in CSS columns, keep every row whole on one page (screenshots beside
the JSON).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from playwright.sync_api import Browser

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.epub import write_epub
from tests.articles import T, french_article, para
from tests.chromium import CHROMIUM, MISSING, launched_chromium
from tests.css_colours import THEME_PAGES, declarations, faint_text

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "epub-calibre"
SOURCES = {
    "example": ROOT / "examples" / "japan-rok-relations.md",
    "rich": ROOT / "tests" / "fixtures" / "rich-article.md",
    # A title calibre takes for a chapter's ("Part of ..."), two tables of 7 columns.
    "wide-table": ROOT / "tests" / "fixtures" / "wide-table-article.md",
    "long-table": ROOT / "tests" / "fixtures" / "long-table-article.md",
}
PHONE = {"width": 390, "height": 844}
PAGINATION_PROBE = (Path(__file__).parent / "pagination.js").read_text(encoding="utf-8")
COLUMNS = (
    "<style>html { height: 100vh; margin: 0; column-width: 100vw; column-gap: 0;"
    " column-fill: auto; } body { margin: 0; padding: 0 1em; }</style>"
)
"""A reading system's pagination: one column per screen."""
JAPANESE = ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ja.md"
EMPHASISED = "傍点付き"
CALIBRE_ENVIRONMENT = {
    # calibre's Qt WebEngine refuses to start as root without this, and there is no display.
    "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
    "QT_QPA_PLATFORM": "offscreen",
}
ERROR_LINE = re.compile(r"^.*\bERROR\b.*$", re.MULTILINE)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("ebook-convert") is None or shutil.which("ebook-meta") is None,
        reason="calibre is not installed (Debian: apt-get install calibre)",
    ),
]


@dataclass
class Book:
    """One book's EPUB, its round trip through AZW3, and calibre's output on the way."""

    name: str
    original: Path
    azw3: Path
    back: Path
    log: str


def calibre(*arguments: str | Path) -> str:
    """Run a calibre command; return its output (stdout and stderr), failing on exit."""
    run = subprocess.run(
        [str(a) for a in arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, **CALIBRE_ENVIRONMENT},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"{arguments[0]} failed:\n{output}"
    return output


def documents(epub: Path) -> dict[str, etree._Element]:
    """Return the (X)HTML documents of an EPUB by their path in the zip."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    with zipfile.ZipFile(epub) as archive:
        return {
            name: etree.fromstring(archive.read(name), parser)
            for name in archive.namelist()
            if name.endswith((".xhtml", ".html", ".htm"))
        }


def text_of(element: etree._Element) -> str:
    """Return an element's text, whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def elements(root: etree._Element, name: str) -> list[etree._Element]:
    """Return the elements of a local name under an element, whatever their namespace."""
    return list(root.xpath(f".//*[local-name()='{name}']"))


def notes(epub: Path) -> dict[str, tuple[str, str]]:
    """Return each footnote of an EPUB by id: the file it is in and its text."""
    found = {}
    for name, root in documents(epub).items():
        for note in root.xpath("//*[@role='doc-footnote'][@id]"):
            found[note.get("id")] = (name, text_of(note))
    return found


def note_links(epub: Path) -> dict[str, str]:
    """Return each note reference's target, a path in the zip with its fragment."""
    links = {}
    for name, root in documents(epub).items():
        for ref in root.xpath("//*[@role='doc-noteref'][@href]"):
            href = ref.get("href")
            path, _, fragment = href.partition("#")
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            )
            links[fragment] = f"{target}#{fragment}"
    return links


def tables(epub: Path) -> list[list[list[str]]]:
    """Return the tables of an EPUB's documents as rows of cell texts, in reading order."""
    found = []
    for root in documents(epub).values():
        for table in elements(root, "table"):
            rows = [
                [text_of(cell) for cell in row.xpath("*[local-name()='th' or local-name()='td']")]
                for row in table.xpath(".//*[local-name()='tr']")
            ]
            found.append(rows)
    return found


def page_targets(epub: Path) -> list[str]:
    """Return the page numbers of an EPUB's page list: the nav's, else the NCX's."""
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        for name in names:
            if name.endswith(".xhtml"):
                root = etree.fromstring(archive.read(name))
                for nav in elements(root, "nav"):
                    kinds = [v for k, v in nav.attrib.items() if str(k).endswith("type")]
                    if "page-list" in " ".join(kinds).split():
                        return [text_of(a) for a in elements(nav, "a")]
        for name in names:
            if name.endswith(".ncx"):
                root = etree.fromstring(archive.read(name))
                return [text_of(t) for t in elements(root, "pageTarget")]
    return []


@pytest.fixture(
    scope="module", params=["example", "rich", "french", "japanese", "wide-table", "long-table"]
)
def book(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Book:
    """A book converted to AZW3 and back to EPUB."""
    name: str = request.param
    folder = tmp_path_factory.mktemp(f"calibre-{name}")
    if name in SOURCES:
        article = load(SOURCES[name])
        context = RenderContext(find_layout(None, article.series), SOURCES[name].parent)
    elif name == "japanese":  # with an emphasis, which Japanese marks with sesame dots
        source = JAPANESE
        article = load(source)
        article = dataclasses.replace(
            article, body=(*article.body, para("強調は", model.Emphasis((T(EMPHASISED),)), "。"))
        )
        context = RenderContext(find_layout(None, article.series), source.parent)
    else:  # a French edition: the only fixture with a table
        article = french_article()
        context = RenderContext(find_layout(None), folder)
    original = folder / f"{name}.epub"
    original.write_bytes(write_epub(article, context))
    azw3 = folder / f"{name}.azw3"
    back = folder / f"{name}-back.epub"
    log = calibre("ebook-convert", original, azw3) + calibre("ebook-convert", azw3, back)
    return Book(name, original, azw3, back, log)


def test_conversion_reports_no_errors(book: Book) -> None:
    assert ERROR_LINE.findall(book.log) == []


def test_cover_survives(book: Book) -> None:
    for converted in (book.azw3, book.back):
        cover = converted.parent / f"{converted.stem}-{converted.suffix[1:]}-cover.png"
        calibre("ebook-meta", converted, f"--get-cover={cover}")
        assert cover.exists(), f"no cover in {converted.name}"
        with Image.open(cover) as image, zipfile.ZipFile(book.original) as archive:
            original = Image.open(io.BytesIO(archive.read("EPUB/images/cover.png")))
            assert abs(image.width / image.height - original.width / original.height) < 0.01


def test_every_note_keeps_its_text_and_its_link(book: Book) -> None:
    before, after = notes(book.original), notes(book.back)
    if not before:
        pytest.skip(f"the {book.name} book has no notes")
    links = note_links(book.back)
    for ident, (_, text) in before.items():
        assert ident in after, f"note {ident} is lost"
        file, kept = after[ident]
        # The backlink's number may change its form ("1" to "1."): compare the note's words.
        assert text.lstrip("0123456789.↩ ") in kept, f"note {ident}: {kept!r}"
        assert links.get(ident) == f"{file}#{ident}", f"no reference links to note {ident}"


def test_tables_stay_tables_with_their_cells(book: Book) -> None:
    before = tables(book.original)
    assert before or book.name != "french", "the French edition's table is missing"
    assert tables(book.back) == before


def test_figures_keep_their_images_and_text_alternatives(book: Book) -> None:
    def alternatives(epub: Path) -> list[str]:
        return [
            str(img.get("alt"))
            for root in documents(epub).values()
            for img in elements(root, "img")
            if img.get("role") != "doc-cover"
        ]

    kept = alternatives(book.back)
    for alt in alternatives(book.original):
        if "cover" not in alt.lower():
            assert alt in kept


def inspected(book: Book) -> Path:
    """Return the folder where `calibre-debug --inspect-mobi` unpacks the AZW3 (once)."""
    folder = book.azw3.parent / f"inspected-{book.name}"
    if not folder.exists():
        folder.mkdir()
        run = subprocess.run(
            ["calibre-debug", "--inspect-mobi", str(book.azw3)],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            cwd=folder,
            env={**os.environ, **CALIBRE_ENVIRONMENT},
        )
        assert run.returncode == 0, run.stdout + run.stderr
    (unpacked,) = folder.glob("decompiled_*")
    return unpacked


def kindle_text(book: Book, holding: str) -> Path:
    """Return the AZW3's first text file holding `holding`, its stylesheets linked as files
    (the fonts stay unresolved: the system's fonts of the same names stand in)."""
    unpacked = inspected(book)
    for part in sorted((unpacked / "files").glob("*.html")):
        html = part.read_text(encoding="utf-8")
        if holding in html:
            html = re.sub(r"kindle:flow:(\d+)\?mime=text/css", r"../flows/flow\1.css", html)
            for flow in (unpacked / "flows").glob("*.txt"):
                flow.with_suffix(".css").write_bytes(flow.read_bytes())
            shown = part.with_name(f"{part.stem}-shown.html")
            shown.write_text(html, encoding="utf-8")
            return shown
    raise AssertionError(f"no text of the AZW3 holds {holding!r}")


def kindle_stylesheets(book: Book) -> dict[str, str]:
    """Return the CSS of the AZW3 as `calibre-debug --inspect-mobi` unpacks it: the
    stylesheet flows the book's pages link and each `style` attribute of their text (as a
    rule of its own)."""
    unpacked = inspected(book)
    found = {}
    for part in sorted((unpacked / "files").glob("*.html")):
        html = part.read_text(encoding="utf-8")
        # The book's navigation is its contents page, not one calibre makes (whose links
        # turn red under a pointer).
        assert 'id="calibre_generated_inline_toc"' not in html
        for flow in re.findall(r"kindle:flow:(\d+)\?mime=text/css", html):
            name = f"flow{flow}.txt"
            found[name] = (unpacked / "flows" / name).read_text(encoding="utf-8")
        for number, style in enumerate(re.findall(r'style="([^"]*)"', html)):
            found[f"{part.name} style= {number}"] = f"x {{{style}}}"
    return found


def test_the_kindle_book_keeps_readable_colours(book: Book) -> None:
    """calibre applies every rule, `prefers-color-scheme` ones too, and keeps no media query:
    what it keeps must read on Kindle's white page, and on its sepia and night ones."""
    sheets = kindle_stylesheets(book)
    assert any("@font-face" in css for css in sheets.values()), "no stylesheet found"
    for where, css in sheets.items():
        assert faint_text(css, THEME_PAGES) == [], where
    folder = next((book.azw3.parent / f"inspected-{book.name}").glob("decompiled_*"))
    for flow in (folder / "flows").glob("*.txt"):
        text = flow.read_text(encoding="utf-8", errors="replace")
        if not text.lstrip().startswith("<"):  # every stylesheet, linked or not
            assert faint_text(text, THEME_PAGES) == [], flow.name


def test_what_becomes_of_the_page_list(book: Book) -> None:
    """The page list is reported, not required: AZW3 has none, so calibre drops it, but the
    page break markers in the text must survive, so that a page list can be rebuilt."""
    before, after = page_targets(book.original), page_targets(book.back)
    markers_before = sum(
        len(r.xpath("//*[@role='doc-pagebreak']")) for r in documents(book.original).values()
    )
    markers_after = sum(
        len(r.xpath("//*[@role='doc-pagebreak']")) for r in documents(book.back).values()
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = {
        "page list before": before,
        "page list after": after,
        "page break markers before": markers_before,
        "page break markers after": markers_after,
    }
    (ARTIFACTS / f"{book.name}.json").write_text(json.dumps(report, indent=2) + "\n")
    assert markers_after == markers_before
    assert after in ([], before)


def test_cjk_emphasis_keeps_its_dots_on_the_kindle_route(book: Book) -> None:
    """calibre drops `@supports` blocks: the sesame dots must be in rules it keeps."""
    if book.name != "japanese":
        pytest.skip("only the Japanese book has sesame dots")
    sheets = kindle_stylesheets(book)
    folder = next((book.azw3.parent / f"inspected-{book.name}").glob("decompiled_*"))
    text = "".join(p.read_text(encoding="utf-8") for p in (folder / "files").glob("*.html"))
    (classes,) = re.findall(rf'<[a-z]+ class="([^"]*)"[^>]*>{EMPHASISED}<', text)
    css = "".join(sheets.values())
    rules = [
        d
        for d in declarations(css)
        if any(f".{c}" in selector for c in classes.split() for selector in d.selectors)
    ]
    assert {"text-emphasis-style", "-webkit-text-emphasis-style"} & {d.name for d in rules}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(MISSING)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with launched_chromium() as chromium:
        yield chromium


def test_the_first_kindle_screen_holds_the_whole_opening(book: Book, browser: Browser) -> None:
    """calibre puts a page break before a title it takes for a chapter's ("Part of ..."):
    the book's stylesheet outweighs it, so the masthead, issue line, kicker and title
    open the same text, within the first screen."""
    text = kindle_text(book, 'class="masthead"')
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    try:
        page.goto(text.as_uri())
        page.evaluate("document.fonts.ready")
        page.screenshot(path=ARTIFACTS / f"{book.name}-kindle-first-screen.png")
        bottoms = page.evaluate(
            "[...document.querySelectorAll('.masthead, .issue-line, .kicker, h1')]"
            ".map(e => [e.tagName, e.getBoundingClientRect().bottom])"
        )
        assert [name for name, _ in bottoms][-1] == "H1", f"not together: {bottoms}"
        assert all(0 < bottom <= PHONE["height"] for _, bottom in bottoms), bottoms
    finally:
        page.close()


def test_the_kindle_books_tables_keep_every_row_whole_on_a_page(
    book: Book, browser: Browser
) -> None:
    if not tables(book.original):
        pytest.skip(f"the {book.name} book has no table")
    text = kindle_text(book, "<table")
    html = text.read_text(encoding="utf-8").replace("</head>", COLUMNS + "</head>", 1)
    text.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport=PHONE)  # type: ignore[arg-type]
    try:
        page.goto(text.as_uri())
        page.evaluate("document.fonts.ready")
        found = page.evaluate(PAGINATION_PROBE, PHONE)
        rows = len(etree.parse(text, etree.HTMLParser()).xpath("//tbody/tr"))
        assert found["lost"] == [], found["lost"]
        assert found["split"] == [], found["split"]
        assert found["clipped"] == [], found["clipped"]
        assert found["scrolling"] == [], "a Kindle scrolls no box sideways"
        assert found["bodyRows"] == rows
    finally:
        page.close()

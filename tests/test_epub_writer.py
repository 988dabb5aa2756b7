"""Tests of the EPUB writer, from model fixtures: validity, metadata, content, navigation."""

from __future__ import annotations

import dataclasses
import datetime
import io
import json
import re
import socket
import struct
import subprocess
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from copy import deepcopy
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

import exporter
from exporter import model, walk
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers import get_writer
from exporter.writers.epub import build_moment, write_epub
from exporter.writers.epub.cover import TITLE_LINES, TITLE_SIZES, lay_out_cover
from tests.articles import T, french_article, generated_article, para, rich_article
from tests.css_colours import THEME_PAGES, declarations, faint, faint_text
from tests.tools import assert_in_order, epubcheck_problems, normalise

REPOSITORY = Path(__file__).resolve().parent.parent
SEED_EXAMPLE = REPOSITORY / "examples" / "japan-rok-relations.md"
NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    """Return a small, valid, grey PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def context_for(folder: Path) -> RenderContext:
    """Return the bundled layout's render context for an article in `folder`."""
    return RenderContext(layout=find_layout(None), source_dir=folder)


@dataclasses.dataclass
class Built:
    """An EPUB built for a test, and the parts tests look at."""

    article: model.Article
    path: Path
    data: bytes

    def read(self, name: str) -> bytes:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return archive.read(name)

    def names(self) -> list[str]:
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return archive.namelist()

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.read(name))

    def opf(self) -> etree._Element:
        container = self.xml("META-INF/container.xml")
        return self.xml(str(container.xpath("//c:rootfile/@full-path", namespaces=NS)[0]))

    def content(self) -> etree._Element:
        return self.xml("EPUB/content.xhtml")

    def nav(self) -> etree._Element:
        return self.xml("EPUB/nav.xhtml")


def figure_article(src: str) -> model.Article:
    """Return a short article with one figure whose image is `src`."""
    return model.Article(
        title="A Chart of Rainfall",
        number=613,
        date=datetime.date(2023, 4, 1),
        body=(
            para("Rainfall fell by a third."),
            model.Figure(src, "Bar chart of rainfall, 2019 to 2023", (T("Rainfall by year."),)),
            para("The trend is clear."),
        ),
    )


def minimal_article() -> model.Article:
    """Return an article with only a title and one paragraph: no number, date or authors."""
    return model.Article(title="Only a Title", body=(para("One paragraph and nothing else."),))


def build(article: model.Article, folder: Path, name: str) -> Built:
    """Write the EPUB of an article to `folder/name.epub`."""
    data = write_epub(article, context_for(folder))
    path = folder / f"{name}.epub"
    path.write_bytes(data)
    return Built(article, path, data)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Build the sample EPUBs once for the whole module."""
    folder = tmp_path_factory.mktemp("epub")
    (folder / "chart.png").write_bytes(png_bytes())
    return {
        "rich": build(rich_article(), folder, "rich"),
        "generated": build(generated_article(1500, seed=3), folder, "generated"),
        "figure": build(figure_article("chart.png"), folder, "figure"),
        "minimal": build(minimal_article(), folder, "minimal"),
        "french": build(french_article(), folder, "french"),
        # German: a language the series has no texts in, so they print in English.
        "german": build(dataclasses.replace(french_article(), lang="de"), folder, "german"),
    }


@pytest.fixture(scope="module")
def epubcheck_reports(built: dict[str, Built]) -> dict[str, list[str]]:
    """Run epubcheck on the samples two at a time: each run is a JVM start of several seconds."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = pool.map(epubcheck_problems, [b.path for b in built.values()])
        return dict(zip(built, reports, strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rich", "generated", "figure", "minimal", "french"])
def test_epubcheck_finds_no_errors_or_warnings(
    epubcheck_reports: dict[str, list[str]], name: str
) -> None:
    assert epubcheck_reports[name] == []


def test_registry_finds_the_writer() -> None:
    assert get_writer("epub") is write_epub


def test_package_metadata(built: dict[str, Built]) -> None:
    opf = built["rich"].opf()
    article = built["rich"].article

    def texts(path: str) -> list[str]:
        return [str(t) for t in opf.xpath(f"//opf:metadata/{path}/text()", namespaces=NS)]

    assert texts("dc:language") == ["en"]
    assert texts("dc:title") == [article.title]
    assert texts("dc:creator") == ["Nguyễn Thị Lan", "Kenji Ōtani"]
    assert texts("dc:date") == ["2023-03-09"]
    assert texts("dc:subject") == ["Mekong", "water security", "Japan"]
    assert texts("dc:description") == [article.summary]
    assert texts("dc:publisher") == ["East-West Center in Washington"]
    assert texts("opf:meta[@property='dcterms:modified']") == ["2023-03-09T00:00:00Z"]
    assert "none" in texts("opf:meta[@property='schema:accessibilityHazard']")
    assert "textual" in texts("opf:meta[@property='schema:accessMode']")
    unique = opf.get("unique-identifier")
    (identifier,) = texts(f"dc:identifier[@id='{unique}']")
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", identifier)


@pytest.mark.parametrize("name", ["rich", "minimal"])
def test_the_series_is_a_collection_numbered_or_not(built: dict[str, Built], name: str) -> None:
    opf = built[name].opf()
    number = built[name].article.number

    def texts(path: str) -> list[str]:
        return [str(t) for t in opf.xpath(f"//opf:metadata/{path}/text()", namespaces=NS)]

    series = find_layout(None).series.name
    (collection,) = opf.xpath("//opf:meta[@property='belongs-to-collection']", namespaces=NS)
    assert collection.text == series
    refines = f"opf:meta[@refines='#{collection.get('id')}']"
    assert texts(f"{refines}[@property='collection-type']") == ["series"]
    position = texts(f"{refines}[@property='group-position']")
    assert position == ([] if number is None else [str(number)])


def identifier_of(data: bytes) -> str:
    opf = Built(minimal_article(), Path(), data).opf()
    unique = opf.get("unique-identifier")
    return str(opf.xpath(f"//dc:identifier[@id='{unique}']/text()", namespaces=NS)[0])


def test_identifier_is_stable_and_follows_series_and_number(tmp_path: Path) -> None:
    context = context_for(tmp_path)
    first = identifier_of(write_epub(rich_article(), context))
    retitled = dataclasses.replace(rich_article(), title="Another Title")
    assert identifier_of(write_epub(retitled, context)) == first
    renumbered = dataclasses.replace(rich_article(), number=613)
    assert identifier_of(write_epub(renumbered, context)) != first
    unnumbered = dataclasses.replace(rich_article(), number=None)
    assert identifier_of(write_epub(unnumbered, context)) != first
    assert identifier_of(write_epub(minimal_article(), context)) == identifier_of(
        write_epub(minimal_article(), context)
    )


def test_builds_are_byte_identical(built: dict[str, Built], tmp_path: Path) -> None:
    assert write_epub(rich_article(), context_for(tmp_path)) == built["rich"].data


def test_zip_layout_is_fixed(built: dict[str, Built]) -> None:
    with zipfile.ZipFile(io.BytesIO(built["rich"].data)) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype"
    assert infos[0].compress_type == zipfile.ZIP_STORED
    assert built["rich"].data[30:38] == b"mimetype"  # no extra field before the name
    assert built["rich"].read("mimetype") == b"application/epub+zip"
    assert {info.date_time for info in infos} == {(2023, 3, 9, 0, 0, 0)}


def test_apple_books_is_told_to_use_the_embedded_fonts(built: dict[str, Built]) -> None:
    names = built["rich"].names()
    assert names[1:3] == ["META-INF/container.xml", "META-INF/com.apple.ibooks.display-options.xml"]
    options = built["rich"].xml("META-INF/com.apple.ibooks.display-options.xml")
    (platform,) = options.xpath("/display_options/platform")
    assert platform.get("name") == "*"
    assert platform.xpath("option[@name='specified-fonts']/text()") == ["true"]


def test_source_date_epoch_fixes_the_time_of_an_undated_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = write_epub(minimal_article(), context_for(tmp_path))
    opf = Built(minimal_article(), tmp_path, data).opf()
    modified = opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert modified == ["2023-11-14T22:13:20Z"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert write_epub(minimal_article(), context_for(tmp_path)) == data


def text_of(element: etree._Element) -> str:
    """Return the text of an element as a reader reads it, without the note call numbers."""
    copy = deepcopy(element)
    for call in copy.xpath(".//h:a[@role='doc-noteref']", namespaces=NS):
        parent = call.getparent()
        previous = call.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + (call.tail or "")
        else:
            parent.text = (parent.text or "") + (call.tail or "")
        parent.remove(call)
    return normalise("".join(str(t) for t in copy.itertext()))


def test_content_document_language(tmp_path: Path) -> None:
    article = dataclasses.replace(minimal_article(), lang="vi")
    data = write_epub(article, context_for(tmp_path))
    built = Built(article, tmp_path, data)
    html = built.content()
    assert html.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert html.get("lang") == "vi"
    assert built.opf().xpath("//dc:language/text()", namespaces=NS) == ["vi"]


def test_parts_are_in_the_print_order(built: dict[str, Built]) -> None:
    article = built["rich"].article
    series = find_layout(None).series
    body = [walk.plain_text([block]) for block in article.body]
    notes = [walk.plain_text(note.content) for note in article.notes]
    assert_in_order(
        text_of(built["rich"].content()),
        [
            "Number 612 | March 9, 2023",
            article.kicker,
            article.title,
            article.subtitle,
            "Nguyễn Thị Lan",
            article.summary,
            *body,
            *notes,
            *(author.bio for author in article.authors),
            series.mission,
            series.statement,
            *series.editors,
            series.disclaimer,
            series.web,
        ],
    )


def test_every_paragraph_appears_in_order(built: dict[str, Built]) -> None:
    article = built["generated"].article
    paragraphs = [b for b in article.body if isinstance(b, model.Paragraph)]
    assert len(paragraphs) > 10
    text = text_of(built["generated"].content().find("h:body", NS))
    assert_in_order(text, [walk.plain_text([p]) for p in paragraphs])


def test_headings_are_in_order(built: dict[str, Built]) -> None:
    html = built["rich"].content()
    headings = [
        (el.tag.rsplit("}", 1)[1], text_of(el))
        for el in html.iter("{*}h1", "{*}h2", "{*}h3", "{*}h4", "{*}h5", "{*}h6")
    ]
    assert headings == [
        ("h1", rich_article().title),
        ("h2", "Upstream dams, downstream doubts"),
        ("h3", "A role for Japan"),
        ("h2", "Notes"),
    ]


def test_summary_is_a_labelled_abstract(built: dict[str, Built]) -> None:
    (summary,) = built["rich"].content().xpath("//h:section[@role='doc-abstract']", namespaces=NS)
    (label,) = summary.xpath(f"//*[@id='{summary.get('aria-labelledby')}']")
    assert text_of(label) == find_layout(None).series.summary_label
    assert label.get("hidden") == "hidden"
    summary.remove(label)
    assert text_of(summary) == normalise(rich_article().summary)


def test_three_footnotes_with_backlinks(built: dict[str, Built]) -> None:
    html = built["rich"].content()
    asides = html.xpath("//h:aside[@epub:type='footnote']", namespaces=NS)
    assert [a.get("id") for a in asides] == ["note-1", "note-2", "note-3"]
    assert all(a.get("role") == "doc-footnote" for a in asides)
    ids = {el.get("id") for el in html.iter()}
    for aside in asides:
        (back,) = aside.xpath(".//h:a[@role='doc-backlink']", namespaces=NS)
        assert back.get("href")[1:] in ids
    calls = html.xpath("//h:a[@epub:type='noteref']/@href", namespaces=NS)
    assert calls == ["#note-1", "#note-2", "#note-3"]


def test_every_internal_link_has_a_target(built: dict[str, Built]) -> None:
    for sample in built.values():
        html = sample.content()
        ids = [el.get("id") for el in html.iter() if el.get("id")]
        assert len(ids) == len(set(ids))
        for href in html.xpath("//h:a/@href", namespaces=NS):
            if href.startswith("#"):
                assert href[1:] in ids


def test_note_without_call_and_note_calling_a_note(tmp_path: Path) -> None:
    article = dataclasses.replace(
        rich_article(),
        notes=(
            *rich_article().notes[:2],
            model.Footnote("n3", (para("See also note", model.NoteRef("n1"), "."),)),
            model.Footnote("orphan", (para("A note nobody calls."),)),
        ),
    )
    html = Built(article, tmp_path, write_epub(article, context_for(tmp_path))).content()
    ids = [el.get("id") for el in html.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    for href in html.xpath("//h:a/@href", namespaces=NS):
        assert not href.startswith("#") or href[1:] in ids
    assert "A note nobody calls." in text_of(html)


def test_navigation_has_toc_and_landmarks(built: dict[str, Built]) -> None:
    nav = built["rich"].nav()
    (toc,) = nav.xpath("//h:nav[@epub:type='toc']", namespaces=NS)
    entries = [(a.get("href"), text_of(a)) for a in toc.iter("{*}a")]
    assert [text for _, text in entries] == [
        rich_article().title,
        "Upstream dams, downstream doubts",
        "A role for Japan",
        "Notes",
    ]
    content_ids = {el.get("id") for el in built["rich"].content().iter()}
    for href, _ in entries:
        page, _, fragment = href.partition("#")
        assert page == "content.xhtml"
        assert fragment in content_ids
    (landmarks,) = nav.xpath("//h:nav[@epub:type='landmarks']", namespaces=NS)
    kinds = {a.get(EPUB_TYPE): a.get("href") for a in landmarks.iter("{*}a")}
    assert kinds["bodymatter"] == "content.xhtml"
    assert "cover" in kinds


def test_cover_is_a_png_declared_as_the_cover_image(built: dict[str, Built]) -> None:
    opf = built["rich"].opf()
    (item,) = opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)
    assert item.get("media-type") == "image/png"
    # EPUB 2's name for it too, which Kindle's converters read.
    assert opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS) == [item.get("id")]
    data = built["rich"].read(f"EPUB/{item.get('href')}")
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.format == "PNG" and picture.size == (1600, 2560)
    assert len(data) < 150_000
    cover_page = built["rich"].xml("EPUB/cover.xhtml")
    (img,) = cover_page.xpath("//h:img", namespaces=NS)
    assert img.get("src") == item.get("href") and img.get("role") == "doc-cover"
    article = rich_article()
    assert img.get("alt") == (
        "Asia Pacific Bulletin. Number 612 | March 9, 2023. Analysis. "
        f"{article.title}. Nguyễn Thị Lan and Kenji Ōtani"
    )
    assert not [n for n in built["rich"].names() if n.endswith(".svg")]


def test_fonts_and_colours_come_from_the_layout(built: dict[str, Built]) -> None:
    layout = find_layout(None)
    names = built["rich"].names()
    css = built["rich"].read("EPUB/styles/epub.css").decode("utf-8")
    manifest = built["rich"].opf().xpath("//opf:item/@href", namespaces=NS)
    assert layout.font_files()
    printed = {ord(c) for c in text_of(built["rich"].content()) if not c.isspace()}
    for font in layout.font_files():
        packed = built["rich"].read(f"EPUB/fonts/{font.name}")
        with TTFont(io.BytesIO(packed)) as cut, TTFont(font) as whole:
            # Cut to what the book prints: every character the font has, and no more.
            assert cut["name"].getDebugName(1) == whole["name"].getDebugName(1)
            kept, offered = set(cut.getBestCmap()), set(whole.getBestCmap())
            assert printed & offered <= kept <= offered
            assert len(kept) < len(offered) / 3
        assert len(packed) < font.stat().st_size / 4
        assert f"fonts/{font.name}" in manifest
        assert f'url("../fonts/{font.name}")' in css
    assert len([n for n in names if n.startswith("EPUB/fonts/")]) == len(layout.font_files())
    assert css.count("@font-face {") == len(layout.font_files())
    assert layout.series.colours["band"] in css
    assert "background-image" not in css


def test_figure_in_the_article_folder_is_packed(built: dict[str, Built]) -> None:
    sample = built["figure"]
    (img,) = sample.content().xpath("//h:figure/h:img", namespaces=NS)
    assert img.get("alt") == "Bar chart of rainfall, 2019 to 2023"
    assert sample.read(f"EPUB/{img.get('src')}") == png_bytes()
    opf = sample.opf()
    item = opf.xpath(f"//opf:item[@href='{img.get('src')}']", namespaces=NS)
    assert item and item[0].get("media-type") == "image/png"
    modes = opf.xpath("//opf:meta[@property='schema:accessMode']/text()", namespaces=NS)
    assert sorted(modes) == ["textual", "visual"]


@pytest.fixture
def listening_port() -> Iterator[tuple[socket.socket, int]]:
    """Yield a local server socket that records whether anybody connected to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.setblocking(False)
    yield server, server.getsockname()[1]
    server.close()


@pytest.mark.parametrize(
    "src",
    ["../secret.png", "/etc/hostname", "http://127.0.0.1:{port}/x.png", "file:///etc/passwd"],
)
def test_figure_outside_the_policy_is_not_packed(
    tmp_path: Path, listening_port: tuple[socket.socket, int], src: str
) -> None:
    server, port = listening_port
    article_folder = tmp_path / "article"
    article_folder.mkdir()
    (tmp_path / "secret.png").write_bytes(png_bytes())
    article = figure_article(src.format(port=port))
    data = write_epub(article, context_for(article_folder))
    sample = Built(article, tmp_path, data)
    with pytest.raises(BlockingIOError):
        server.accept()  # nothing connected: the writer fetched nothing
    html = sample.content()
    assert html.xpath("//h:img", namespaces=NS) == []
    assert_in_order(
        text_of(html),
        [
            "Rainfall fell by a third.",
            "Bar chart of rainfall, 2019 to 2023",
            "Rainfall by year.",
            "The trend is clear.",
        ],
    )
    assert [n for n in sample.names() if n.startswith("EPUB/images/")] == ["EPUB/images/cover.png"]
    assert png_bytes() not in data
    modes = sample.opf().xpath("//opf:meta[@property='schema:accessMode']/text()", namespaces=NS)
    assert modes == ["textual"]


def test_file_that_is_not_an_image_is_not_packed(tmp_path: Path) -> None:
    (tmp_path / "chart.png").write_bytes(b"not a picture at all")
    article = figure_article("chart.png")
    sample = Built(article, tmp_path, write_epub(article, context_for(tmp_path)))
    assert sample.content().xpath("//h:img", namespaces=NS) == []
    assert "Bar chart of rainfall" in text_of(sample.content())


def test_package_declares_its_language_and_the_print_source(built: dict[str, Built]) -> None:
    opf = built["rich"].opf()
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    (source,) = opf.xpath("//dc:source/text()", namespaces=NS)
    assert opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=NS) == [source]
    (identifier,) = opf.xpath("//dc:identifier/text()", namespaces=NS)
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", source) and source != identifier
    features = opf.xpath(
        "//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS
    )
    assert {"pageBreakMarkers", "pageNavigation"} <= set(features)


@pytest.mark.parametrize("name", ["rich", "generated"])
def test_page_list_points_at_the_page_markers(built: dict[str, Built], name: str) -> None:
    (page_list,) = built[name].nav().xpath("//h:nav[@epub:type='page-list']", namespaces=NS)
    links = [(a.get("href"), text_of(a)) for a in page_list.iter("{*}a")]
    assert [label for _, label in links] == ["1", "2"]
    content = built[name].content()
    for href, label in links:
        page, _, fragment = href.partition("#")
        assert page == "content.xhtml"
        (marker,) = content.xpath(f"//*[@id='{fragment}']")
        assert marker.get(EPUB_TYPE) == "pagebreak"
        assert marker.get("role") == "doc-pagebreak"
        assert marker.get("aria-label") == label
    markers = content.xpath("//h:span[@role='doc-pagebreak']", namespaces=NS)
    assert len(markers) == 2
    body = content.find("h:body", NS)
    assert body[0] is markers[0]  # page 1 begins before everything


def test_page_2_of_the_rich_article_begins_with_the_bios(built: dict[str, Built]) -> None:
    # The rich article's body fills page 1; the print layout sets the bios on page 2.
    (marker,) = built["rich"].content().xpath("//*[@id='page-2']")
    following = marker.getnext()
    assert following is not None and following.tag == f"{{{NS['h']}}}p"
    assert text_of(following) == rich_article().authors[0].bio


def test_an_article_too_long_for_print_has_no_page_list(tmp_path: Path) -> None:
    article = generated_article(4000, seed=1)
    sample = Built(article, tmp_path, write_epub(article, context_for(tmp_path)))
    assert sample.nav().xpath("//h:nav[@epub:type='page-list']", namespaces=NS) == []
    assert sample.content().xpath("//*[@role='doc-pagebreak']") == []
    opf = sample.opf()
    assert opf.xpath("//dc:source", namespaces=NS) == []
    features = opf.xpath(
        "//opf:meta[@property='schema:accessibilityFeature']/text()", namespaces=NS
    )
    assert "pageBreakMarkers" not in features
    assert walk.plain_text([article.body[-1]]) in text_of(sample.content())


def ace_report(epub: Path, out: Path) -> dict[str, object]:
    """Run Ace by DAISY (scripts/ace.sh, in Debian's Chromium) and return its JSON report."""
    run = subprocess.run(
        ["bash", str(REPOSITORY / "scripts" / "ace.sh"), "check", str(out), str(epub)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr or run.stdout
    report: dict[str, object] = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return report


def ace_violations(report: dict[str, object]) -> list[str]:
    """Return Ace's violations, one line each: the document, the rule and its impact."""
    found = []
    for document in report["assertions"]:  # type: ignore[attr-defined]
        for assertion in document["assertions"]:
            test = assertion["earl:test"]
            found.append(
                f"{document['earl:testSubject']['url']}: {test['dct:title']} "
                f"({test['earl:impact']}): {test['dct:description']}"
            )
    return found


@pytest.mark.slow
def test_ace_finds_no_violations(built: dict[str, Built], tmp_path: Path) -> None:
    seed_epub = tmp_path / "seed.epub"
    seed_epub.write_bytes(write_epub(exporter.load(SEED_EXAMPLE), context_for(SEED_EXAMPLE.parent)))
    samples = {"rich": built["rich"].path, "seed": seed_epub, "french": built["french"].path}
    started = time.monotonic()
    for name, path in samples.items():
        report = ace_report(path, tmp_path / f"ace-{name}")
        assert ace_violations(report) == [], name
        assert report["earl:result"] == {"earl:outcome": "pass"}, name
        metadata = report["a11y-metadata"]
        assert "schema:accessibilitySummary" in metadata["present"]  # type: ignore[index]
    assert time.monotonic() - started < 120


def with_entry(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """Return a copy of an EPUB with one entry changed, the others as they were."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            entry = source.read(info.filename)
            target.writestr(info, change(entry) if info.filename == name else entry)
    return output.getvalue()


@pytest.mark.slow
def test_ace_reports_an_image_without_alt_text(built: dict[str, Built], tmp_path: Path) -> None:
    # The control of the test above: Ace's browser checks run and would report a fault.
    broken = tmp_path / "no-alt.epub"
    broken.write_bytes(
        with_entry(
            built["rich"].data,
            "EPUB/cover.xhtml",
            lambda xhtml: re.sub(rb' alt="[^"]*"', b"", xhtml),
        )
    )
    violations = ace_violations(ace_report(broken, tmp_path / "ace"))
    assert any("cover.xhtml" in line and "image-alt" in line for line in violations), violations


def test_cover_title_is_as_large_as_fits_and_never_overflows(tmp_path: Path) -> None:
    context = context_for(tmp_path)
    names = (
        "Maria Fernanda Castañeda-Villalobos de la Torre",
        "Nguyễn Thị Lan",
        "Kenji Ōtani",
        "Tupou Mele Fifita Taufaʻahau",
    )
    short = dataclasses.replace(rich_article(), title="Water Diplomacy")
    layout = lay_out_cover(short, context)
    assert layout.fits and layout.title_size == TITLE_SIZES[0]
    assert layout.title_lines == ["Water Diplomacy"]
    medium = lay_out_cover(rich_article(), context)
    assert medium.fits and 1 < len(medium.title_lines) <= TITLE_LINES
    long = dataclasses.replace(
        rich_article(),
        title=" ".join(["Mekong Water Diplomacy and the Politics of Rivers:"] * 4),
        authors=tuple(model.Author(name) for name in names),
    )
    layout = lay_out_cover(long, context)
    assert layout.fits and not layout.cut and layout.title_size < medium.title_size
    assert " ".join(layout.title_lines) == long.title
    endless = dataclasses.replace(rich_article(), title="Unbreakablewordwithoutend " * 60)
    layout = lay_out_cover(endless, context)
    assert layout.fits and layout.cut and layout.title_lines[-1].endswith("…")


def css_rules(css: str) -> list[tuple[str, list[str], dict[str, str]]]:
    """Return the stylesheet's rules as (scheme, selectors, declarations), in order.

    The scheme is "dark" for rules in `@media (prefers-color-scheme: dark)`, else "light".
    """
    import tinycss2

    found: list[tuple[str, list[str], dict[str, str]]] = []

    def collect(rules: list[object], scheme: str) -> None:
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "media":  # type: ignore[attr-defined]
                query = tinycss2.serialize(rule.prelude)  # type: ignore[attr-defined]
                inner = "dark" if "prefers-color-scheme: dark" in query else scheme
                collect(tinycss2.parse_rule_list(rule.content, True, True), inner)  # type: ignore[attr-defined]
            elif rule.type == "qualified-rule":  # type: ignore[attr-defined]
                prelude = tinycss2.serialize(rule.prelude)  # type: ignore[attr-defined]
                selectors = [" ".join(part.split()) for part in prelude.split(",")]
                declarations = {
                    d.lower_name: tinycss2.serialize(d.value).strip()
                    for d in tinycss2.parse_declaration_list(rule.content, True, True)  # type: ignore[attr-defined]
                    if d.type == "declaration"
                }
                found.append((scheme, selectors, declarations))

    collect(tinycss2.parse_stylesheet(css, True, True), "light")
    return found


def stylesheets(book: Built) -> dict[str, str]:
    """Return every piece of CSS in an EPUB by where it is: its stylesheets, the XHTML's
    `<style>` elements and `style` attributes (each as a rule of its own)."""
    found = {}
    for name in book.names():
        if name.endswith(".css"):
            found[name] = book.read(name).decode("utf-8")
        elif name.endswith(".xhtml"):
            root = etree.fromstring(book.read(name))
            for number, style in enumerate(root.xpath("//*[local-name()='style']")):
                found[f"{name} <style> {number}"] = style.text or ""
            for number, element in enumerate(root.xpath("//*[@style]")):
                found[f"{name} style= {number}"] = f"x {{{element.get('style')}}}"
    return found


@pytest.mark.parametrize("name", ["rich", "generated", "figure", "minimal", "french", "german"])
def test_every_text_colour_reads_in_every_theme(built: dict[str, Built], name: str) -> None:
    """Every text colour the book declares, in any rule (a reading system may apply the
    `prefers-color-scheme` ones or not), reads at 4.5:1 on a day, sepia and night page."""
    sheets = stylesheets(built[name])
    assert "EPUB/styles/epub.css" in sheets
    for where, css in sheets.items():
        assert faint_text(css, THEME_PAGES) == [], where
    css = sheets["EPUB/styles/epub.css"]
    root = [d.value for d in declarations(css) if ":root" in d.selectors]
    assert "light dark" in root


# Rules that carry meaning (the table's, the notes' and the masthead's separators) and
# links' underlines, each by its selector and property; the masthead's band only decorates.
MEANINGFUL = {
    ("th",): "border-bottom",
    ("th", "td"): "border-bottom",
    (".notes",): "border-top",
    (".masthead",): "border-bottom",
    ("a",): "text-decoration-color",
}


def test_rules_and_underlines_show_in_every_theme(built: dict[str, Built]) -> None:
    css = built["rich"].read("EPUB/styles/epub.css").decode("utf-8")
    checked = []
    for declared in declarations(css):
        if MEANINGFUL.get(declared.selectors) == declared.name:
            colour = dataclasses.replace(declared, value=declared.value.split()[-1])
            checked.append(declared.selectors)
            assert faint(colour, THEME_PAGES, 3.0) == []
    assert set(checked) == set(MEANINGFUL)
    # The decorative band keeps the series' own colour.
    layout = find_layout(None)
    masthead = [d.value for d in declarations(css) if d.selectors == (".masthead",)]
    assert f"0.5em solid {layout.series.colours['band']}" in masthead


def test_hyphenation_is_set_in_every_form(built: dict[str, Built]) -> None:
    css = built["rich"].read("EPUB/styles/epub.css").decode("utf-8")
    blocks = [d for _, _, d in css_rules(css) if "hyphens" in d]
    assert blocks
    for block in blocks:
        assert block["-webkit-hyphens"] == block["hyphens"]
        assert "-epub-hyphens" in block


def test_one_byline_in_text_and_cover(built: dict[str, Built]) -> None:
    for name, byline in (
        ("rich", "Nguyễn Thị Lan and Kenji Ōtani"),
        ("french", "Mele Tupou et Nguyễn Thị Lan"),
    ):
        sample = built[name]
        series = find_layout(None).for_language(sample.article.lang).series
        assert series.join_names([a.name for a in sample.article.authors]) == byline
        (line,) = sample.content().xpath("//h:p[@class='byline']", namespaces=NS)
        assert text_of(line) == byline
        (img,) = sample.xml("EPUB/cover.xhtml").xpath("//h:img", namespaces=NS)
        assert img.get("alt").endswith(f". {byline}")


def test_ncx_has_the_contents_nested_and_the_page_list(built: dict[str, Built]) -> None:
    ncx_ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    sample = built["rich"]
    ncx = sample.xml("EPUB/toc.ncx")

    def meta(name: str) -> str:
        return str(ncx.xpath(f"//n:meta[@name='{name}']/@content", namespaces=ncx_ns)[0])

    assert meta("dtb:depth") == "3"  # title > subhead > sub-subhead
    assert meta("dtb:uid") == identifier_of(sample.data)
    (top,) = ncx.xpath("/n:ncx/n:navMap/n:navPoint", namespaces=ncx_ns)
    assert top.findtext("n:navLabel/n:text", namespaces=ncx_ns) == rich_article().title
    nested = top.xpath("n:navPoint/n:navPoint/n:navLabel/n:text/text()", namespaces=ncx_ns)
    assert nested == ["A role for Japan"]
    targets = ncx.xpath("//n:pageList/n:pageTarget", namespaces=ncx_ns)
    (page_list,) = sample.nav().xpath("//h:nav[@epub:type='page-list']", namespaces=NS)
    assert [(t.get("value"), t.find("n:content", ncx_ns).get("src")) for t in targets] == [
        (text_of(a), a.get("href")) for a in page_list.iter("{*}a")
    ]
    assert meta("dtb:totalPageCount") == meta("dtb:maxPageNumber") == "2"
    # Play order is reading order: page 1 starts before the title.
    orders = [int(o) for o in ncx.xpath("//@playOrder")]
    assert sorted(set(orders)) == list(range(1, len(set(orders)) + 1))
    assert targets[0].get("playOrder") == "1" and top.get("playOrder") == "2"


def test_an_undated_book_is_modified_on_the_day_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    days = {datetime.datetime.now(datetime.UTC).date()}
    data = write_epub(minimal_article(), context_for(tmp_path))
    days.add(datetime.datetime.now(datetime.UTC).date())
    opf = Built(minimal_article(), tmp_path, data).opf()
    (modified,) = opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=NS)
    assert modified in {f"{day.isoformat()}T00:00:00Z" for day in days}
    day = datetime.date(2031, 7, 4)
    assert build_moment(minimal_article(), today=day).date() == day
    dated = dataclasses.replace(minimal_article(), date=datetime.date(2020, 2, 2))
    assert build_moment(dated, today=day).date() == dated.date


def accessibility_summary(sample: Built) -> etree._Element:
    (meta,) = sample.opf().xpath(
        "//opf:meta[@property='schema:accessibilitySummary']", namespaces=NS
    )
    return meta


def test_accessibility_summary_says_only_what_the_book_has(built: dict[str, Built]) -> None:
    said = {name: accessibility_summary(sample).text for name, sample in built.items()}
    assert "Footnotes" in said["rich"] and "Footnotes" in said["french"]
    assert "Footnotes" not in said["minimal"] and "Footnotes" not in said["figure"]
    assert "Tables have header cells" in said["french"]
    assert not any("Table" in said[name] for name in ("rich", "minimal", "figure"))
    assert "Every image has alternative text" in said["figure"]
    assert "image has" not in said["rich"]
    assert all("The cover is an image" in text for text in said.values())
    assert accessibility_summary(built["rich"]).get(XML_LANG) is None
    # The summary is English: in the French edition, marked so.
    assert accessibility_summary(built["french"]).get(XML_LANG) == "en"


def text_languages(root: etree._Element) -> Iterator[tuple[str, str]]:
    """Yield each text node of an XHTML document, whitespace collapsed, with its language."""

    def visit(element: etree._Element, inherited: str) -> Iterator[tuple[str, str]]:
        lang = element.get(XML_LANG) or element.get("lang") or inherited
        if element.text and element.text.strip():
            yield " ".join(element.text.split()), lang
        for child in element:
            if not isinstance(child.tag, str):
                continue
            yield from visit(child, lang)
            if child.tail and child.tail.strip():
                yield " ".join(child.tail.split()), lang

    yield from visit(root, "")


def test_an_edition_without_series_texts_marks_every_english_one(
    built: dict[str, Built],
) -> None:
    sample = built["german"]
    series = find_layout(None).for_language("de").series
    english = {
        series.notes_heading,
        series.summary_label,
        series.mission,
        series.statement,
        *series.editors,
        series.disclaimer,
        *series.navigation.values(),
        f"{series.number_label} 641",
    }
    assert all(series.lang_of(name) == "en" for name in ("mission", "navigation.pages"))
    seen: dict[str, set[str]] = {}
    for name in ("EPUB/content.xhtml", "EPUB/nav.xhtml", "EPUB/cover.xhtml"):
        for text, lang in text_languages(sample.xml(name)):
            seen.setdefault(text, set()).add(lang)
    for text in english:
        assert seen.get(text) == {"en"}, (text, seen.get(text))
    assert seen[sample.article.title] == {"de"}
    assert seen["| 17. Mai 2023"] == {"de"}
    ncx = sample.xml("EPUB/toc.ncx")
    labels = {
        "".join(label.itertext()): label.get(XML_LANG) or ncx.get(XML_LANG)
        for label in ncx.iter("{*}navLabel")
    }
    assert labels[series.navigation["pages"]] == labels[series.notes_heading] == "en"
    assert labels[sample.article.title] == "de"


def test_a_french_edition_prints_its_series_texts_in_french(built: dict[str, Built]) -> None:
    sample = built["french"]
    series = find_layout(None).for_language("fr").series
    assert series.english == {"name", "short_name", "publisher"}  # the masthead's, English
    seen: dict[str, set[str]] = {}
    for name in ("EPUB/content.xhtml", "EPUB/nav.xhtml", "EPUB/cover.xhtml"):
        for text, lang in text_languages(sample.xml(name)):
            seen.setdefault(text, set()).add(lang)
    for text in (series.mission, series.disclaimer, series.navigation["pages"]):
        assert seen.get(text) == {"fr"}, text
    assert seen["Numéro 641 | 17 mai 2023"] == {"fr"}


def test_the_masthead_of_an_english_edition_is_not_marked(built: dict[str, Built]) -> None:
    (masthead,) = built["rich"].content().xpath("//h:*[@class='masthead']", namespaces=NS)
    assert len(masthead) == 2
    assert not [span.attrib for span in masthead if "lang" in span.attrib]


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        # Each would end on "To?" or 机 alone, laid out without the rule.
        ("en", "The Mekong River Commission at 30: What Is It Up To?"),
        ("zh-Hans", "强化日韩关系：年轻议员外交是重建两国关系的绝好良机"),
    ],
)
def test_a_cover_title_never_ends_on_a_line_of_one_or_two_letters(
    tmp_path: Path, lang: str, title: str
) -> None:
    article = dataclasses.replace(rich_article(), title=title, lang=lang)
    context = RenderContext(find_layout(None).for_language(lang), tmp_path)
    layout = lay_out_cover(article, context)
    assert layout.fits and "".join(layout.title_lines).replace(" ", "") == title.replace(" ", "")
    last = [c for c in layout.title_lines[-1] if c.isalnum()]
    assert len(last) >= 3, layout.title_lines

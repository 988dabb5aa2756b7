"""Tests of the faces of code: Noto Sans Mono from fonts/code/, in every output of an
article with code, and in none of an article without."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from exporter import model
from exporter.codefaces import all_code_faces, code_font_files, has_code
from exporter.context import RenderContext
from exporter.fontfaces import shipped_family
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.walk import walk
from exporter.writers import get_writer
from exporter.writers.docx.fonts import obfuscate
from exporter.writers.fallbacks import warn_of_fallbacks
from tests.articles import para, rich_article
from tests.tools import epubcheck_problems

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "code-article.md"
FALLBACK = "outside the series' fonts"
MONO = "Noto Sans Mono"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OPF = "http://www.idpf.org/2007/opf"
NS = {"w": W, "r": R, "opf": OPF}


@dataclasses.dataclass(frozen=True)
class Built:
    """One output of an article, and what the exporter logged while writing it."""

    data: bytes
    said: list[str]


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write(fmt: str, article: model.Article, folder: Path) -> Built:
    """Write one format of an article, keeping the warnings logged meanwhile."""
    said = _Said()
    logger = logging.getLogger("exporter")
    logger.addHandler(said)
    try:
        data = get_writer(fmt)(article, RenderContext(find_layout(None), folder))
    finally:
        logger.removeHandler(said)
    return Built(data, said.messages)


@pytest.fixture(scope="module")
def article() -> model.Article:
    return load(FIXTURE)


@pytest.fixture(scope="module")
def built(article: model.Article, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The fixture's PDF, EPUB and DOCX, and the DOCX of an article without code."""
    folder = tmp_path_factory.mktemp("code")
    return {
        "pdf": write("pdf", article, FIXTURE.parent),
        "epub": write("epub", article, FIXTURE.parent),
        "docx": write("docx", article, FIXTURE.parent),
        "plain docx": write("docx", rich_article(), folder),
        "plain epub": write("epub", rich_article(), folder),
    }


def code_characters(article: model.Article) -> set[str]:
    """Return the visible characters the article sets as code."""
    found = set()
    for block in article.body:
        for code in _codes(block):
            found |= {ch for ch in code.text if not ch.isspace()}
    return found


def _codes(node: object) -> Iterator[model.Code]:
    return (found for found in walk(node) if isinstance(found, model.Code))


def pdf_font_names(data: bytes) -> set[str]:
    """Return the PDF's fonts' BaseFont names, without their subset tags."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {
            str(font.BaseFont).split("+", 1)[-1]
            for page in pdf.pages
            for font in page.Resources.Font.values()
        }


def shipped_families() -> set[str]:
    return {face.family for face in all_code_faces(find_layout(None).fonts)}


def test_the_fixture_has_inline_code_and_a_code_block(article: model.Article) -> None:
    assert has_code(article) and not has_code(rich_article())
    block = [b for b in article.body if isinstance(b, model.Paragraph) and _is_code_block(b)]
    assert block, "no code block"
    assert any(not _is_code_block(b) and list(_codes(b)) for b in article.body)


def _is_code_block(block: model.Paragraph) -> bool:
    return all(isinstance(i, model.Code | model.LineBreak) for i in block.content)


def test_the_shipped_faces_of_code_are_noto_sans_mono_regular_and_bold() -> None:
    faces = all_code_faces(find_layout(None).fonts)
    assert {(face.family, face.weight, face.style) for face in faces} == {
        (MONO, 400, "normal"),
        (MONO, 700, "normal"),
    }
    for path in code_font_files(find_layout(None).fonts):
        names = TTFont(path)["name"]
        assert "Open Font License" in str(names.getDebugName(13))


def test_the_pdf_sets_code_in_the_shipped_face_and_warns_of_none(built: dict[str, Built]) -> None:
    names = pdf_font_names(built["pdf"].data)
    shipped = shipped_family(MONO).replace(" ", "-")
    # The code in bold ("**`3.12 m`**") takes the bold face.
    assert {shipped, f"{shipped}-Bold"} <= names, names
    # No monospace face of the system: each is one of the series' families.
    families = ("Noto Serif", "Noto Sans", MONO)
    own = tuple(shipped_family(family).replace(" ", "-") for family in families)
    assert all(name.startswith(own) for name in names), names
    assert not [name for name in names if "Mono" in name and shipped not in name], names
    assert not [said for said in built["pdf"].said if FALLBACK in said]


def test_the_pdf_of_an_article_without_code_carries_no_face_of_code(tmp_path: Path) -> None:
    names = pdf_font_names(write("pdf", rich_article(), tmp_path).data)
    assert names and not [name for name in names if "Mono" in name], names


def test_a_character_in_code_that_no_declared_face_has_is_named(
    article: model.Article, tmp_path: Path
) -> None:
    # U+222E (contour integral) is in none of the shipped faces: Pango takes a system face.
    integral = dataclasses.replace(
        article, body=(para(model.Code("x \u222e y")), *article.body), notes=()
    )
    said = [s for s in write("pdf", integral, FIXTURE.parent).said if FALLBACK in s]
    assert len(said) == 1, said
    assert said[0].startswith("\u222e (U+222E) set in ")
    assert shipped_family(MONO) not in said[0]


def test_an_installed_face_of_the_code_family_is_warned_of() -> None:
    # The PDF names the shipped faces of code apart: the system's Noto Sans Mono, of
    # another version, is a fallback like any other face.
    layout = find_layout(None)

    def document(family: str) -> SimpleNamespace:
        font = SimpleNamespace(family=family, to_unicode={1: "x", 2: "{"})
        return SimpleNamespace(fonts={"a": font})

    logger = logging.getLogger("exporter")
    said = _Said()
    logger.addHandler(said)
    try:
        warn_of_fallbacks(document(shipped_family(MONO)), layout, "en")
        assert said.messages == []
        warn_of_fallbacks(document(MONO), layout, "en")
    finally:
        logger.removeHandler(said)
    assert said.messages == [
        f"x (U+0078), {{ (U+007B) set in {MONO}, a face {FALLBACK}: the layout's stylesheets"
        f" name its own '{shipped_family(MONO)}', else an installed font of the name may stand"
        " in for it"
    ]


def epub_parts(data: bytes) -> tuple[zipfile.ZipFile, etree._Element]:
    book = zipfile.ZipFile(io.BytesIO(data))
    return book, etree.fromstring(book.read("EPUB/content.opf"))


def test_the_epub_carries_the_face_of_code_and_names_it(
    article: model.Article, built: dict[str, Built]
) -> None:
    book, package = epub_parts(built["epub"].data)
    fonts = {
        item.get("href"): item.get("media-type")
        for item in package.iterfind(".//opf:manifest/opf:item", NS)
        if item.get("href", "").startswith("fonts/NotoSansMono")
    }
    assert fonts == {
        "fonts/NotoSansMono-Regular.ttf": "font/ttf",
        "fonts/NotoSansMono-Bold.ttf": "font/ttf",
    }
    stylesheet = book.read("EPUB/styles/epub.css").decode("utf-8")
    assert re.search(r'@font-face\s*\{\s*font-family: "Noto Sans Mono";', stylesheet)
    assert re.search(r'code\s*\{\s*font-family: "Noto Sans Mono"', stylesheet)
    # Cut to what the book prints, the code's characters kept.
    regular = TTFont(io.BytesIO(book.read("EPUB/fonts/NotoSansMono-Regular.ttf")))
    assert {ord(ch) for ch in code_characters(article)} <= set(regular.getBestCmap())
    plain_book, plain = epub_parts(built["plain epub"].data)
    assert not [i for i in plain.iterfind(".//opf:item", NS) if "Mono" in i.get("href", "")]
    assert MONO not in plain_book.read("EPUB/styles/epub.css").decode("utf-8")


@pytest.mark.slow
def test_epubcheck_passes_the_book_with_code(built: dict[str, Built], tmp_path: Path) -> None:
    path = tmp_path / "code-article.epub"
    path.write_bytes(built["epub"].data)
    assert epubcheck_problems(path) == []


def docx_font_table(data: bytes) -> tuple[zipfile.ZipFile, etree._Element]:
    document = zipfile.ZipFile(io.BytesIO(data))
    return document, etree.fromstring(document.read("word/fontTable.xml"))


def embedded_families(data: bytes) -> dict[str, list[TTFont]]:
    """Return the DOCX's embedded faces by the family its font table files them under."""
    document, table = docx_font_table(data)
    rels = etree.fromstring(document.read("word/_rels/fontTable.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    found: dict[str, list[TTFont]] = {}
    for font in table.iterfind("w:font", NS):
        for embedded in font:
            key = embedded.get(f"{{{W}}}fontKey")
            if key is None:
                continue
            data = document.read("word/" + targets[embedded.get(f"{{{R}}}id")])
            face = TTFont(io.BytesIO(obfuscate(data, key)))
            found.setdefault(font.get(f"{{{W}}}name"), []).append(face)
    return found


def test_the_docx_names_the_face_of_code_and_embeds_it(
    article: model.Article, built: dict[str, Built]
) -> None:
    document, _ = docx_font_table(built["docx"].data)
    styles = etree.fromstring(document.read("word/styles.xml"))
    (code_fonts,) = styles.xpath("//w:style[w:name/@w:val='Code']/w:rPr/w:rFonts", namespaces=NS)
    assert code_fonts.get(f"{{{W}}}ascii") == MONO
    faces = embedded_families(built["docx"].data)[MONO]
    assert len(faces) == 2  # regular and bold
    for face in faces:
        assert face["name"].getDebugName(1) == MONO
    regular = min(faces, key=lambda face: face["OS/2"].usWeightClass)
    assert {ord(ch) for ch in code_characters(article)} <= set(regular.getBestCmap())


def test_a_docx_without_code_names_the_face_of_code_but_carries_none(
    built: dict[str, Built],
) -> None:
    _, table = docx_font_table(built["plain docx"].data)
    (mono,) = table.xpath(f"w:font[@w:name='{MONO}']", namespaces=NS)
    assert mono.find("w:pitch", NS).get(f"{{{W}}}val") == "fixed"  # described all the same
    assert not [child for child in mono if child.get(f"{{{W}}}fontKey")]
    assert set(embedded_families(built["plain docx"].data)) == {"Noto Serif", "Noto Sans"}
    assert shipped_families() == {MONO}

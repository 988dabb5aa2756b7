"""A DOCX translated in OmegaT, the joining word of its byline and every other word changed,
imports with every author and bio, in the language it is written in, nothing left in English."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from exporter import model
from exporter.build import BuildOptions, render_file
from exporter.readers import load
from exporter.walk import query
from tests.test_cli import run
from tests.test_omegat_round_trip import article_file
from tests.translation import OMEGAT_FILTERS, Tokens, omegat_available, omegat_translate

JOINING_WORDS = {"fr": " et ", "es": " y ", "ja": "と"}
"""How each language's translator joins two names (not always as CLDR's list does)."""
THIRD_AUTHOR = """  - name: Mele Tupou
    affiliation: Pacific Islands Forum
    bio: Mele Tupou directs the Forum's water programme in Suva.
"""
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not omegat_available(), reason="OmegaT is not installed (Debian: omegat)"),
]


def article_with_authors(count: int, folder: Path) -> Path:
    """Return the rich article (two authors) in `folder`, with a third author if asked."""
    path = article_file("rich-article", folder)
    if count == 3:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("summary: >-", THIRD_AUTHOR + "summary: >-", 1), "utf-8")
    return path


def epub_subjects(epub: bytes) -> list[str]:
    """Return the dc:subject entries of an EPUB's package document."""
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        container = etree.fromstring(book.read("META-INF/container.xml"))
        opf_name = container.find(".//{*}rootfile").get("full-path")
        package = etree.fromstring(book.read(opf_name))
    return [element.text or "" for element in package.iter(f"{DC}subject")]


@pytest.mark.parametrize("count", [2, 3])
@pytest.mark.parametrize("lang", ["fr", "es", "ja"])
def test_a_translated_byline_keeps_every_author(lang: str, count: int, tmp_path: Path) -> None:
    source = article_with_authors(count, tmp_path)
    docx = tmp_path / "rich-article.docx"
    docx.write_bytes(render_file(source, BuildOptions(formats=("docx",), out_dir=tmp_path))["docx"])
    original = load(source)
    names = [author.name for author in original.authors]
    assert len(names) == count
    tokens = Tokens(lang)
    joined = JOINING_WORDS[lang]

    def translate(segment: str) -> str:
        # The names kept, joined by the language's word; every other text translated.
        if all(name in segment for name in names) and len(segment) < 120:
            return ", ".join(names[:-1]) + joined + names[-1]
        return tokens(segment)

    target = omegat_translate(docx, tmp_path / "omegat", translate, OMEGAT_FILTERS)
    # The translated file still declares English (OmegaT leaves it): no --lang given.
    code, _out, err = run("import", str(target), "-o", str(tmp_path))
    assert code == 0, err
    # The warning names both languages: the text's and the one the document declares.
    assert re.search(rf"the text reads as .*\({lang}\), the document says .*\ben\b", err), err
    edition = load(tmp_path / f"rich-article.{lang}.md")
    assert edition.lang == lang

    assert [author.name for author in edition.authors] == names
    for author, was in zip(edition.authors, original.authors, strict=True):
        assert bool(author.bio) == bool(was.bio)
        assert bool(author.affiliation) == bool(was.affiliation)
    texts = [
        edition.title,
        edition.summary,
        *(author.bio for author in edition.authors),
        *(author.affiliation for author in edition.authors),
        *edition.keywords,
        *(figure.alt for block in edition.body for figure in query(block, model.Figure)),
    ]
    assert [text for text in texts if text and tokens.untranslated(text)] == []
    assert len(edition.keywords) == len(original.keywords)
    alts = [figure.alt for block in edition.body for figure in query(block, model.Figure)]
    assert len(alts) == 1 and alts[0].strip()

    built = render_file(
        tmp_path / f"rich-article.{lang}.md",
        BuildOptions(formats=("pdf", "epub"), out_dir=tmp_path),
    )
    assert epub_subjects(built["epub"]) == list(edition.keywords)
    pdf = pypdf.PdfReader(io.BytesIO(built["pdf"]))
    assert len(pdf.pages) == 2
    keywords = str(pdf.metadata.get("/Keywords", ""))
    assert keywords and not tokens.untranslated(keywords.replace(",", " ")), keywords

    if lang == "fr":
        # Said to be French, it is French, whatever the document declares.
        code, _out, err = run("import", str(target), "--lang", "fr", "-o", str(tmp_path))
        assert code == 0, err
        assert "the text reads as" not in err
        again = load(tmp_path / "rich-article.fr.md")
        assert [author.name for author in again.authors] == names

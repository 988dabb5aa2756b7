"""The translation loop: English DOCX out, translated in LibreOffice, imported, built again.

A stand-in translator overtypes every translatable paragraph of our English DOCX with
the Japanese, Korean and Chinese fixtures (the Chinese one also sets the document's
Asian language, as LibreOffice's Tools > Language does); LibreOffice opens and saves
all three in one run, as the translator's word processor; `exporter import` reads them
back and `exporter build` makes the editions.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import zipfile
from pathlib import Path

import pypdf
import pytest

from exporter import model
from exporter.build import BuildOptions, build_file
from exporter.cli import main
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.docx import write_docx
from tests.cjk import (
    embedded_fonts,
    pdf_pages,
    printed_paragraphs,
    squeeze,
    translate_docx,
    translation,
)
from tests.tools import libreoffice_convert

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
# (language given to `exporter import`, the Asian language the translator sets)
LOOPS = {"ja": ("ja", ""), "ko": ("", ""), "zh-Hans": ("", "zh-CN")}


def english_source(paragraphs: int) -> model.Article:
    """Return the seed article as the office sends it out: numbered, dated, with a kicker."""
    seed = load(EXAMPLE)
    return dataclasses.replace(
        seed,
        number=600,
        date=datetime.date(2022, 10, 12),
        kicker="Analysis",
        body=seed.body[:paragraphs],
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The translated DOCX, re-saved by LibreOffice, imported as article files."""
    folder = tmp_path_factory.mktemp("loop")
    context = RenderContext(find_layout(None), EXAMPLE.parent)
    sent = []
    for lang, (_given, asian) in LOOPS.items():
        target = translation(lang)
        english = write_docx(english_source(len(target.body)), context)
        path = folder / f"{lang}.docx"
        path.write_bytes(translate_docx(english, target, asian))
        sent.append(path)
    returned = folder / "returned"
    returned.mkdir()
    articles = {}
    for (lang, (given, _asian)), docx in zip(
        LOOPS.items(), libreoffice_convert(sent, returned, "docx:MS Word 2007 XML"), strict=True
    ):
        article = folder / f"{lang}.md"
        assert (
            main(["import", str(docx), "-o", str(article), *(["--lang", given] * bool(given))]) == 0
        )
        articles[lang] = article
    return articles


@pytest.mark.slow
@pytest.mark.parametrize("lang", list(LOOPS))
def test_the_translation_comes_back_whole_and_in_its_language(
    lang: str, imported: dict[str, Path]
) -> None:
    article = load(imported[lang])
    expected = translation(lang)
    assert article.lang == {"ja": "ja", "ko": "ko", "zh-Hans": "zh-CN"}[lang]
    assert (article.number, article.date) == (600, datetime.date(2022, 10, 12))
    assert article.title == expected.title
    assert article.summary == expected.summary
    assert [a.name for a in article.authors] == [a.name for a in expected.authors]
    assert [a.bio for a in article.authors] == [a.bio for a in expected.authors]
    assert printed_paragraphs(article) == printed_paragraphs(expected)
    assert [type(block) for block in article.body] == [type(block) for block in expected.body]


@pytest.mark.slow
def test_the_imported_japanese_article_builds_every_edition(
    imported: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    paths = build_file(imported["ja"], BuildOptions(formats=("pdf", "epub", "docx"), out_dir=out))
    pdf, epub, docx = (path.read_bytes() for path in paths)
    pages = pdf_pages(pdf)
    assert len(pages) == 2
    assert squeeze("第600号 | 2022年10月12日") in pages[0]
    assert squeeze("分析") in pages[0]
    text = "".join(pages)
    for paragraph in printed_paragraphs(translation("ja")):
        assert squeeze(paragraph) in text
    assert all(embedded_fonts(pdf).values())
    assert "Noto-Serif-CJK-JP" in embedded_fonts(pdf)
    assert b"<dc:language>ja</dc:language>" in zipfile.ZipFile(io.BytesIO(epub)).read(
        "EPUB/content.opf"
    )
    styles = zipfile.ZipFile(io.BytesIO(docx)).read("word/styles.xml")
    assert b'w:eastAsia="ja"' in styles and b'w:eastAsia="Noto Serif CJK JP"' in styles
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["ko", "zh-Hans"])
def test_the_imported_korean_and_chinese_articles_build_two_page_pdfs(
    lang: str, imported: dict[str, Path], tmp_path: Path
) -> None:
    (pdf,) = build_file(imported[lang], BuildOptions(formats=("pdf",), out_dir=tmp_path))
    pages = pdf_pages(pdf.read_bytes())
    assert len(pages) == 2
    line = {"ko": "제600호 | 2022년 10월 12일", "zh-Hans": "第600期 | 2022年10月12日"}[lang]
    assert squeeze(line) in pages[0]
    family = {"ko": "Noto-Serif-CJK-KR", "zh-Hans": "Noto-Serif-CJK-SC"}[lang]
    assert family in embedded_fonts(pdf.read_bytes())

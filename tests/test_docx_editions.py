"""Tests of the DOCX in each edition's language: styles that exist, the theme language,
the byline's wording, and series texts that print in English marked as English."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from exporter import model
from exporter.build import BuildOptions, render, render_file
from exporter.context import RenderContext
from exporter.layouts import ENGLISH_TEXTS, find_layout, issue_line
from exporter.readers.docx import read_docx
from exporter.readers.docx.front import byline_names
from tests.articles import para, rich_article
from tests.tools import normalise

ROOT = Path(__file__).resolve().parent.parent
EDITIONS = {
    "en": ROOT / "examples" / "japan-rok-relations.md",
    "ja": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ja.md",
    "ko": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-ko.md",
    "zh-Hans": ROOT / "tests" / "fixtures" / "cjk" / "japan-rok-relations-zh-Hans.md",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ENGLISH = "en-US"


def xml(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def story_parts(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("word/")
            and name.split("/")[-1].startswith(("document", "header", "footer", "footnotes"))
        ]


def runs(data: bytes, name: str) -> list[tuple[str, str | None]]:
    """Return the (text, w:lang w:val) of every run of a part."""
    return [
        (
            "".join(run.xpath(".//w:t/text()", namespaces=NS)),
            run.xpath("string(w:rPr/w:lang/@w:val)", namespaces=NS) or None,
        )
        for run in xml(data, name).iter(f"{{{W}}}r")
    ]


@pytest.fixture(scope="module")
def editions() -> dict[str, bytes]:
    return {
        lang: render_file(path, BuildOptions(("docx",), ROOT))["docx"]
        for lang, path in EDITIONS.items()
    }


def french_article() -> model.Article:
    """The rich article in French with three authors and a note nobody calls."""
    article = rich_article()
    return dataclasses.replace(
        article,
        lang="fr",
        authors=(*article.authors, model.Author("Marie-Claire Dubois")),
        notes=(*article.notes, model.Footnote("uncalled", (para("Une note sans appel."),))),
    )


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> RenderContext:
    return RenderContext(find_layout(None), tmp_path_factory.mktemp("french"))


@pytest.fixture(scope="module")
def french_docx(context: RenderContext) -> bytes:
    return render(french_article(), context, "docx")


def test_every_style_a_part_names_exists(editions: dict[str, bytes], french_docx: bytes) -> None:
    for data in (*editions.values(), french_docx):
        defined = set(xml(data, "word/styles.xml").xpath("w:style/@w:styleId", namespaces=NS))
        for name in story_parts(data):
            used = set(xml(data, name).xpath("//w:pStyle/@w:val|//w:rStyle/@w:val", namespaces=NS))
            assert used <= defined, f"{name} names undefined styles {used - defined}"
        # Page 1's header opens with the masthead.
        first_header = xml(data, "word/header1.xml")
        masthead = first_header.xpath("string(//w:pStyle/@w:val)", namespaces=NS)
        assert masthead == "DoNotTranslate-Masthead"


@pytest.mark.parametrize("lang", EDITIONS)
def test_theme_language_is_the_editions(editions: dict[str, bytes], lang: str) -> None:
    data = editions[lang]
    theme = xml(data, "word/settings.xml").find("w:themeFontLang", NS)
    assert theme is not None
    defaults = xml(data, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert defaults is not None
    east_asian = lang if lang != "en" else None
    assert theme.get(f"{{{W}}}eastAsia") == defaults.get(f"{{{W}}}eastAsia") == east_asian
    assert theme.get(f"{{{W}}}val") == lang


def test_byline_is_the_pdfs(context: RenderContext, french_docx: bytes) -> None:
    article = french_article()
    pdf = render(article, context, "pdf")
    first_page = normalise(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    document = xml(french_docx, "word/document.xml")
    (byline,) = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='Byline']", namespaces=NS)
    text = "".join(byline.xpath(".//w:t/text()", namespaces=NS))
    assert text == "Nguyễn Thị Lan, Kenji Ōtani et Marie-Claire Dubois"
    assert normalise(text) in first_page
    # The author property stays a list for machines.
    core = xml(french_docx, "docProps/core.xml")
    creator = core.xpath("string(//*[local-name()='creator'])")
    assert creator == "; ".join(author.name for author in article.authors)


def assert_series_texts_tagged(data: bytes, series_lang: str, english: frozenset[str]) -> None:
    """Assert that every series text falls in a run tagged English exactly when it fell back."""
    series = dataclasses.replace(
        find_layout(None).for_language(series_lang).series, english=english
    )

    def expected(name: str) -> str | None:
        return ENGLISH if series.lang_of(name) != series.lang else None

    # The body, page 1's header and footer (the issue line, the publisher block).
    body = [run for name in story_parts(data) for run in runs(data, name)]
    texts = {
        "mission": [series.mission],
        "statement": [series.statement],
        "editors": list(series.editors),
        "disclaimer": [series.disclaimer],
        "notes_heading": [series.notes_heading],
    }
    for name, values in texts.items():
        for value in values:
            tags = [lang for text, lang in body if text == value]
            assert tags == [expected(name)], f"{name}: {value!r} {tags}"
    label = issue_line(series, 612, None, series_lang)
    for name in ("word/header1.xml", "word/header2.xml"):
        part_runs = runs(data, name)
        (number,) = [(text, lang) for text, lang in part_runs if label in text]
        assert number[1] == expected("number_label")
        if expected("number_label"):
            assert number[0] == label  # the date stays in the edition's language
    tagged = {text for name in story_parts(data) for text, lang in runs(data, name) if lang}
    allowed = {label, *(v for values in texts.values() for v in values), "sông Mê Kông"}
    assert tagged <= allowed


def test_series_texts_in_english_are_tagged_english_in_a_french_edition(
    french_docx: bytes,
) -> None:
    series = find_layout(None).for_language("fr").series
    assert_series_texts_tagged(french_docx, "fr", series.english)


def test_every_fallen_back_text_is_tagged(context: RenderContext) -> None:
    # All series texts marked as fallen back, whatever translations series.yaml holds.
    layout = context.layout.for_language("fr")
    english = frozenset(ENGLISH_TEXTS)
    forced = dataclasses.replace(layout, series=dataclasses.replace(layout.series, english=english))
    data = render(french_article(), dataclasses.replace(context, layout=forced), "docx")
    assert_series_texts_tagged(data, "fr", english)


def test_an_english_edition_tags_nothing_english(editions: dict[str, bytes]) -> None:
    data = editions["en"]
    assert not [text for name in story_parts(data) for text, lang in runs(data, name) if lang]


def test_the_reader_takes_the_editions_byline_back(french_docx: bytes) -> None:
    assert [a.name for a in read_docx(french_docx).authors] == [
        a.name for a in french_article().authors
    ]


@pytest.mark.parametrize(
    ("byline", "creator", "lang", "names"),
    [
        ("A, B et C", "", "fr", ["A", "B", "C"]),
        ("A, B, dan C", "", "id", ["A", "B", "C"]),
        ("A 및 B", "", "ko", ["A", "B"]),
        ("甲、乙", "", "ja", ["甲", "乙"]),
        # A joining word inside a name: the author property keeps the names whole.
        ("José Ortega y Gasset y Ana Ruiz", "José Ortega y Gasset; Ana Ruiz", "es", None),
        # A byline edited since the author property was written: split.
        ("訳A and B", "A; B", "ja", ["訳A", "B"]),
        # An unspaced joiner may be part of a name: only punctuation splits there.
        ("张和平、李明", "", "zh", ["张和平", "李明"]),
    ],
)
def test_bylines_split_by_the_languages_joiners(
    byline: str, creator: str, lang: str, names: list[str] | None
) -> None:
    expected = names or [name.strip() for name in creator.split(";")]
    assert byline_names(byline, creator, [lang]) == expected

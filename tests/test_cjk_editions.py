"""Japanese, Korean and Chinese editions: two-page PDFs, EPUBs and DOCX in the language.

The fixtures are whole translations of the seed article (Japanese, Korean) and its
first paragraphs (Chinese), built with `exporter build`'s own path (`render_file`).
"""

from __future__ import annotations

import io
import logging
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from PIL import Image

from exporter.build import BuildOptions, render_file
from exporter.context import RenderContext
from exporter.errors import LayoutError
from exporter.fontfaces import shipped_family
from exporter.glyphs import article_text, missing_characters
from exporter.language_fonts import installed_faces
from exporter.layouts import find_layout
from exporter.proof import proof_png
from exporter.readers import load
from exporter.walk import cjk_character
from exporter.writers.epub.cover import lay_out_cover
from tests.cjk import (
    NS,
    TRANSLATIONS,
    W,
    embedded_fonts,
    pdf_pages,
    printed_paragraphs,
    squeeze,
)
from tests.tools import epubcheck_problems

OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ISSUE_LINES = {"ja": "第600号 | 2022年10月12日", "ko": "제600호 | 2022년 10월 12일"}
CJK_FAMILIES = {"ja": "Noto Serif CJK JP", "ko": "Noto Serif CJK KR"}
PROOFS = Path(__file__).resolve().parent.parent / "test-artifacts" / "cjk"
CJK_SANS = {"ja": "Noto Sans CJK JP", "ko": "Noto Sans CJK KR"}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The PDF, EPUB and DOCX of the Japanese and Korean articles, built strictly."""
    options = BuildOptions(
        formats=("pdf", "epub", "docx"), out_dir=tmp_path_factory.mktemp("cjk"), strict=True
    )
    return {lang: render_file(TRANSLATIONS[lang], options) for lang in ("ja", "ko")}


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_pdf_is_two_pages_with_every_paragraph(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    article = load(TRANSLATIONS[lang])
    pages = pdf_pages(editions[lang]["pdf"])
    assert len(pages) == 2
    text = "".join(pages)
    wanted = [article.title, article.summary, *printed_paragraphs(article)]
    wanted += [author.bio for author in article.authors]
    position = 0
    for paragraph in wanted:
        found = text.find(squeeze(paragraph), position)
        assert found >= 0, f"not in the PDF in order: {paragraph[:40]}"
        position = found
    assert "\ufffd" not in text


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_pdf_prints_the_series_texts_in_the_language(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    pages = pdf_pages(editions[lang]["pdf"])
    series = find_layout(None).for_language(lang).series
    assert pages[0].startswith(squeeze("Asia Pacific Bulletin"))
    assert squeeze(ISSUE_LINES[lang]) in pages[0]
    # The running head of page 2 repeats the issue line; the publisher block is translated.
    assert pages[1].endswith(squeeze(f"Asia Pacific Bulletin | {ISSUE_LINES[lang]}") + "2")
    assert squeeze(series.kicker("Analysis")) in pages[0]
    for text in (series.mission, series.disclaimer, *series.editors):
        assert squeeze(text) in pages[1]


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_pdf_embeds_every_font_latin_and_cjk(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    fonts = embedded_fonts(editions[lang]["pdf"])
    assert fonts and all(fonts.values()), fonts
    names = set(fonts)
    # Latin names and figures keep the shipped Latin fonts; CJK text is in the CJK family.
    serif, sans = (shipped_family(name).replace(" ", "-") for name in ("Noto Serif", "Noto Sans"))
    assert {serif, f"{sans}-Bold"} <= names
    assert CJK_FAMILIES[lang].replace(" ", "-") in names
    assert CJK_SANS[lang].replace(" ", "-") + "-Bold" in names
    reader = pypdf.PdfReader(io.BytesIO(editions[lang]["pdf"]))
    assert reader.metadata is not None
    assert reader.trailer["/Root"]["/Lang"] == lang


@pytest.mark.parametrize("lang", ["ja", "ko", "zh-Hans"])
def test_every_character_has_a_glyph_in_the_edition_fonts(lang: str) -> None:
    article = load(TRANSLATIONS[lang])
    layout = find_layout(None)
    assert missing_characters(article_text(article), layout.font_files()) == []
    # And not by luck of fallback: the CJK family of the language itself shows every CJK one.
    family = layout.fonts_for(lang)["serif"]
    source = installed_faces(family)[(400, "normal")]
    with TTFont(source.path, fontNumber=source.index, lazy=True) as font:
        cmap = set(font.getBestCmap())
    cjk = set(cjk_character().findall(article_text(article)))
    assert cjk and {ord(ch) for ch in cjk} <= cmap


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_epub_is_in_the_language_with_subset_cjk_fonts(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    book = zipfile.ZipFile(io.BytesIO(editions[lang]["epub"]))
    package = etree.fromstring(book.read("EPUB/content.opf"))
    assert package.get(XML_LANG) == lang
    assert package.xpath("string(//dc:language)", namespaces=OPF) == lang
    content = etree.fromstring(book.read("EPUB/content.xhtml"))
    assert content.get(XML_LANG) == lang and content.get("lang") == lang
    stylesheet = book.read("EPUB/styles/epub.css").decode("utf-8")
    assert f":lang({lang}) body" in stylesheet and "line-break: strict" in stylesheet
    cjk_fonts = [name for name in book.namelist() if "CJK" in name]
    assert len(cjk_fonts) == 4  # serif and sans, regular and bold
    nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    text = "".join(content.itertext()) + "".join(nav.itertext())
    wanted = {ord(ch) for ch in cjk_character().findall(text)}
    for name in cjk_fonts:
        data = book.read(name)
        assert len(data) < 1_000_000  # the whole family file is some 20 MB
        assert f'src: url("../{name.removeprefix("EPUB/")}")' in stylesheet
    # The body's face holds every character the book prints (navigation included).
    (body_face,) = [name for name in cjk_fonts if name.endswith("serif-400.otf")]
    with TTFont(io.BytesIO(book.read(body_face))) as font:
        assert wanted <= set(font.getBestCmap())


XHTML = {"h": "http://www.w3.org/1999/xhtml"}
# What the stylesheet sets in each CJK face, by the elements it sets there (h1 and h2
# are bold, as emphasis is in CJK editions).
SET_IN = {
    "sans-700": "//h:h1 | //h:h2 | //h:*[@class='kicker' or @class='byline'] | //h:th",
    "sans-400": "//h:*[@class='issue-line'] | //h:footer[@class='publisher-block']//h:p",
    "serif-400": "//h:div[@class='body']//h:p | //h:*[@role='doc-footnote']//h:p",
    "serif-700": "//h:div[@class='body']//h:em | //h:div[@class='body']//h:strong",
}


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_each_cjk_face_keeps_only_and_all_that_is_set_in_it(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    data = editions[lang]["epub"]
    if lang == "ja":
        assert len(data) <= 600_000, f"{len(data)} bytes"
    book = zipfile.ZipFile(io.BytesIO(data))
    content = etree.fromstring(book.read("EPUB/content.xhtml"))
    sizes = {}
    for face, path in SET_IN.items():
        (name,) = [n for n in book.namelist() if "CJK" in n and n.endswith(f"{face}.otf")]
        text = "".join("".join(e.itertext()) for e in content.xpath(path, namespaces=XHTML))
        wanted = {ord(ch) for ch in cjk_character().findall(text)}
        assert wanted or face == "serif-700", f"nothing found set in {face}"
        with TTFont(io.BytesIO(book.read(name))) as font:
            cmap = font.getBestCmap() or {}  # a face that sets nothing keeps no character
            kept = {c for c in cmap if cjk_character().fullmatch(chr(c))}
        assert wanted <= kept, f"{name} lacks {''.join(map(chr, wanted - kept))}"
        sizes[face] = len(kept)
    # Headings, kicker and byline print a small share of the body's characters.
    assert sizes["sans-700"] < sizes["serif-400"] / 3
    assert sizes["serif-700"] < sizes["serif-400"] / 3


@pytest.mark.slow
def test_epubs_pass_epubcheck(editions: dict[str, dict[str, bytes]], tmp_path: Path) -> None:
    path = tmp_path / "ko.epub"
    path.write_bytes(editions["ko"]["epub"])
    assert epubcheck_problems(path) == []


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_docx_sets_the_east_asian_language_and_fonts(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    styles = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(editions[lang]["docx"])).read("word/styles.xml")
    )
    (language,) = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang", namespaces=NS)
    assert language.get(f"{{{W}}}eastAsia") == lang
    assert language.get(f"{{{W}}}val") == lang

    def east_asian_font(style_id: str) -> str:
        path = f"string(w:style[@w:styleId='{style_id}']/w:rPr/w:rFonts/@w:eastAsia)"
        return str(styles.xpath(path, namespaces=NS))

    # The styles set in italics in English stand upright: CJK fonts have no italics.
    bio = styles.xpath("w:style[@w:styleId='Bio']/w:rPr/w:i", namespaces=NS)
    assert bio and all(i.get(f"{{{W}}}val") == "0" for i in bio)
    assert east_asian_font("Normal") == CJK_FAMILIES[lang]
    assert east_asian_font("DoNotTranslate") == CJK_SANS[lang]
    assert (
        styles.xpath("string(w:style[@w:styleId='Normal']/w:rPr/w:rFonts/@w:ascii)", namespaces=NS)
        == "Noto Serif"
    )


def test_a_missing_cjk_font_is_a_clear_error(tmp_path: Path) -> None:
    layout = tmp_path / "layout"
    shutil.copytree(find_layout(None).folder, layout)
    fonts = layout / "fonts.yaml"
    fonts.write_text(
        fonts.read_text(encoding="utf-8").replace("Noto Serif CJK JP", "Not Installed Serif JP"),
        encoding="utf-8",
    )
    options = BuildOptions(formats=("pdf",), out_dir=tmp_path, layout=str(layout))
    with pytest.raises(LayoutError) as raised:
        render_file(TRANSLATIONS["ja"], options)
    message = str(raised.value)
    assert "fonts.yaml" in message and "'Not Installed Serif JP'" in message
    assert "not installed" in message and "fonts-noto-cjk" in message
    assert "\n" not in message
    # The English edition does not need it.
    english = Path(__file__).resolve().parent.parent / "examples" / "japan-rok-relations.md"
    assert render_file(english, BuildOptions(formats=("docx",), out_dir=tmp_path))


def test_chinese_and_latin_script_series_texts() -> None:
    import datetime

    from exporter.layouts import issue_line

    layout = find_layout(None)
    day = datetime.date(2022, 10, 12)
    expected = {
        "zh-Hans": "第600期 | 2022年10月12日",
        "zh-Hant-TW": "第600期 | 2022年10月12日",
        "vi": "Số 600 | 12 tháng 10, 2022",
        "id": "Nomor 600 | 12 Oktober 2022",
    }
    for lang, line in expected.items():
        assert issue_line(layout.for_language(lang).series, 600, day, lang) == line
    assert layout.for_language("zh-Hant-TW").series.notes_heading == "註釋"
    assert layout.for_language("zh-CN").series.notes_heading == "注释"
    assert layout.fonts_for("zh-Hant")["sans"] == "Noto Sans CJK TC"
    assert layout.fonts_for("zh-CN")["serif"] == "Noto Serif CJK SC"
    assert layout.fonts_for("vi") == {}


def test_a_missing_translation_falls_back_to_english_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    layout = tmp_path / "layout"
    shutil.copytree(find_layout(None).folder, layout)
    series = layout / "series.yaml"
    text = series.read_text(encoding="utf-8")
    text = text.replace('    notes_heading: "注"\n', "").replace('    summary_label: "要旨"\n', "")
    series.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="exporter"):
        localised = find_layout(str(layout)).for_language("ja").series
    assert localised.notes_heading == "Notes" and localised.summary_label == "Summary"
    assert localised.page_label == "ページ"
    (warning,) = [r.getMessage() for r in caplog.records if "translations" in r.getMessage()]
    assert "notes_heading" in warning and "summary_label" in warning
    assert "printed in English" in warning and str(series) in warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="exporter"):
        assert find_layout(str(layout)).for_language("de").series.notes_heading == "Notes"
    assert any("no translations for 'de'" in r.getMessage() for r in caplog.records)


def test_an_english_article_is_unchanged_by_the_translations() -> None:
    layout = find_layout(None)
    assert layout.for_language("en") is layout
    assert layout.for_language("en-GB").series.notes_heading == "Notes"
    assert layout.series.kicker("Analysis") == "Analysis"


def test_the_epub_cover_breaks_cjk_titles_between_words(
    editions: dict[str, dict[str, bytes]],
) -> None:
    book = zipfile.ZipFile(io.BytesIO(editions["ja"]["epub"]))
    with Image.open(io.BytesIO(book.read("EPUB/images/cover.png"))) as cover:
        assert cover.size == (1600, 2560)
    # The cover's title as WeasyPrint lays it out: lines break between phrases (Japanese)
    # and words (Korean), never inside one, which Pango alone would do.
    lines = cover_title_lines("ja")
    assert "".join(lines) == load(TRANSLATIONS["ja"]).title
    assert len(lines) > 1 and any("立て直す" in line for line in lines)
    assert not any(a.endswith("若手議") or a.endswith("立て") for a in lines)
    # No last line of one or two characters (the title ends on 時, a phrase of its own).
    assert len(lines[-1].strip()) >= 3, lines
    korean = load(TRANSLATIONS["ko"]).title
    lines = cover_title_lines("ko")
    assert len(lines) > 1 and " ".join(line.strip() for line in lines) == korean


def cover_title_lines(lang: str) -> list[str]:
    """Return the lines of the title of an edition's EPUB cover, as laid out."""
    article = load(TRANSLATIONS[lang])
    context = RenderContext(find_layout(None).for_language(lang), TRANSLATIONS[lang].parent)
    layout = lay_out_cover(article, context)
    assert layout.fits
    return layout.title_lines


def test_proofs_are_kept_for_the_eye(editions: dict[str, dict[str, bytes]]) -> None:
    PROOFS.mkdir(parents=True, exist_ok=True)
    for lang in ("ja", "ko"):
        png = proof_png(editions[lang]["pdf"], dpi=100)
        (PROOFS / f"japan-rok-relations-{lang}-proof.png").write_bytes(png)
        with Image.open(io.BytesIO(png)) as sheet:
            assert sheet.width > 2 * 8.5 * 100 > sheet.height * 1.2  # two pages side by side


def test_bylines_join_names_in_the_language() -> None:
    layout = find_layout(None)
    names = ["山田花子", "Kim Min-jun", "太栄志"]
    assert layout.for_language("ja").series.join_names(names) == "山田花子、Kim Min-jun、太栄志"
    assert layout.for_language("ko").series.join_names(names[:2]) == "山田花子, Kim Min-jun"
    assert layout.series.join_names(names) == "山田花子, Kim Min-jun, and 太栄志"
    assert layout.series.join_names(names[:2]) == "山田花子 and Kim Min-jun"


def test_the_python_api_localises_a_plain_context_too() -> None:
    from exporter import RenderContext, render

    article = load(TRANSLATIONS["ko"])
    context = RenderContext(find_layout(None), TRANSLATIONS["ko"].parent)
    docx = render(article, context, "docx")
    package = zipfile.ZipFile(io.BytesIO(docx))
    document = package.read("word/document.xml").decode("utf-8")
    # Page 1's header holds the issue line, its footer the publisher block.
    header, footer = (
        package.read(f"word/{name}1.xml").decode("utf-8") for name in ("header", "footer")
    )
    assert "제600호 | 2022년 10월 12일" in header and "분석" in document
    assert find_layout(None).series.mission.split()[0] not in footer
    assert find_layout(None).for_language("ko").series.mission in footer


def test_the_epub_navigation_is_in_the_language(editions: dict[str, dict[str, bytes]]) -> None:
    nav = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(editions["ja"]["epub"])).read("EPUB/nav.xhtml")
    )
    headings = [" ".join(h.itertext()) for h in nav.iter("{http://www.w3.org/1999/xhtml}h2")]
    assert headings == ["目次", "ランドマーク", "印刷版のページ"]


@pytest.mark.parametrize("lang", ["ja", "ko"])
def test_the_epub_masthead_is_marked_english(
    lang: str, editions: dict[str, dict[str, bytes]]
) -> None:
    """The series' name and publisher print in English (no translation gives them)."""
    content = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(editions[lang]["epub"])).read("EPUB/content.xhtml")
    )
    (masthead,) = content.xpath("//*[@class='masthead']")
    series = find_layout(None).series
    marked = {"".join(span.itertext()): (span.get("lang"), span.get(XML_LANG)) for span in masthead}
    assert marked == {series.name: ("en", "en"), series.publisher: ("en", "en")}

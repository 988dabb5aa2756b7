"""The PDF writer, from model fixtures: two pages, fonts, tags, metadata, text in order."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pikepdf
import pypdf
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.fontfaces import shipped_family
from exporter.layouts import find_layout
from exporter.writers.pdf import layout_bulletin, write_pdf
from tests.articles import T, full_article, generated_article, para, rich_article
from tests.tools import assert_in_order, normalise, text_segments

LETTER = (612, 792)
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def render(article: model.Article, folder: Path, **options: str | bool) -> bytes:
    return write_pdf(article, RenderContext(find_layout(None), folder, **options))


@pytest.fixture(scope="module")
def rich_pdf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return render(rich_article(), tmp_path_factory.mktemp("rich"))


def page_texts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [normalise(page.extract_text() or "") for page in reader.pages]


def document_text(data: bytes) -> str:
    """Return the whole text, pages joined before normalising (a word may cross pages)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return normalise("\n".join(page.extract_text() or "" for page in reader.pages))


def test_rich_article_is_two_letter_pages(rich_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(rich_pdf))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == LETTER


def test_every_paragraph_in_order(rich_pdf: bytes) -> None:
    article = rich_article()
    text = document_text(rich_pdf)
    assert_in_order(
        text,
        [article.title, article.summary, *text_segments(article)]
        + [author.bio for author in article.authors]
        + ["The views expressed in this publication"],
    )


def test_parts_of_page_one_and_page_two(rich_pdf: bytes) -> None:
    first, second = page_texts(rich_pdf)
    assert first.startswith("Asia Pacific Bulletin")
    assert "Number 612 | March 9, 2023" in first
    assert "ANALYSIS" in first.upper()
    assert "Nguyễn Thị Lan and Kenji Ōtani" in first
    assert "do not necessarily reflect the policy or position of the publisher" in second
    assert "EastWestCenter.org/APB" in second
    assert "Asia Pacific Bulletin | Number 612 | March 9, 2023" in second


def test_fonts_are_embedded_subsets_of_the_shipped_families(rich_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(rich_pdf)) as pdf:
        names = set()
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                names.add(str(font.BaseFont).split("+", 1)[1])
    # Named as the PDF's stylesheet names the shipped families (`shipped_family`).
    serif, sans = (shipped_family(name).replace(" ", "-") for name in ("Noto Serif", "Noto Sans"))
    assert {serif, f"{sans}-Bold"} <= names
    # No fallback font: every glyph, Vietnamese and macrons included, came from fonts/.
    assert all(name.startswith((serif, sans)) for name in names), names


def test_tagged_with_language_title_and_metadata(rich_pdf: bytes) -> None:
    article = rich_article()
    with pikepdf.open(io.BytesIO(rich_pdf)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert bool(pdf.Root.MarkInfo.Marked)
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert 'pdfuaid:part="1"' in pdf.Root.Metadata.read_bytes().decode("utf-8")
        info = pdf.docinfo
        assert str(info.Title) == article.title
        assert str(info.Author) == "Nguyễn Thị Lan, Kenji Ōtani"
        assert str(info.Subject) == article.summary
        assert "Mekong" in str(info.Keywords)


def test_bookmarks_for_title_and_subheads(rich_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(rich_pdf))
    titles = []

    def collect(items: list[object]) -> None:
        for item in items:
            if isinstance(item, list):
                collect(item)
            else:
                titles.append(item.title)  # type: ignore[attr-defined]

    collect(reader.outline)
    assert titles[0] == rich_article().title
    assert "Upstream dams, downstream doubts" in titles


@pytest.mark.parametrize("words", [450, 900, 1500])
def test_generated_articles_fit_two_pages(words: int, tmp_path: Path) -> None:
    article = generated_article(words, seed=words)
    data = render(article, tmp_path)
    texts = page_texts(data)
    assert len(texts) == 2
    assert_in_order(document_text(data), text_segments(article))
    assert "The views expressed" in texts[1]


def test_short_article_keeps_largest_type_and_publisher_block_on_page_two(tmp_path: Path) -> None:
    article = generated_article(300, seed=3)
    texts = page_texts(render(article, tmp_path))
    assert len(texts) == 2
    assert "The views expressed" in texts[1]
    assert article.authors[0].bio in texts[1]


def test_too_long_article_is_refused_with_words_over(tmp_path: Path) -> None:
    with pytest.raises(RefusedError, match=r"about [\d,]+ words over"):
        render(generated_article(3400, seed=1), tmp_path)


def test_a4_paper(tmp_path: Path) -> None:
    data = render(generated_article(600, seed=2), tmp_path, paper="a4")
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_images_outside_the_article_folder_are_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "article"
    folder.mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    article = model.Article(
        title="Refused Images",
        body=(
            para("Before the figures."),
            model.Figure("../secret.png", "a secret"),
            model.Figure("/etc/hostname", "the host name"),
            model.Figure("http://127.0.0.1:9/x.png", "a remote image"),
            para("After the figures."),
        ),
    )
    text = document_text(render(article, folder))
    assert_in_order(text, ["Before the figures.", "After the figures."])
    hostname = Path("/etc/hostname").read_text().strip()
    assert hostname not in text


def test_list_numbers_stay_in_reading_order(tmp_path: Path) -> None:
    article = model.Article(
        title="Lists",
        body=(
            para("Before the list."),
            model.ListBlock(
                True,
                (
                    model.ListItem((para("first item"),)),
                    model.ListItem(
                        (
                            para("second item, with"),
                            model.ListBlock(False, (model.ListItem((para("a bullet"),)),)),
                        )
                    ),
                ),
                start=3,
            ),
            para("After the list."),
        ),
    )
    text = document_text(render(article, tmp_path))
    assert_in_order(
        text, ["Before the list.", "3. first item", "4. second item, with", "a bullet", "After"]
    )


@pytest.mark.parametrize("words", [400, 800, 1200, 1500])
def test_full_articles_fit_two_pages_in_few_passes(words: int, tmp_path: Path) -> None:
    article = full_article(words, seed=words)
    context = RenderContext(find_layout(None), tmp_path)
    result = layout_bulletin(article, context)
    assert len(result.document.pages) == 2
    assert 9.5 <= result.setting.body_size <= 12
    assert len(result.attempts) <= 5, result.explain()
    data = render(article, tmp_path)
    texts = page_texts(data)
    assert_in_order(document_text(data), [article.summary, *text_segments(article)])
    assert "The views expressed" in texts[1]


def artifact_text(data: bytes, page_index: int) -> str:
    """Return the text a page draws inside /Artifact marked content."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[page_index]
    stack: list[str] = []
    found: list[str] = []

    def before(operator: bytes, operands: list[object], *_: object) -> None:
        if operator in (b"BDC", b"BMC"):
            stack.append(str(operands[0]))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(chunk: str, *_: object) -> None:
        # pypdf hands over a run's text at the operator after it, inside the same sequence.
        if "/Artifact" in stack:
            found.append(chunk)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return normalise(" ".join(found))


def test_running_head_page_number_and_publisher_block_are_artifacts(rich_pdf: bytes) -> None:
    page_two = artifact_text(rich_pdf, 1)
    assert page_two.startswith("The East-West Center promotes better relations")
    assert "The views expressed in this publication" in page_two
    assert page_two.endswith("Asia Pacific Bulletin | Number 612 | March 9, 2023 2")
    assert "Kenji" not in page_two  # the bios are content
    assert "Mekong" not in artifact_text(rich_pdf, 0)


def test_figures_carry_their_alt_text(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "basin.png", tmp_path / "basin.png")
    article = model.Article(
        title="A Figure",
        body=(para("Text."), model.Figure("basin.png", "A map of the basin", (T("Caption"),))),
    )
    with pikepdf.open(io.BytesIO(render(article, tmp_path))) as pdf:
        figures = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if str(element.get("/S", "")) == "/Figure":
                figures.append(str(element.get("/Alt", "")))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary):
                    stack.append(kid)
        assert figures == ["A map of the basin"]


def test_print_mode_has_bleed_and_trim_boxes(tmp_path: Path) -> None:
    data = render(generated_article(700, seed=5), tmp_path, print_marks=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            assert trim == [0, 0, 612, 792]
            assert bleed == [-9, -9, 621, 801]  # 0.125 in = 9 pt on every side
        assert len(pdf.pages) == 2


def test_pdf_a_variant(tmp_path: Path) -> None:
    data = render(generated_article(700, seed=6), tmp_path, pdf_variant="pdf/a-3b")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = str(pdf.Root.Metadata.read_bytes(), "utf-8")
        assert 'pdfaid:part="3"' in xmp
        assert 'pdfaid:conformance="B"' in xmp
        assert "/OutputIntents" in pdf.Root


def test_links_are_live_and_dates_are_the_article_s(rich_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(rich_pdf)) as pdf:
        uris = [
            str(annotation.A.URI)
            for page in pdf.pages
            for annotation in page.obj.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        ]
        assert "https://example.org/mrc" in uris
        assert str(pdf.docinfo.CreationDate).startswith("D:20230309")


def test_short_article_without_bios_still_has_two_pages(tmp_path: Path) -> None:
    article = dataclasses.replace(generated_article(250, seed=8), authors=())
    texts = page_texts(render(article, tmp_path))
    assert len(texts) == 2
    assert "The views expressed" in texts[1] and "The views expressed" not in texts[0]


def test_links_cover_their_text_and_say_where_they_go(rich_pdf: bytes) -> None:
    import pypdfium2

    found: dict[str, str] = {}
    document = pypdfium2.PdfDocument(rich_pdf)
    try:
        with pikepdf.open(io.BytesIO(rich_pdf)) as pdf:
            for number, page in enumerate(pdf.pages):
                text = document[number].get_textpage()
                for annotation in page.obj.get("/Annots", []):
                    left, bottom, right, top = (float(v) for v in annotation.Rect)
                    assert left < right and bottom < top  # in order, of some height
                    covered = " ".join(text.get_text_bounded(left, bottom, right, top).split())
                    found[str(annotation.Contents)] = covered
    finally:
        document.close()
    # Each description says where the link goes; the rectangle holds the link's text.
    for number in (1, 2, 3):
        assert found[f"Note {number}"] == str(number)
        assert found[f"Back to the text of note {number}"] == f"{number}."
    assert "Mekong River" in found["Web page: example.org/mrc"]
    assert found["Web page: EastWestCenter.org/APB"] == "EastWestCenter.org/APB"


def test_a_character_set_in_a_face_outside_the_series_is_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    article = generated_article(700, seed=3)
    minus = dataclasses.replace(
        article, body=(para("Temperatures fell to \u22125 degrees."), *article.body)
    )
    with caplog.at_level("WARNING", logger="exporter"):
        render(article, tmp_path)
        assert not [r for r in caplog.records if "outside the series' fonts" in r.getMessage()]
        render(minus, tmp_path)
    (said,) = [r.getMessage() for r in caplog.records if "outside the series" in r.getMessage()]
    assert said.startswith("\u2212 (U+2212) set in ") and "Noto" not in said


def actual_texts(data: bytes) -> dict[str, list[str]]:
    """Return the `/ActualText` of the tagged PDF's structure elements, by type."""
    found: dict[str, list[str]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            kids = stack.pop().get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    if "/ActualText" in kid:
                        found.setdefault(str(kid.S), []).append(str(kid.ActualText))
                    stack.append(kid)
    return found


def test_scripts_and_the_kicker_read_as_written(tmp_path: Path) -> None:
    article = generated_article(700, seed=4)
    scripts = para(
        "It holds 10",
        model.Superscript((T("8"),)),
        " litres of H",
        model.Subscript((T("2"),)),
        "O and x",
        model.Superscript((T("ab"),)),
        ".",
    )
    article = dataclasses.replace(article, kicker="Analysis", body=(scripts, *article.body))
    found = actual_texts(render(article, tmp_path))
    assert found["/Span"] == ["\u2078", "\u2082", "^ab"]
    assert found["/P"] == ["Analysis"]

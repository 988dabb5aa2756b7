"""Tests of the DOCX writer: the parts of the package, and the document as LibreOffice prints it."""

from __future__ import annotations

import dataclasses
import datetime
import io
import shutil
import zipfile
from datetime import UTC
from pathlib import Path

import docx
import pypdf
import pytest
import yaml
from lxml import etree
from PIL import Image

from exporter import model
from exporter.context import RenderContext
from exporter.errors import LayoutError, UsageError
from exporter.layouts import find_layout
from exporter.walk import plain_text
from exporter.writers.docx import write_docx
from tests.articles import T, generated_article, para, rich_article
from tests.tools import (
    assert_in_order,
    libreoffice_to_pdf,
    normalise,
    pdf_text,
    text_without_page_furniture,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
RUNNING_HEAD = "Asia Pacific Bulletin | Number 612 | March 9, 2023"


def edge_article() -> model.Article:
    """Return an article with figures, odd links, a line break, code and two ordered lists."""
    return model.Article(
        title="Edge Cases of the Word Edition",
        number=None,
        date=None,
        lang="ja-JP",
        authors=(model.Author("岸田 文雄"),),
        body=(
            para("First ", model.Code("x = 1"), " then", model.LineBreak(), "a new line."),
            para(
                model.Link("javascript:alert(1)", (T("unsafe link"),)),
                " and ",
                model.Link("mailto:apb@example.org", (T("mail us"),), title="Write"),
                " and ",
                model.Link("#section", (T("an anchor"),)),
                model.NoteRef("a"),
            ),
            model.ListBlock(True, (model.ListItem((para("one"),)), model.ListItem((para("two"),)))),
            para("Between the lists, the first note again", model.NoteRef("a"), "."),
            model.ListBlock(
                True,
                (
                    model.ListItem((para("three"), para("three, continued"))),
                    model.ListItem((para("four"),)),
                ),
                start=3,
            ),
            model.Figure("chart.png", alt="A bar chart of river flow", caption=(T("Flow, 2023"),)),
            model.Figure("https://example.org/remote.png", alt="A remote picture"),
            model.Figure("../outside.png", alt="A picture outside the folder"),
        ),
        notes=(
            model.Footnote(
                "a",
                (para("The only note, see ", model.Link("https://example.org/n", (T("here"),))),),
            ),
        ),
    )


@pytest.fixture(scope="module")
def layout_context(tmp_path_factory: pytest.TempPathFactory) -> RenderContext:
    folder = tmp_path_factory.mktemp("article")
    Image.new("RGB", (400, 200), (11, 79, 108)).save(folder / "chart.png")
    Image.new("RGB", (10, 10)).save(folder.parent / "outside.png")
    return RenderContext(layout=find_layout(None), source_dir=folder)


@pytest.fixture(scope="module")
def rich_docx(layout_context: RenderContext) -> bytes:
    return write_docx(rich_article(), layout_context)


@pytest.fixture(scope="module")
def edge_docx(layout_context: RenderContext) -> bytes:
    return write_docx(edge_article(), dataclasses.replace(layout_context, paper="a4"))


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def expected_blocks(
    blocks: tuple[model.Block, ...], style: str = "Body Text"
) -> list[tuple[str, str]]:
    """Return the (style name, text) of the paragraphs the body blocks must become."""
    expected: list[tuple[str, str]] = []
    for block in blocks:
        if isinstance(block, model.Paragraph):
            expected.append((style, plain_text([block])))
        elif isinstance(block, model.Heading):
            expected.append((f"Heading {block.level}", plain_text([block])))
        elif isinstance(block, model.ListBlock):
            for item in block.items:
                for index, inner in enumerate(item.content):
                    if isinstance(inner, model.Paragraph):
                        name = "List Paragraph" if index == 0 else "List Continue"
                        expected.append((name, plain_text([inner])))
                    else:
                        expected.extend(expected_blocks((inner,)))
        elif isinstance(block, model.BlockQuote):
            expected.extend(expected_blocks(block.content, "Quote"))
        elif isinstance(block, model.PullQuote):
            expected.extend(expected_blocks(block.content, "Pull Quote"))
    return expected


def test_every_part_in_order_in_its_named_style(rich_docx: bytes) -> None:
    article = rich_article()
    series = find_layout(None).series
    expected = [
        ("Kicker", "Analysis"),
        ("Title", article.title),
        ("Subtitle", article.subtitle),
        ("Byline", "Nguyễn Thị Lan and Kenji Ōtani"),  # the PDF's wording
        ("Summary", article.summary),
        *expected_blocks(article.body),
        *(("Bio", author.bio) for author in article.authors),
        # What the page prints without a place in the body, for the translator.
        *(("Affiliation", a.affiliation) for a in article.authors if a.affiliation),
        *(("Keyword", keyword) for keyword in article.keywords),
    ]
    document = open_docx(rich_docx)
    written = [(p.style.name, p.text) for p in document.paragraphs]
    assert written == expected
    # The series' texts are in page 1's header and footer, not among the article's.
    section = document.sections[0]
    assert [(p.style.name, p.text) for p in section.first_page_header.paragraphs] == [
        ("Do Not Translate - Masthead", f"{series.name}\t{series.publisher}"),
        ("Do Not Translate - Issue Line", "Number 612 | March 9, 2023"),
    ]
    assert [(p.style.name, p.text) for p in section.first_page_footer.paragraphs] == [
        ("Do Not Translate - Publisher Block", series.mission),
        ("Do Not Translate - Publisher Block", series.statement),
        *(("Do Not Translate - Publisher Block", editor) for editor in series.editors),
        ("Do Not Translate - Publisher Block", series.disclaimer),
        ("Do Not Translate - Publisher Block", series.web),
    ]


def test_styles_carry_the_print_fonts_and_word_semantics(rich_docx: bytes) -> None:
    styles = part(rich_docx, "word/styles.xml")

    def style(style_id: str) -> etree._Element:
        (found,) = styles.xpath(f"w:style[@w:styleId='{style_id}']", namespaces=NS)
        return found

    def font(style_id: str) -> str:
        return str(style(style_id).xpath("string(w:rPr/w:rFonts/@w:ascii)", namespaces=NS))

    assert font("Normal") == "Noto Serif"
    assert font("Title") == "Noto Sans"
    assert font("Heading2") == "Noto Sans"
    assert not style("Heading2").xpath("w:rPr/w:rFonts/@w:asciiTheme", namespaces=NS)
    assert style("Heading2").xpath("string(w:pPr/w:outlineLvl/@w:val)", namespaces=NS) == "1"
    assert style("Heading3").xpath("string(w:pPr/w:outlineLvl/@w:val)", namespaces=NS) == "2"
    assert style("Heading2").xpath("string(w:name/@w:val)", namespaces=NS) == "heading 2"
    assert style("FootnoteText").xpath("string(w:name/@w:val)", namespaces=NS) == "footnote text"
    do_not_translate = style("DoNotTranslate-PublisherBlock")
    assert do_not_translate.xpath("string(w:basedOn/@w:val)", namespaces=NS) == "DoNotTranslate"


def test_core_properties_and_language(rich_docx: bytes, edge_docx: bytes) -> None:
    properties = open_docx(rich_docx).core_properties
    assert properties.title == rich_article().title
    assert properties.author == "Nguyễn Thị Lan; Kenji Ōtani"
    assert properties.subject == rich_article().summary
    assert properties.keywords == "Mekong, water security, Japan"
    assert properties.language == "en"
    assert properties.created == properties.modified == datetime.datetime(2023, 3, 9, tzinfo=UTC)
    lang = part(rich_docx, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None
    assert dict(lang.attrib) == {f"{{{W}}}val": "en"}
    lang = part(edge_docx, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None
    assert lang.get(f"{{{W}}}val") == lang.get(f"{{{W}}}eastAsia") == "ja-JP"


def test_three_real_footnotes(rich_docx: bytes) -> None:
    notes = part(rich_docx, "word/footnotes.xml")
    kinds = notes.xpath("w:footnote/@w:type", namespaces=NS)
    assert kinds == ["separator", "continuationSeparator"]
    real = notes.xpath("w:footnote[not(@w:type)]", namespaces=NS)
    texts = [normalise("".join(n.xpath(".//w:t/text()", namespaces=NS))) for n in real]
    assert texts == [plain_text(note.content) for note in rich_article().notes]
    for note in real:
        assert note.xpath("w:p[1]/w:pPr/w:pStyle/@w:val", namespaces=NS) == ["FootnoteText"]
        assert note.xpath("w:p[1]/w:r[1]/w:footnoteRef", namespaces=NS)
    calls = part(rich_docx, "word/document.xml").xpath("//w:footnoteReference/@w:id", namespaces=NS)
    assert calls == ["1", "2", "3"]
    content_types = part(rich_docx, "[Content_Types].xml")
    assert any(
        o.get("PartName") == "/word/footnotes.xml" and "footnotes+xml" in o.get("ContentType", "")
        for o in content_types
    )
    settings = part(rich_docx, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["-1", "0"]


def test_repeated_note_call_repeats_its_number(edge_docx: bytes) -> None:
    document = part(edge_docx, "word/document.xml")
    assert document.xpath("//w:footnoteReference/@w:id", namespaces=NS) == ["1"]
    repeated = document.xpath(
        "//w:r[w:rPr/w:rStyle/@w:val='FootnoteReference']/w:t/text()", namespaces=NS
    )
    assert repeated == ["1"]


def number_format(numbering: etree._Element, item: etree._Element) -> str:
    """Return the numFmt (bullet, decimal) that a list paragraph's numbering gives it."""
    num_id = item.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS)
    level = item.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS)
    abstract = numbering.xpath(
        f"string(w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val)", namespaces=NS
    )
    definition = f"w:abstractNum[@w:abstractNumId='{abstract}']"
    path = f"string({definition}/w:lvl[@w:ilvl='{level}']/w:numFmt/@w:val)"
    return str(numbering.xpath(path, namespaces=NS))


def test_note_links_relate_from_the_footnotes_part(edge_docx: bytes) -> None:
    notes = part(edge_docx, "word/footnotes.xml")
    (hyperlink,) = notes.xpath("//w:hyperlink", namespaces=NS)
    relationships = part(edge_docx, "word/_rels/footnotes.xml.rels")
    (target,) = relationships.xpath(
        f"//*[@Id='{hyperlink.get(f'{{{R}}}id')}']/@Target", namespaces=NS
    )
    assert target == "https://example.org/n"


def test_notes_nobody_calls_go_under_a_notes_subhead(layout_context: RenderContext) -> None:
    article = dataclasses.replace(
        rich_article(), body=(para("No calls here."),), notes=rich_article().notes[:1]
    )
    data = write_docx(article, layout_context)
    paragraphs = [(p.style.name, p.text) for p in open_docx(data).paragraphs]
    start = paragraphs.index(("Body Text", "No calls here."))
    assert paragraphs[start + 1 : start + 3] == [
        ("Heading 2", "Notes"),
        ("footnote text", plain_text(article.notes[0].content)),
    ]
    assert "word/footnotes.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_lists_are_real_word_numbering(rich_docx: bytes, edge_docx: bytes) -> None:
    for data in (rich_docx, edge_docx):
        document = part(data, "word/document.xml")
        numbering = part(data, "word/numbering.xml")
        items = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListParagraph']", namespaces=NS)
        assert items
        for item in items:
            assert item.xpath("w:pPr/w:numPr/w:numId", namespaces=NS)

        formats = [number_format(numbering, item) for item in items]
        if data is rich_docx:
            assert formats == ["bullet", "bullet", "decimal", "decimal", "bullet"]
            levels = [i.xpath("string(w:pPr/w:numPr/w:ilvl/@w:val)", namespaces=NS) for i in items]
            assert levels == ["0", "0", "1", "1", "0"]
        else:
            assert formats == ["decimal"] * 4
            num_ids = [
                i.xpath("string(w:pPr/w:numPr/w:numId/@w:val)", namespaces=NS) for i in items
            ]
            assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]
            starts = [
                numbering.xpath(
                    f"string(w:num[@w:numId='{n}']/w:lvlOverride/w:startOverride/@w:val)",
                    namespaces=NS,
                )
                for n in (num_ids[0], num_ids[2])
            ]
            assert starts == ["1", "3"]
            continued = document.xpath("//w:p[w:pPr/w:pStyle/@w:val='ListContinue']", namespaces=NS)
            assert len(continued) == 1
            assert not continued[0].xpath("w:pPr/w:numPr", namespaces=NS)


def test_links_are_hyperlinks_only_for_safe_schemes(rich_docx: bytes, edge_docx: bytes) -> None:
    rich = open_docx(rich_docx)
    targets = [
        rel.target_ref for rel in rich.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert targets == ["https://example.org/mrc"]
    hyperlink = part(rich_docx, "word/document.xml").find(".//w:hyperlink", NS)
    assert hyperlink is not None
    assert rich.part.rels[hyperlink.get(f"{{{R}}}id")].is_external
    edge = open_docx(edge_docx)
    targets = [
        rel.target_ref for rel in edge.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert targets == ["mailto:apb@example.org"]
    (link_paragraph,) = [p for p in edge.paragraphs if p.text.startswith("unsafe link")]
    assert link_paragraph.text == "unsafe link and mail us and an anchor"
    assert [h.text for h in link_paragraph.hyperlinks] == ["mail us"]


def test_header_footer_and_page(rich_docx: bytes, edge_docx: bytes) -> None:
    section = open_docx(rich_docx).sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.header.paragraphs] == [RUNNING_HEAD]
    assert section.header.paragraphs[0].style.name == "Do Not Translate - Running Head"
    assert section.first_page_header.paragraphs[0].style.name == "Do Not Translate - Masthead"
    assert not section.first_page_footer._element.xpath(".//w:fldSimple")
    assert section.footer._element.xpath(".//w:fldSimple[contains(@w:instr, 'PAGE')]")
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    assert section.left_margin.inches == pytest.approx(0.7)
    assert section.top_margin.inches == pytest.approx(0.7)
    edge_section = open_docx(edge_docx).sections[0]
    assert (round(edge_section.page_width.mm), round(edge_section.page_height.mm)) == (210, 297)
    assert [p.text for p in edge_section.header.paragraphs] == ["Asia Pacific Bulletin"]


def test_no_issue_line_when_neither_number_nor_date(edge_docx: bytes) -> None:
    section = open_docx(edge_docx).sections[0]
    header = [p.style.name for p in section.first_page_header.paragraphs]
    assert header == ["Do Not Translate - Masthead"]
    styles = [p.style.name for p in open_docx(edge_docx).paragraphs]
    assert "Kicker" not in styles
    assert styles[:2] == ["Title", "Byline"]


def test_figures_embed_allowed_images_only(
    edge_docx: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    document = open_docx(edge_docx)
    figures = [p for p in document.paragraphs if p.style.name == "Figure"]
    assert [p.text for p in figures] == ["", "A remote picture", "A picture outside the folder"]
    (shape,) = document.inline_shapes
    assert shape._inline.docPr.get("descr") == "A bar chart of river flow"
    assert shape.width <= document.sections[0].page_width - 2 * document.sections[0].left_margin
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions == ["Flow, 2023"]
    images = [n for n in zipfile.ZipFile(io.BytesIO(edge_docx)).namelist() if "media" in n]
    assert len(images) == 1


def test_no_manual_breaks_text_boxes_or_empty_paragraphs(
    rich_docx: bytes, edge_docx: bytes
) -> None:
    for data, line_breaks in ((rich_docx, 0), (edge_docx, 1)):
        document = part(data, "word/document.xml")
        assert len(document.xpath("//w:br", namespaces=NS)) == line_breaks
        assert not document.xpath("//w:txbxContent | //w:pict", namespaces=NS)
        for paragraph in document.xpath("//w:body/w:p", namespaces=NS):
            has_content = paragraph.xpath(".//w:t/text() | .//w:drawing", namespaces=NS)
            assert has_content, etree.tostring(paragraph)
    # A justified line that ends in a model line break must not be spread across the column.
    settings = part(edge_docx, "word/settings.xml")
    assert settings.xpath("w:compat/w:doNotExpandShiftReturn", namespaces=NS)


def test_code_and_emphasis_formatting(rich_docx: bytes, edge_docx: bytes) -> None:
    rich = part(rich_docx, "word/document.xml")
    assert rich.xpath("//w:r[w:rPr/w:i]/w:t/text()", namespaces=NS) == ["Every"]
    assert rich.xpath("//w:r[w:rPr/w:b]/w:t/text()", namespaces=NS) == ["scarce"]
    edge = part(edge_docx, "word/document.xml")
    assert edge.xpath("//w:r[w:rPr/w:rStyle/@w:val='Code']/w:t/text()", namespaces=NS) == ["x = 1"]


def test_output_is_byte_stable(layout_context: RenderContext, rich_docx: bytes) -> None:
    assert write_docx(rich_article(), layout_context) == rich_docx
    with zipfile.ZipFile(io.BytesIO(rich_docx)) as package:
        assert {info.date_time for info in package.infolist()} == {(2023, 3, 9, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in package.namelist()


def test_a_layout_without_a_style_for_a_part_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "apb"
    shutil.copytree(find_layout(None).folder, folder)
    source = folder / "docx-styles.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    del data["parts"]["bio"]
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    context = RenderContext(layout=find_layout(str(folder)), source_dir=tmp_path)
    with pytest.raises(LayoutError, match="bio"):
        write_docx(rich_article(), context)


# -- LibreOffice: every document of this module converted in one run ------------------


@pytest.fixture(scope="module")
def office_pdfs(
    tmp_path_factory: pytest.TempPathFactory, rich_docx: bytes, edge_docx: bytes
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office")
    context = RenderContext(layout=find_layout(None), source_dir=folder)
    documents = {
        "rich": rich_docx,
        "edge": edge_docx,
        "long": write_docx(generated_article(1100, seed=3), context),
    }
    paths = []
    for name, data in documents.items():
        path = folder / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    pdfs = libreoffice_to_pdf(paths, folder)
    return dict(zip(documents, pdfs, strict=True))


def printed_texts(article: model.Article) -> list[str]:
    """Return the text of each body paragraph as printed, note calls as their numbers."""
    numbers = {note.label: str(i) for i, note in enumerate(article.notes, start=1)}

    def with_calls(node: object) -> object:
        if isinstance(node, model.NoteRef):
            return T(numbers[node.note])
        if isinstance(node, model.Paragraph):
            return model.Paragraph(tuple(with_calls(i) for i in node.content))  # type: ignore[misc]
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            changes = {
                f.name: tuple(with_calls(v) for v in getattr(node, f.name))
                for f in dataclasses.fields(node)
                if f.name in ("content", "items")
            }
            return dataclasses.replace(node, **changes)
        return node

    body = tuple(with_calls(block) for block in article.body)
    return [text for _style, text in expected_blocks(body)]  # type: ignore[arg-type]


@pytest.mark.slow
def test_libreoffice_prints_every_paragraph_in_order(office_pdfs: dict[str, Path]) -> None:
    article = rich_article()
    text = pdf_text(office_pdfs["rich"])
    assert_in_order(
        text,
        [
            "Asia Pacific Bulletin",
            "Number 612 | March 9, 2023",
            article.title,
            article.subtitle,
            article.summary,
            *printed_texts(article),
            *(author.bio for author in article.authors),
        ],
    )
    for note in article.notes:
        assert normalise(plain_text(note.content)) in text
    series = find_layout(None).series
    assert normalise(series.disclaimer) in text
    long_article = generated_article(1100, seed=3)
    long_text = text_without_page_furniture(
        office_pdfs["long"], "Asia Pacific Bulletin | Number 700 | January 15, 2024"
    )
    assert_in_order(long_text, [long_article.title, *printed_texts(long_article)])


@pytest.mark.slow
def test_libreoffice_prints_lists_figures_and_page_furniture(office_pdfs: dict[str, Path]) -> None:
    edge = pdf_text(office_pdfs["edge"])
    assert "First x = 1 then a new line." in edge
    assert_in_order(edge, ["1. one", "2. two", "3. three", "three, continued", "4. four"])
    assert_in_order(edge, ["A remote picture", "A picture outside the folder"])
    assert "Flow, 2023" in edge
    rich_pages = pypdf.PdfReader(office_pdfs["rich"]).pages
    assert "• release schedules" in normalise(rich_pages[0].extract_text())
    long_pages = [normalise(p.extract_text()) for p in pypdf.PdfReader(office_pdfs["long"]).pages]
    assert len(long_pages) >= 2
    assert "Asia Pacific Bulletin | Number 700" not in long_pages[0]
    for number, page_text in enumerate(long_pages[1:], start=2):
        assert page_text.startswith("Asia Pacific Bulletin | Number 700 | January 15, 2024")
        assert page_text.endswith(str(number))
    a4 = pypdf.PdfReader(office_pdfs["edge"]).pages[0].mediabox
    letter = rich_pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


@pytest.mark.parametrize(
    ("lang", "slots"),
    [("he", {"val": "he", "bidi": "he"}), ("ko-KR", {"val": "ko-KR", "eastAsia": "ko-KR"})],
)
def test_language_goes_into_the_slot_of_its_script(
    layout_context: RenderContext, lang: str, slots: dict[str, str]
) -> None:
    data = write_docx(dataclasses.replace(rich_article(), lang=lang), layout_context)
    found = part(data, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert found is not None
    assert dict(found.attrib) == {f"{{{W}}}{slot}": value for slot, value in slots.items()}


def test_every_bulletin_part_has_a_named_style(rich_docx: bytes) -> None:
    names = {s.name for s in open_docx(rich_docx).styles}
    wanted = [
        "Do Not Translate - Masthead",
        "Do Not Translate - Issue Line",
        "Kicker",
        "Title",
        "Summary",
        "Body Text",
        "Heading 2",
        "Heading 3",
        "List Paragraph",
        "Quote",
        "Pull Quote",
        "footnote text",
        "Bio",
        "Do Not Translate - Publisher Block",
    ]
    assert [name for name in wanted if name not in names] == []


def test_the_styles_part_defines_what_the_document_uses_and_no_more(rich_docx: bytes) -> None:
    styles = part(rich_docx, "word/styles.xml")
    defined = {s.get(f"{{{W}}}styleId"): s for s in styles.iterfind("w:style", NS)}
    named: set[str] = set()
    with zipfile.ZipFile(io.BytesIO(rich_docx)) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml") and name != "word/styles.xml":
                root = etree.fromstring(package.read(name))
                named |= set(root.xpath("//w:pStyle/@w:val | //w:rStyle/@w:val", namespaces=NS))
                named |= set(root.xpath("//w:tblStyle/@w:val", namespaces=NS))
    assert named - defined.keys() == set()
    needed = set(named) | {i for i, s in defined.items() if s.get(f"{{{W}}}default") == "1"}
    needed |= {i for i, s in defined.items() if s.get(f"{{{W}}}customStyle") == "1"}
    links = "w:basedOn/@w:val | w:link/@w:val | w:next/@w:val"
    for style in list(defined.values()):
        needed |= set(style.xpath(links, namespaces=NS))
    # python-docx's template brings about 160 of Word's styles; none is left unused.
    assert set(defined) - needed == set()
    assert "MacroText" not in defined and "LightShading-Accent1" not in defined
    # Word's own styles still come with their latent definitions.
    assert styles.find("w:latentStyles", NS) is not None


def test_reference_docx_styles_replace_ours_by_name(
    layout_context: RenderContext, rich_docx: bytes, tmp_path: Path
) -> None:
    # A user's reference: our own output with Body Text restyled and its id renamed, as
    # LibreOffice renames it ("TextBody") when it saves.
    styles = part(rich_docx, "word/styles.xml")
    (body,) = styles.xpath("w:style[@w:styleId='BodyText']", namespaces=NS)
    body.set(f"{{{W}}}styleId", "TextBody")
    body.find("w:rPr/w:sz", NS).set(f"{{{W}}}val", "30")
    for bio in styles.xpath("w:style[w:basedOn/@w:val='BodyText']/w:basedOn", namespaces=NS):
        bio.set(f"{{{W}}}val", "TextBody")
    unused = etree.SubElement(styles, f"{{{W}}}style", {f"{{{W}}}type": "paragraph"})
    unused.set(f"{{{W}}}styleId", "HouseMemo")
    etree.SubElement(unused, f"{{{W}}}name").set(f"{{{W}}}val", "House Memo")
    reference = tmp_path / "reference.docx"
    with zipfile.ZipFile(io.BytesIO(rich_docx)) as source, zipfile.ZipFile(reference, "w") as out:
        for name in source.namelist():
            content = source.read(name)
            out.writestr(name, etree.tostring(styles) if name == "word/styles.xml" else content)
    context = dataclasses.replace(layout_context, reference_docx=reference)
    data = write_docx(dataclasses.replace(rich_article(), lang="vi"), context)
    merged = part(data, "word/styles.xml")
    (body,) = merged.xpath("w:style[w:name/@w:val='Body Text']", namespaces=NS)
    assert body.get(f"{{{W}}}styleId") == "BodyText"
    assert body.xpath("string(w:rPr/w:sz/@w:val)", namespaces=NS) == "30"
    (bio,) = merged.xpath("w:style[@w:styleId='Bio']", namespaces=NS)
    assert bio.xpath("string(w:basedOn/@w:val)", namespaces=NS) == "BodyText"
    # The reference's styles are the user's: those the article does not use stay too.
    assert merged.xpath("w:style[@w:styleId='HouseMemo']", namespaces=NS) != []
    lang = merged.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None and lang.get(f"{{{W}}}val") == "vi"
    assert [p.text for p in open_docx(data).paragraphs] == [
        p.text
        for p in open_docx(
            write_docx(dataclasses.replace(rich_article(), lang="vi"), layout_context)
        ).paragraphs
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a zip", "not a ZIP archive"), (None, "cannot read it")],
)
def test_a_bad_reference_docx_is_one_usage_error(
    layout_context: RenderContext, tmp_path: Path, content: bytes | None, message: str
) -> None:
    reference = tmp_path / "reference.docx"
    if content is not None:
        reference.write_bytes(content)
    context = dataclasses.replace(layout_context, reference_docx=reference)
    with pytest.raises(UsageError, match=message) as caught:
        write_docx(rich_article(), context)
    assert str(caught.value).startswith(f"{reference}: --reference-docx: ")

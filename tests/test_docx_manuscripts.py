"""Authors' Word manuscripts: each feature on a small made file (tests/fixtures/docx-made).

The files are made by scripts/make_docx_fixtures.py. Every word must come through,
or a warning must say where it went.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import zipfile
from pathlib import Path

import httpx
import pytest

from exporter import model
from exporter.cli import main
from exporter.readers import load_with_media
from exporter.readers.docx.fields import parse_hyperlink
from exporter.readers.docx.math import linear
from exporter.readers.docx.symbols import symbol_character
from exporter.readers.docx.title import (
    is_junk_title,
    looks_like_person,
    person_in_property,
    readable_file_name,
)
from exporter.readers.media import Media
from exporter.walk import plain_text, query
from tests.test_serve_api import running_server
from tests.test_serve_pages import open_form

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MADE = FIXTURES / "docx-made"
BROKEN = FIXTURES / "docx-broken"
PNG = b"\x89PNG\r\n\x1a\n"


def read(name: str, caplog: pytest.LogCaptureFixture) -> tuple[model.Article, Media]:
    with caplog.at_level(logging.WARNING, "exporter"):
        return load_with_media(MADE / name)


def texts(article: model.Article) -> list[str]:
    return [plain_text([block]).strip() for block in article.body]


# -- pictures --------------------------------------------------------------------------


def test_a_paragraph_holding_a_picture_keeps_its_words(caplog: pytest.LogCaptureFixture) -> None:
    article, media = read("pictures.docx", caplog)
    first, figure = article.body[0], article.body[1]
    assert plain_text([first]) == "This picture is an identicon."
    assert figure == model.Figure("image1.png", "A red identicon")
    assert media.files["image1.png"].startswith(PNG)


def test_pictures_without_a_description_and_in_vml(caplog: pytest.LogCaptureFixture) -> None:
    article, media = read("pictures.docx", caplog)
    figures = query(article, model.Figure)
    assert [f.alt for f in figures] == ["A red identicon", "Image 2", "A blue square"]
    assert figures[2].src == "image2.png"  # the same picture part, extracted once
    assert figures[2].caption == (model.Text("Figure 2: the square again"),)
    assert sorted(media.files) == ["image1.png", "image2.png"]
    assert "An old picture: in VML." in texts(article)
    assert "1 picture(s) have no description" in caplog.text


def test_import_writes_the_pictures_beside_the_article(tmp_path: Path) -> None:
    out = tmp_path / "out" / "story.md"
    assert main(["import", str(MADE / "pictures.docx"), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "story-image1.png",
        "story-image2.png",
        "story.md",
    ]
    text = out.read_text()
    assert "story-image1.png" in text and "This picture" in text
    assert (out.parent / "story-image1.png").read_bytes().startswith(PNG)


def test_a_failed_import_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "story.md"
    out.write_text("the earlier version\n")
    real_replace = os.replace

    def failing(source: str, target: str | Path) -> None:
        if str(target).endswith(".md"):
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    assert main(["import", str(MADE / "pictures.docx"), "-o", str(out)]) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["story.md"]
    assert out.read_text() == "the earlier version\n"


def test_a_refused_import_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "broken.md"
    code = main(["import", str(BROKEN / "broken-poi-truncated62886.docx"), "-o", str(out)])
    assert code == 2
    assert list(tmp_path.iterdir()) == []


def test_the_web_app_imports_pictures_beside_the_article(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    shutil.copy(FIXTURES.parent.parent / "examples" / "japan-rok-relations.md", folder)
    with running_server(folder) as url, httpx.Client(base_url=url, timeout=120) as browser:
        hidden, _page = open_form(browser, "japan-rok-relations.md")
        answer = browser.post(
            "/import",
            data={"csrf": hidden["csrf"]},
            files={"file": ("pictures.docx", (MADE / "pictures.docx").read_bytes())},
        )
        assert answer.status_code == 303
        name = answer.headers["location"].removeprefix("/articles/")
        assert name == "pictures-in-the-text.md"
        text = (folder / name).read_text()
        assert "pictures-in-the-text-image1.png" in text
        assert (folder / "pictures-in-the-text-image1.png").read_bytes().startswith(PNG)
        assert (folder / "pictures-in-the-text-image2.png").is_file()
        page = browser.get(answer.headers["location"]).text
        assert "wrote pictures-in-the-text-image1.png beside it" in page


# -- text boxes, content controls, frames, drop caps ------------------------------------


def test_boxes_and_controls_keep_their_text_once_in_place(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("boxes.docx", caplog)
    assert texts(article)[:5] == [
        "Before the box.",
        "Inside the text box.",
        "A framed paragraph.",
        "A block content control.",
        "A run content control inside.",
    ]
    table = article.body[5]
    assert isinstance(table, model.Table)
    assert plain_text(table.body[0].cells[0].content) == "Body copy"
    assert texts(article)[-1] == "Drop cap."


# -- fields, links and bookmarks ---------------------------------------------------------


def test_links_keep_fragments_and_fields_become_links(caplog: pytest.LogCaptureFixture) -> None:
    article, _ = read("fields.docx", caplog)
    links = [(link.url, plain_text(link.content)) for link in query(article, model.Link)]
    assert links == [
        ("https://example.org/README.html#synopsis", "the synopsis"),
        ("https://example.org/simple", "a simple field"),
        ("https://example.org/complex", "a complex field"),
        ("#Method", "the method"),
        ("#Toc1", "the results"),
    ]
    assert [a.id for a in query(article, model.Anchor)] == ["Method", "Toc1"]
    second = texts(article)[1]
    assert "and to a lost place. Page 7, see Method." in second
    assert "HYPERLINK" not in second and "PAGE" not in second
    assert "point at a place not kept" in caplog.text and "'a lost place'" in caplog.text


def test_hyperlink_field_codes() -> None:
    found = parse_hyperlink(' HYPERLINK "https://e.org/a b" \\l "part" \\o "Tip" ')
    assert found is not None
    assert (found.url, found.anchor, found.tooltip) == ("https://e.org/a b", "part", "Tip")
    assert parse_hyperlink(" PAGEREF _Toc1 \\h ") is None


# -- tracked changes, comments, notes ----------------------------------------------------


def test_tracked_changes_read_as_accepted_and_comments_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("changes.docx", caplog)
    assert texts(article) == ["Kept inserted words moved here."]
    assert "read 4 tracked change(s) as accepted" in caplog.text
    assert "left out 2 comment(s)" in caplog.text


def test_footnotes_and_endnotes_are_notes_in_order_of_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("notes.docx", caplog)
    assert [ref.note for ref in query(article.body[0], model.NoteRef)] == ["1", "2"]
    endnote, footnote = article.notes
    assert plain_text(endnote.content) == "An endnote with a link"
    assert query(endnote, model.Link)[0].url == "https://example.org/source"
    assert query(footnote, model.Emphasis) == [model.Emphasis((model.Text("italics"),))]


# -- scripts, formatting the model lacks, equations, symbols -----------------------------


def test_superscript_and_subscript_stay_apart(caplog: pytest.LogCaptureFixture) -> None:
    article, _ = read("formulas.docx", caplog)
    assert article.body[0] == model.Paragraph(
        (
            model.Text("An area in m"),
            model.Superscript((model.Text("2"),)),
            model.Text(" and a molecule m"),
            model.Subscript((model.Text("2"),)),
            model.Text("."),
        )
    )


def test_formatting_without_a_kind_keeps_its_text_and_warns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("formulas.docx", caplog)
    assert texts(article)[1] == "Struck and underlined and small capitals words."
    for kind in ("in strike-through", "underlined passage", "in small capitals"):
        assert f"1 passage(s) {kind}" in caplog.text or f"1 {kind}" in caplog.text


def test_equations_as_linear_text_and_symbols_as_characters(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("formulas.docx", caplog)
    assert texts(article)[2] == "The equation a/b+x^2=√(y) holds, for α and ∞."
    assert "1 equation(s) kept as linear text" in caplog.text
    assert symbol_character("Wingdings", "F0FC") == "✓"
    assert symbol_character("Symbol", "F0B3") == "≥"
    assert symbol_character("Arial", "2192") == "→"


def test_linear_forms_of_equation_constructs() -> None:
    from lxml import etree

    m = "http://schemas.openxmlformats.org/officeDocument/2006/math"

    def equation(inner: str) -> str:
        return linear(etree.fromstring(f'<m:oMath xmlns:m="{m}">{inner}</m:oMath>'))

    def r(text: str) -> str:
        return f"<m:r><m:t>{text}</m:t></m:r>"

    assert equation(f"<m:sSub><m:e>{r('x')}</m:e><m:sub>{r('i+1')}</m:sub></m:sSub>") == "x_(i+1)"
    assert (
        equation(
            '<m:nary><m:naryPr><m:chr m:val="∑"/></m:naryPr>'
            f"<m:sub>{r('i=1')}</m:sub><m:sup>{r('n')}</m:sup><m:e>{r('i')}</m:e></m:nary>"
        )
        == "∑_(i=1)^n i"
    )
    assert equation(f"<m:d><m:e>{r('a')}</m:e><m:e>{r('b')}</m:e></m:d>") == "(a|b)"


# -- tables ------------------------------------------------------------------------------


def test_tables_with_merged_cells_header_alignment_and_caption(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("tables.docx", caplog)
    table = article.body[0]
    assert isinstance(table, model.Table)
    assert table.caption == (model.Text("Table 1: Sales by region"),)
    assert [[plain_text(c.content) for c in row.cells] for row in table.head] == [
        ["Region", "Sales", ""]
    ]
    assert [[plain_text(c.content) for c in row.cells] for row in table.body] == [
        ["North", "10", "12"],
        ["", "11", "13"],
        ["South", "20 inner a; inner b", ""],
    ]
    assert table.align == ("", "right", "right")
    assert "1 table(s) inside table cells" in caplog.text


def test_a_bold_first_row_is_a_header_and_a_one_cell_table_a_box(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("tables.docx", caplog)
    second = article.body[1]
    assert isinstance(second, model.Table)
    assert second.head == (
        model.TableRow(
            (model.TableCell((model.Text("Name"),)), model.TableCell((model.Text("Value"),)))
        ),
    )
    assert texts(article)[2:] == [
        "After the tables.",
        "A boxed paragraph.",
        "Its second paragraph.",
    ]


def test_the_json_of_an_import_holds_tables_and_scripts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import", str(MADE / "tables.docx"), "--to", "json"]) == 0
    tables = json.loads(capsys.readouterr().out)
    assert [block["type"] for block in tables["body"]].count("table") == 2
    assert main(["import", str(MADE / "formulas.docx"), "--to", "json"]) == 0
    formulas = capsys.readouterr().out
    assert '"type": "superscript"' in formulas and '"type": "subscript"' in formulas


def test_what_libreoffice_writes(caplog: pytest.LogCaptureFixture) -> None:
    article, _ = read("libreoffice.docx", caplog)
    assert article.title == "From LibreOffice"
    assert query(article, model.Subscript) == [model.Subscript((model.Text("2"),))]
    assert query(article, model.Superscript) == [model.Superscript((model.Text("2"),))]
    table = query(article, model.Table)[0]
    assert [plain_text(c.content) for c in table.head[0].cells] == ["Item", "Price", ""]
    assert "a. alpha item" in texts(article)
    assert query(article, model.Link)[0].url == "https://example.org/page#part"


# -- front matter and the title ----------------------------------------------------------


def test_front_matter_from_author_date_abstract_and_subtitle_paragraphs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article, _ = read("front-matter.docx", caplog)
    assert article.title == "Rivers and Their Cities"
    assert article.subtitle == "A short history"
    assert [a.name for a in article.authors] == ["Ana Pérez", "Bao Trần"]
    assert str(article.date) == "2024-03-03"
    assert article.summary == "Cities grew where rivers met the sea."
    assert "looks like a leftover" in caplog.text and "Windows User" not in str(article)
    assert texts(article) == [
        "The body begins here.",
        "A header-styled body line.",
        "A footer-styled body line.",
        "A caption-styled line.",
        "A footnote-text-styled line.",
        "A subhead on two lines",
    ]
    assert "1 subhead(s) held line breaks" in caplog.text


@pytest.mark.parametrize(
    ("name", "title", "said"),
    [
        ("title-heading.docx", "The Heading Title", "took the first Heading 1"),
        ("title-bold-line.docx", "A Bold Opening Line", "took the first paragraph"),
        ("field_notes-2024.docx", "Field notes 2024", "from the file name"),
    ],
)
def test_title_fallbacks(
    name: str, title: str, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    article, _ = read(name, caplog)
    assert article.title == title
    assert said in caplog.text
    assert "fill `authors`" in caplog.text
    assert title not in texts(article)


def test_leftover_titles_and_names_that_are_not_people() -> None:
    for leftover in ("Normal.dot", "Microsoft Word - report.doc", "DOP_1013A", "Untitled", "x2y"):
        assert is_junk_title(leftover), leftover
    for title in ("Mars", "The Zen of Python", "Rivers and Their Cities"):
        assert not is_junk_title(title), title
    for account in (
        "Microsoft account",
        "Учетная запись Майкрософт",
        "Windows User",
        "jharrop",
        "i",
        "eng-dept",
        "Online2PDF.com",
        "ada@example.org",
    ):
        assert not looks_like_person(account), account
    for person in ("Ada Lovelace", "Ludwig van Beethoven", "J. R. Smith", "山田太郎"):
        assert looks_like_person(person), person
    assert readable_file_name("annual_report-2024.docx") == "Annual report 2024"
    assert person_in_property("Allison, Timothy B.") == ["Timothy B. Allison"]
    assert person_in_property("Ana Pérez; Bao Trần") == ["Ana Pérez", "Bao Trần"]
    assert person_in_property("The Discovery Museums") == []


# -- lists -------------------------------------------------------------------------------


def test_list_labels_kept_and_numbering_continued(caplog: pytest.LogCaptureFixture) -> None:
    article, _ = read("lists.docx", caplog)
    assert texts(article)[:5] == [
        "1 Introduction",
        "a) apples",
        "b) pears",
        "I. first part",
        "II. second part",
    ]
    lists = query(article, model.ListBlock)
    assert [(block.start, len(block.items)) for block in lists] == [(1, 2), (3, 1)]
    assert texts(article)[-1] == "2 Method"
    assert "4 item(s) of lettered or roman-numbered lists" in caplog.text


# -- damaged files -----------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.docx")), ids=lambda p: p.name)
def test_damaged_files_are_refused_in_one_line(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["import", str(path), "-o", str(tmp_path / "out.md")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len([line for line in err if not line.startswith("warning:")]) == 1
    assert "Traceback" not in "\n".join(err)
    if "encrypted" in path.name:
        assert "encrypted" in err[-1]
    assert list(tmp_path.iterdir()) == []


# -- more of what Word writes, made in the test ------------------------------------------


def made(tmp_path: Path, name: str, *blocks: str) -> Path:
    """Return a DOCX holding raw body blocks (see scripts/make_docx_fixtures.py)."""
    from docx import Document

    from scripts.make_docx_fixtures import body_append

    document = Document()
    document.core_properties.title = "Made"
    for block in blocks:
        body_append(document, block)
    path = tmp_path / name
    document.save(str(path))
    return path


def test_a_tables_caption_for_its_readers(tmp_path: Path) -> None:
    from scripts.make_docx_fixtures import cell

    path = made(
        tmp_path,
        "caption.docx",
        '<w:tbl><w:tblPr><w:tblCaption w:val="Assignment calendar"/></w:tblPr><w:tblGrid>'
        "<w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        + cell("Monday")
        + cell("Essay")
        + "</w:tr></w:tbl>",
    )
    article, _ = load_with_media(path)
    table = article.body[0]
    assert isinstance(table, model.Table)
    assert table.caption == (model.Text("Assignment calendar"),)


def test_restarted_numbering_starts_a_new_list(tmp_path: Path) -> None:
    from docx import Document

    from scripts.make_docx_fixtures import paragraph, run, xml

    document = Document()
    document.core_properties.title = "Restarts"
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        xml(
            '<w:abstractNum w:abstractNumId="80"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(xml('<w:num w:numId="80"><w:abstractNumId w:val="80"/></w:num>'))
    numbering.append(
        xml(
            '<w:num w:numId="81"><w:abstractNumId w:val="80"/><w:lvlOverride w:ilvl="0">'
            '<w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    body = document.element.body
    for text, num in (("a", "80"), ("b", "80"), ("c", "81"), ("d", "81")):
        properties = f'<w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'
        body.insert(len(body) - 1, xml(paragraph(run(text), properties=properties)))
    path = tmp_path / "restarts.docx"
    document.save(str(path))
    article, _ = load_with_media(path)
    assert [(block.start, len(block.items)) for block in query(article, model.ListBlock)] == [
        (1, 2),
        (1, 2),
    ]


def test_symbol_fonts_fallbacks_and_strict_files(tmp_path: Path) -> None:
    from scripts.make_docx_fixtures import paragraph, run

    path = made(
        tmp_path,
        "symbols.docx",
        paragraph(run("Angle ") + run("a", '<w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/>')),
        paragraph(
            '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
            "<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
            + paragraph(run("Only in the fallback."))
            + "</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
            "</mc:AlternateContent></w:r>"
        ),
    )
    article, _ = load_with_media(path)
    assert texts(article) == ["Angle α", "Only in the fallback."]
    strict = tmp_path / "strict.docx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(strict, "w") as target:
        for item in source.infolist():
            data = source.read(item).replace(
                b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                b"http://purl.oclc.org/ooxml/wordprocessingml/main",
            )
            target.writestr(item, data)
    again, _ = load_with_media(strict)
    assert texts(again) == texts(article)


COURIER = '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>'


def test_a_fixed_width_font_is_code_only_over_whole_words(tmp_path: Path) -> None:
    from scripts.make_docx_fixtures import paragraph, run

    path = made(
        tmp_path,
        "fonts.docx",
        paragraph(run("Thes") + run("e words", COURIER) + run(" end.")),
        paragraph(run("The ") + run("user", COURIER) + run("s key.")),
        paragraph(run("Call ") + run("print", COURIER) + run("() or ") + run("ls -l", COURIER)),
        paragraph(run("Set ") + run("a", COURIER) + run(" ") + run("b", COURIER) + run(".")),
        paragraph(run("In ") + run("Corsiva", '<w:rFonts w:ascii="Monotype Corsiva"/>')),
    )
    article, _ = load_with_media(path)
    assert [block.content for block in article.body if isinstance(block, model.Paragraph)] == [
        (model.Text("These words end."),),
        (model.Text("The users key."),),
        (model.Text("Call "), model.Code("print"), model.Text("() or "), model.Code("ls -l")),
        (model.Text("Set "), model.Code("a b"), model.Text(".")),
        (model.Text("In Corsiva"),),
    ]


def deletion(text: str) -> str:
    """Return a tracked deletion of a run holding `text`."""
    return (
        '<w:del w:id="1" w:author="Editor" w:date="2024-01-01T00:00:00Z"><w:r>'
        f'<w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'
    )


def insertion(text: str) -> str:
    """Return a tracked insertion of a run holding `text`."""
    from scripts.make_docx_fixtures import run

    return f'<w:ins w:id="2" w:author="Editor" w:date="2024-01-01T00:00:00Z">{run(text)}</w:ins>'


def test_tracked_deletions_leave_the_spaces_word_shows_once_accepted(tmp_path: Path) -> None:
    """Word and LibreOffice ("Accept All") keep the spaces outside a deletion, no others."""
    from scripts.make_docx_fixtures import paragraph, run

    deleted_mark = (
        '<w:rPr><w:del w:id="3" w:author="Editor" w:date="2024-01-01T00:00:00Z"/></w:rPr>'
    )
    path = made(
        tmp_path,
        "deletions.docx",
        paragraph(run("split ") + deletion("old ") + run("Paragraph")),
        paragraph(run("split") + deletion(" old") + run(" Paragraph")),
        paragraph(run("split") + deletion(" old ") + insertion(" ") + run("Paragraph")),
        paragraph(run("split") + deletion(" old ") + insertion(" new ") + run("Paragraph")),
        paragraph(run("split") + deletion(" old ") + run("Paragraph")),
        paragraph(run("joined "), properties=deleted_mark),
        paragraph(run("Paragraph")),
        paragraph(run("split"), properties=deleted_mark),
        paragraph(run("Paragraph")),
    )
    article, _ = load_with_media(path)
    assert texts(article) == [
        "split Paragraph",
        "split Paragraph",
        "split Paragraph",
        "split new Paragraph",
        "splitParagraph",  # the only spaces were deleted: LibreOffice shows no space either
        "joined Paragraph",
        "splitParagraph",  # a deleted paragraph mark joins the paragraphs, adding no space
    ]

"""Tables, superscripts, subscripts and links inside the article, in every format."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree

from exporter import model
from exporter.build import render
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers.markdown import read_markdown
from exporter.validate import validate
from exporter.writers.html import HtmlOptions, body_html, table_characters

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BODY = " ".join(["The river carries the season's data downstream to every state."] * 6)
ARTICLE = f"""---
title: Water Accounts of the Mekong
number: 650
date: 2024-03-01
authors: [Ana Lima]
summary: What the numbers say about the basin's water.
---

The reservoirs hold about 120 km^3^ of water; CO~2~ is counted in t CO~2~e. [The shares
below](#shares) come first.

| Country | Share | Change |
|:--|--:|--:|
| Laos | 41% | +3 |
| Thailand | 18% | -1 |

Table: Share of storage by country []{{#shares}}

{BODY}

| Reservoir | Country | Capacity | Commissioned | Operator | Downstream effect |
|:--|:--|--:|--:|:--|:--|
| Xayaburi | Laos | 0.73 | 2019 | CK Power | Sediment trapped, fish passage disputed |
| Nam Theun 2 | Laos | 3.53 | 2010 | NTPC | Diversion to the Xe Bang Fai |

Table: The largest dams of the lower basin

{BODY}

{BODY}
"""


@pytest.fixture(scope="module")
def article() -> model.Article:
    return validate(read_markdown(ARTICLE))


@pytest.fixture(scope="module")
def context() -> RenderContext:
    return RenderContext(find_layout(None), ROOT)


def test_pipe_tables_read_with_header_alignment_and_caption(article: model.Article) -> None:
    shares = article.body[1]
    assert isinstance(shares, model.Table)
    assert [c.content for c in shares.head[0].cells] == [
        (model.Text("Country"),),
        (model.Text("Share"),),
        (model.Text("Change"),),
    ]
    assert shares.align == ("left", "right", "right")
    assert shares.caption[-1] == model.Anchor("shares")
    assert len(shares.body) == 2
    first = article.body[0]
    assert isinstance(first, model.Paragraph)
    assert model.Superscript((model.Text("3"),)) in first.content
    assert model.Subscript((model.Text("2"),)) in first.content


def test_a_link_to_a_missing_anchor_is_refused() -> None:
    with pytest.raises(Exception, match="link to '#nowhere': no anchor of that name"):
        validate(read_markdown("---\ntitle: T\n---\n\nSee [there](#nowhere).\n"))


def test_ragged_rows_are_refused() -> None:
    ragged = model.Table(
        (model.TableRow((model.TableCell(), model.TableCell())),),
        (model.TableRow((model.TableCell(),)),),
    )
    with pytest.raises(Exception, match="row 2 has 1 cells, not 2"):
        validate(model.Article("T", body=(ragged,)))


def test_only_a_table_wider_than_a_column_spans_the_columns(article: model.Article) -> None:
    shares, dams = article.body[1], article.body[3]
    assert isinstance(shares, model.Table) and isinstance(dams, model.Table)
    assert table_characters(shares) < 52 < table_characters(dams)
    html = body_html(article, HtmlOptions(column_characters=52))
    classes = re.findall(r'<div class="(table[^"]*)" role="region"', html)
    assert classes == ["table short", "table wide short"]
    assert '<th scope="col" class="right">Share</th>' in html
    assert '<a href="#at-shares">' in html and '<span id="at-shares"></span>' in html


def test_a_short_table_has_few_rows_whose_cells_wrap_to_few_lines() -> None:
    """Only a short table may be kept whole (the EPUB scrolls it sideways on a wide line):
    few rows, and few lines when its longest cells wrap."""

    def table(note: str, rows: int) -> model.Table:
        def row(*texts: str) -> model.TableRow:
            return model.TableRow(tuple(model.TableCell((model.Text(t),)) for t in texts))

        return model.Table(head=(row("Country", "Note"),), body=(row("Laos", note),) * rows)

    wordy = "Sediment trapped behind the dam, fish passage disputed downstream. " * 2
    article = model.Article("T", body=(table("Dry", 3), table(wordy, 3), table("Dry", 5)))
    html = body_html(article, HtmlOptions(epub=True, column_characters=45))
    classes = re.findall(r'<div class="(table[^"]*)" role="region"', html)
    assert classes == ["table short", "table", "table"]


def text_box(page: pypdfium2.PdfPage, text: str) -> tuple[float, float, float, float]:
    """Return the box (left, bottom, right, top) of the first match of `text` on a page."""
    textpage = page.get_textpage()
    searcher = textpage.search(text)
    found = searcher.get_next()
    assert found is not None, f"{text!r} is not on the page"
    index, count = found
    boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def test_the_pdf_sets_a_narrow_table_in_its_column_and_a_wide_one_across(
    article: model.Article, context: RenderContext
) -> None:
    document = pypdfium2.PdfDocument(render(article, context, "pdf"))
    assert len(document) == 2
    page = document[0]
    middle = page.get_width() / 2
    # The narrow table stays in the left column; the wide one runs across the middle.
    assert text_box(page, "Thailand")[2] < middle
    assert text_box(page, "Change")[2] < middle
    assert text_box(page, "Reservoir")[0] < middle < text_box(page, "Downstream effect")[0]
    words = page.get_textpage().get_text_range()
    assert "km3" in words.replace(" ", "") and "CO2" in words.replace(" ", "")
    document.close()


def test_the_epub_has_real_tables_short_ones_scrolling_in_their_own_box(
    article: model.Article, context: RenderContext
) -> None:
    epub = zipfile.ZipFile(io.BytesIO(render(article, context, "epub")))
    name = next(n for n in epub.namelist() if n.endswith("content.xhtml"))
    tree = etree.fromstring(epub.read(name))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    tables = tree.findall(".//x:table", ns)
    assert len(tables) == 2
    assert tables[0].find("x:caption", ns) is not None
    assert [th.get("scope") for th in tables[0].findall(".//x:th", ns)] == ["col"] * 3
    wrapper = tables[0].getparent()
    assert wrapper.get("role") == "region" and wrapper.get("tabindex") == "0"
    css = next(epub.read(n).decode() for n in epub.namelist() if n.endswith(".css"))
    # Only a short table scrolls in a box (which a reading system cannot split between
    # pages); a longer one sets its rows as blocks of label: value where it is too wide.
    assert re.search(r"\.table\.short \{[^}]*overflow-x: auto", css)
    assert not re.search(r"\.table \{[^}]*overflow", css)
    assert re.search(r"td\[data-label\]::before \{[^}]*content: attr\(data-label\)", css)
    headings = [th.text for th in tables[0].findall(".//x:th", ns)]
    for row in tables[0].findall(".//x:tbody/x:tr", ns):
        assert [td.get("data-label") for td in row.findall("x:td", ns)] == headings
    assert tree.find(".//x:sup", ns) is not None and tree.find(".//x:sub", ns) is not None


def test_the_docx_has_word_tables_sup_sub_and_links_to_bookmarks(
    article: model.Article, context: RenderContext
) -> None:
    package = zipfile.ZipFile(io.BytesIO(render(article, context, "docx")))
    document = etree.fromstring(package.read("word/document.xml"))
    tables = document.findall(f".//{W}tbl")
    assert len(tables) == 2
    first_row = tables[0].find(f"{W}tr")
    assert first_row.find(f"{W}trPr/{W}tblHeader") is not None
    styles = etree.fromstring(package.read("word/styles.xml"))
    style_id = tables[0].find(f"{W}tblPr/{W}tblStyle").get(f"{W}val")
    style = styles.find(f"{W}style[@{W}styleId='{style_id}']")
    assert style is not None and style.get(f"{W}type") == "table"
    assert style.find(f"{W}tblStylePr[@{W}type='firstRow']") is not None
    aligns = {v.get(f"{W}val") for v in document.iter(f"{W}vertAlign")}
    assert aligns == {"superscript", "subscript"}
    (bookmark,) = document.iter(f"{W}bookmarkStart")
    assert bookmark.get(f"{W}name") == "shares"
    links = [h for h in document.iter(f"{W}hyperlink") if h.get(f"{W}anchor")]
    assert [h.get(f"{W}anchor") for h in links] == ["shares"]


@pytest.mark.slow
def test_an_epub_with_tables_passes_epubcheck(
    article: model.Article, context: RenderContext, tmp_path: Path
) -> None:
    from tests.tools import epubcheck_problems

    path = tmp_path / "tables.epub"
    path.write_bytes(render(article, context, "epub"))
    assert epubcheck_problems(path) == []


@pytest.mark.slow
def test_libreoffice_opens_the_docx_with_tables(
    article: model.Article, context: RenderContext, tmp_path: Path
) -> None:
    from tests.tools import libreoffice_to_pdf, pdf_text

    path = tmp_path / "tables.docx"
    path.write_bytes(render(article, context, "docx"))
    (pdf,) = libreoffice_to_pdf([path], tmp_path / "out")
    text = " ".join(pdf_text(pdf).split())
    assert "Nam Theun 2 Laos 3.53 2010 NTPC" in text
    assert "Share of storage by country" in text

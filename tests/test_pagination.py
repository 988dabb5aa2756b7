"""Tests of the print page breaks: found in the PDF layout, marked in the EPUB."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers import epub as epub_writer
from exporter.writers.epub import write_epub
from exporter.writers.pagination import PageBreak, find_breaks, print_page_breaks
from exporter.writers.pdf import write_pdf
from tests.articles import T, generated_article, para
from tests.test_epub_writer import ace_report, ace_violations
from tests.tools import epubcheck_problems, normalise

H = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
PLACEHOLDER = "PAGEBREAKHERE"
COMPARED_WORDS = 12


def context_for(folder: Path) -> RenderContext:
    """Return the bundled layout's render context for an article in `folder`."""
    return RenderContext(layout=find_layout(None), source_dir=folder)


def epub_part(data: bytes, name: str) -> etree._Element:
    """Return one XML document of an EPUB, parsed."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(f"EPUB/{name}"))


def words_after_marker(content: etree._Element, page: int) -> list[str]:
    """Return the words a reader reads after the marker of `page`, in order."""
    (marker,) = content.xpath(
        f"//h:span[@role='doc-pagebreak'][@aria-label='{page}']", namespaces=NS
    )
    marker.text = f" {PLACEHOLDER} "
    body = content.find(f"{H}body")
    for block in body.iter(*(f"{H}{tag}" for tag in ("p", "h1", "h2", "h3", "li", "aside"))):
        block.tail = " " + (block.tail or "")  # blocks follow each other without spaces
    text = normalise("".join(str(t) for t in body.itertext()))
    return text.split(PLACEHOLDER, 1)[1].split()


def pdf_page_words(pdf: bytes, page: int, running_head: str) -> list[str]:
    """Return the words of a PDF page's text, without its running head and page number."""
    text = normalise(pypdf.PdfReader(io.BytesIO(pdf)).pages[page - 1].extract_text())
    # The running head and page number come first or last, as the PDF's tags order them.
    for furniture in (f"{running_head} {page}", f"{page} {running_head}", running_head):
        if furniture in text:
            text = text.replace(furniture, " ", 1)
            break
    else:
        raise AssertionError(f"no running head on page {page}: {text[:80]}")
    return text.split()


# Generated articles whose page 2 begins (with the bundled layout as it is) after a
# heading, mid-paragraph, inside a hyphenated word, and with a new paragraph; the test
# holds whatever the layout does, these only make it likely that each case is met.
SAMPLES = {"heading": (1200, 3), "mid": (1200, 0), "hyphenated": (1200, 1), "new": (1400, 4)}


@pytest.mark.parametrize("sample", SAMPLES)
def test_epub_page_2_begins_where_the_pdf_page_2_begins(tmp_path: Path, sample: str) -> None:
    words, seed = SAMPLES[sample]
    article = generated_article(words, seed=seed)
    context = context_for(tmp_path)
    pdf = write_pdf(article, context)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2
    series = context.layout.series
    running_head = f"{series.name} | Number {article.number} | January 15, 2024"
    printed = pdf_page_words(pdf, 2, running_head)
    in_epub = words_after_marker(epub_part(write_epub(article, context), "content.xhtml"), 2)
    # The marker stands before the whole word that page 2 begins in: when the print
    # layout hyphenates that word, page 2 holds only its end.
    assert in_epub[0].endswith(printed[0].lstrip("\u2010"))
    assert printed[1:COMPARED_WORDS] == in_epub[1:COMPARED_WORDS]
    if printed[0] != in_epub[0]:
        page_1 = normalise(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
        # Page 1 ends in the word's beginning and the layout's hyphen, which reads as "-".
        assert page_1.endswith(in_epub[0].removesuffix(printed[0]) + "-")


def test_layout_is_computed_once_per_article(tmp_path: Path) -> None:
    context = context_for(tmp_path)
    article = generated_article(1200, seed=3)
    assert print_page_breaks(article, context) is print_page_breaks(article, context)


def lines_of(*texts: str) -> list[str]:
    """Return lines as a page holds them (the helper only names the intent)."""
    return list(texts)


ALPHA = model.Article(
    title="Alpha",
    authors=(model.Author("A. Writer", bio="A. Writer writes about rivers and dams."),),
    body=(
        para("Alpha beta gamma delta."),
        model.Heading(2, (T("Epsilon"),)),
        model.ListBlock(
            False,
            (
                model.ListItem((para("zeta eta"),)),
                model.ListItem(
                    (
                        para("theta iota"),
                        model.ListBlock(True, (model.ListItem((para("kappa lambda mu"),)),)),
                    )
                ),
            ),
        ),
        model.BlockQuote((para("Nu xi omicron ", model.NoteRef("n1"), "pi."),)),
    ),
    notes=(
        model.Footnote("n1", (para("Rho sigma."),)),
        model.Footnote("n2", (para("Tau upsilon."),)),
    ),
)


@pytest.mark.parametrize(
    ("page_1", "page_2", "expected"),
    [
        # Mid-paragraph, inside a word the layout hyphenated: the word's start.
        (["Alpha beta", "gamma del\u2010"], ["ta.", "Epsilon"], PageBreak(2, "body", (0,), 17)),
        # A heading opens the page.
        (["Alpha beta", "gamma delta."], ["Epsilon", "zeta eta"], PageBreak(2, "body", (1,), 0)),
        # Inside a nested list item; list numbers are not in the lines (drawn by ::before).
        (["theta iota", "kappa"], ["lambda mu"], PageBreak(2, "body", (2, 1, 1, 0, 0), 6)),
        # Text transformed to upper case by the layout still matches.
        (["ALPHA BETA GAMMA DELTA."], ["EPSILON"], PageBreak(2, "body", (1,), 0)),
        # In a block quote, past a note call (whose number the lines leave out).
        (["Nu xi"], ["omicron pi."], PageBreak(2, "body", (3, 0), 6)),
        # The notes: their heading, then a note, which prints its number first.
        (["omicron pi."], ["Notes", "1. Rho sigma."], PageBreak(2, "notes", (), 0)),
        (["1. Rho sigma."], ["2. Tau upsilon."], PageBreak(2, "notes", (1,), 0)),
        # The bio.
        (["2. Tau upsilon."], ["A. Writer writes", "about rivers"], PageBreak(2, "bios", (0,), 0)),
        (["A. Writer writes about"], ["rivers and dams."], PageBreak(2, "bios", (0,), 23)),
    ],
)
def test_find_breaks(page_1: list[str], page_2: list[str], expected: PageBreak) -> None:
    assert find_breaks(ALPHA, "Notes", [page_1, page_2]) == (expected,)


def test_a_page_without_text_of_the_article_has_no_break() -> None:
    # A page that holds only the publisher block (a footnote, not in the lines).
    assert find_breaks(ALPHA, "Notes", [["Alpha beta gamma delta."], []]) == ()


def test_a_break_that_cannot_be_found_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    twice = model.Article(title="Twice", body=(para("the same words"), para("the same words")))
    with caplog.at_level(logging.WARNING, logger="exporter"):
        assert find_breaks(twice, "Notes", [["the same"], ["words"]]) == ()
        assert find_breaks(twice, "Notes", [["unknown text"], ["not in the article"]]) == ()
    assert len([r for r in caplog.records if "page 2" in r.getMessage()]) == 2


def marked_article() -> model.Article:
    """Return an article with a block of each kind a page can begin in."""
    return model.Article(
        title="Markers Everywhere",
        number=614,
        lang="en",
        authors=(model.Author("A. Writer", bio="A. Writer writes about rivers and dams."),),
        body=(
            para("Before the link ", model.Link("https://example.org/", (T("link text"),)), "."),
            model.Heading(2, (T("A heading"),)),
            model.ListBlock(False, (model.ListItem((para("lead of the item"),)),)),
            model.BlockQuote((para("Quoted ", model.Emphasis((T("words"),)), "."),)),
            para("Called", model.NoteRef("n1"), "."),
        ),
        notes=(model.Footnote("n1", (para("The note."),)),),
    )


MARKED_BREAKS = (
    PageBreak(2, "body", (0,), 21),  # inside the link text
    PageBreak(3, "body", (1,), 0),  # opening a heading
    PageBreak(4, "body", (2, 0, 0), 8),  # inside a list item's lead
    PageBreak(5, "body", (3, 0), 0),  # opening a paragraph in a quote
    PageBreak(6, "notes", (0,), 0),  # a note
    PageBreak(7, "bios", (0,), 10),  # inside the bio
)


@pytest.fixture(scope="module")
def marked_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build an EPUB with a marker in each kind of place, its breaks given, not laid out."""
    folder = tmp_path_factory.mktemp("markers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(epub_writer, "print_page_breaks", lambda *_: MARKED_BREAKS)
        data = write_epub(marked_article(), context_for(folder))
    path = folder / "markers.epub"
    path.write_bytes(data)
    return path


def marker_places(path: Path) -> dict[str, tuple[str, str, str]]:
    """Return each marker's parent tag, the text before it in the parent, and after it."""
    content = epub_part(path.read_bytes(), "content.xhtml")
    places = {}
    for marker in content.xpath("//h:span[@role='doc-pagebreak']", namespaces=NS):
        parent = marker.getparent()
        previous = marker.getprevious()
        before = (previous.tail if previous is not None else parent.text) or ""
        following = marker.getnext()
        after = (marker.tail or "").strip() or (
            following.tag.removeprefix(H) if following is not None else ""
        )
        places[marker.get("aria-label")] = (parent.tag.removeprefix(H), before.strip(), after)
    return places


def test_markers_stand_where_a_reader_meets_them(marked_epub: Path) -> None:
    places = marker_places(marked_epub)
    assert places == {
        "1": ("body", "", "article"),
        "2": ("p", "Before the link", "a"),  # before the link, not inside its name
        "3": ("div", "", "h2"),  # before the heading, not inside its name
        "4": ("li", "lead of", "the item"),
        "5": ("blockquote", "", "p"),
        "6": ("section", "", "aside"),  # before the note: asides may be hidden
        "7": ("p", "A. Writer", "writes about rivers and dams."),
    }
    nav = epub_part(marked_epub.read_bytes(), "nav.xhtml")
    (page_list,) = nav.xpath("//h:nav[@epub:type='page-list']", namespaces=NS)
    assert [a.text for a in page_list.iter(f"{H}a")] == [str(n) for n in range(1, 8)]
    toc = nav.xpath("//h:nav[@epub:type='toc']//h:a/text()", namespaces=NS)
    assert "A heading" in toc


@pytest.mark.slow
def test_markers_pass_epubcheck_and_ace(marked_epub: Path, tmp_path: Path) -> None:
    assert epubcheck_problems(marked_epub) == []
    assert ace_violations(ace_report(marked_epub, tmp_path / "ace")) == []

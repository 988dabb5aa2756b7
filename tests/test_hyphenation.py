"""Hyphenation in the bulletin: the series' US patterns for `en`, British for `en-GB`,
and no short word or short piece broken."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pyphen
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.walk import plain_text, walk
from exporter.writers.pdf import layout_bulletin, write_pdf
from tests.articles import full_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
LAYOUT_HYPHEN = "\u2010"
"""The hyphen WeasyPrint's lines end in where it hyphenates (the PDF reads it as "-")."""
BROKEN = re.compile(r"([A-Za-z]+)-\n([a-z]+)")


def broken_words(article: model.Article, folder: Path) -> list[tuple[str, str]]:
    """Return each word the layout hyphenated, as (before, after) the break: a "-" at a
    line end that the article's text does not have there."""
    pdf = write_pdf(article, RenderContext(find_layout(None), folder))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    typed = " ".join(
        plain_text(node.content)
        for block in (*article.body, *article.notes)
        for node in walk(block)
        if isinstance(node, model.Paragraph | model.Heading)
    ).casefold()
    return [
        (before, after)
        for before, after in BROKEN.findall(text)
        if f"{before}-{after}".casefold() not in typed
    ]


def example_words(article: model.Article) -> list[str]:
    """Return the words of the article's body."""
    from exporter.walk import plain_text

    return re.findall(
        r"[A-Za-z]+",
        " ".join(plain_text(b.content) for b in article.body if isinstance(b, model.Paragraph)),
    )


def allowed_breaks(word: str, lang: str) -> set[int]:
    """Return where pyphen's patterns of `lang` allow `word` to break."""
    return set(pyphen.Pyphen(lang=lang).positions(word.lower()))


@pytest.fixture(scope="module")
def example() -> model.Article:
    return load(EXAMPLE)


def test_english_breaks_by_us_patterns(example: model.Article) -> None:
    breaks = broken_words(example, EXAMPLE.parent)
    assert len(breaks) >= 20
    for before, after in breaks:
        word = before + after
        assert len(before) in allowed_breaks(word, "en_US"), f"{before}-{after}"
    # Some of the example's breaks differ between the two spellings' patterns: the US ones
    # are taken ("perspec-tive", not British "perspect-ive").
    british_only = [(b, a) for b, a in breaks if len(b) not in allowed_breaks(b + a, "en_GB")]
    assert british_only != []


def test_no_short_word_or_short_piece_or_name_is_broken(example: model.Article) -> None:
    breaks = broken_words(example, EXAMPLE.parent)
    # The example's text has names and capitalised words enough to break, were it allowed.
    assert sum(w[:1].isupper() and len(w) > 8 for w in example_words(example)) >= 10
    for before, after in breaks:
        assert before[:1].islower(), f"a capitalised word broken: {before}-{after}"
        assert len(before + after) >= 6, f"{before}-{after}"
        assert len(before) >= 2 and len(after) >= 3, f"{before}-{after}"


def test_british_english_keeps_british_patterns(example: model.Article) -> None:
    british = dataclasses.replace(example, lang="en-GB")
    breaks = broken_words(british, EXAMPLE.parent)
    assert breaks != []
    for before, after in breaks:
        assert len(before) in allowed_breaks(before + after, "en_GB"), f"{before}-{after}"


def column_line_ends(document: Any) -> list[list[str]]:
    """Return, column by column of every page, the last text of each line."""
    columns: list[list[str]] = []

    def lines_of(box: Any, found: list[str]) -> None:
        if type(box).__name__ == "LineBox":
            texts = [t.text for t in box.descendants() if type(t).__name__ == "TextBox"]
            found.append(texts[-1] if texts else "")
            return
        for child in getattr(box, "children", ()):
            lines_of(child, found)

    def walk(box: Any) -> None:
        if getattr(box, "is_column", False):
            found: list[str] = []
            lines_of(box, found)
            columns.append(found)
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return columns


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_at_most_two_hyphenated_lines_in_a_row(example: model.Article, seed: int) -> None:
    article = example if seed == 0 else full_article(700 + 150 * seed, seed=seed)
    result = layout_bulletin(article, RenderContext(find_layout(None), EXAMPLE.parent))
    columns = column_line_ends(result.document)
    assert len(columns) >= 4
    hyphenated = 0
    for ends in columns:
        run = 0
        for end in ends:
            run = run + 1 if end.endswith(LAYOUT_HYPHEN) else 0
            hyphenated += end.endswith(LAYOUT_HYPHEN)
            assert run <= 2, f"three hyphenated lines in a row, the third ending {end!r}"
    assert hyphenated >= 5  # the columns are hyphenated at all


def test_the_fitting_says_how_often_it_hyphenates(
    example: model.Article, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="exporter"):
        write_pdf(example, RenderContext(find_layout(None), EXAMPLE.parent))
    (said,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("hyphenates")]
    found = re.fullmatch(r"hyphenates (\d+) of (\d+) lines \((\d+) per 100\)", said)
    assert found is not None, said
    hyphenated, lines, per_100 = map(int, found.groups())
    assert 0 < hyphenated < lines and lines > 100
    assert per_100 == round(100 * hyphenated / lines)
    assert hyphenated == len(broken_words(example, EXAMPLE.parent))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_column_or_page_ends_in_a_hyphen(example: model.Article, seed: int) -> None:
    article = example if seed == 0 else full_article(700 + 150 * seed, seed=seed)
    result = layout_bulletin(article, RenderContext(find_layout(None), EXAMPLE.parent))
    columns = [ends for ends in column_line_ends(result.document) if ends]
    assert len(columns) >= 4
    for ends in columns:
        assert not ends[-1].endswith(LAYOUT_HYPHEN), f"a column ends {ends[-1]!r}"
    assert sum(end.endswith(LAYOUT_HYPHEN) for ends in columns for end in ends) >= 5


@pytest.mark.parametrize(
    ("name", "page"), [("docx-pt-team-agreement.md", 1), ("docx-tika-healthcare-act.md", 2)]
)
def test_a_column_ended_early_by_a_widow_ends_unhyphenated_without_another_layout(
    name: str, page: int
) -> None:
    # A paragraph's last line would go on alone to the next column: WeasyPrint moves the
    # line before it along too, and the line above that ends the column.
    source = ROOT / "benchmarks" / "articles" / name
    result = layout_bulletin(load(source), RenderContext(find_layout(None), source.parent))
    assert len(result.document.pages) == 2
    for ends in column_line_ends(result.document):
        assert not ends or not ends[-1].endswith(LAYOUT_HYPHEN), f"a column ends {ends[-1]!r}"
    assert result.extra_layouts == 0, result.explain()
    # The column did end early: a line's height or more is left at its foot.
    page_box = result.document.pages[page - 1]._page_box
    feet = [
        (column.position_y + column.height, max(b.position_y + b.height for b in lines), lines)
        for column in page_box.descendants()
        if getattr(column, "is_column", False)
        for lines in [[b for b in column.descendants() if type(b).__name__ == "LineBox"]]
        if lines
    ]
    assert any(bottom - last >= lines[-1].height for bottom, last, lines in feet)


def paragraph_last_lines(document: Any) -> list[str]:
    """Return the last line of each paragraph of the layout set in more than one line."""
    found: list[str] = []

    def walk(box: Any) -> None:
        lines = [c for c in getattr(box, "children", ()) if type(c).__name__ == "LineBox"]
        if getattr(box, "element_tag", "") == "p" and len(lines) > 1:
            texts = [t.text for t in lines[-1].descendants() if type(t).__name__ == "TextBox"]
            found.append("".join(texts).strip())
        for child in getattr(box, "children", ()):
            if type(child).__name__ != "LineBox":
                walk(child)

    for page in document.pages:
        walk(page._page_box)
    return found


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_paragraph_ends_in_a_runt(example: model.Article, seed: int) -> None:
    article = example if seed == 0 else full_article(700 + 150 * seed, seed=seed)
    result = layout_bulletin(article, RenderContext(find_layout(None), EXAMPLE.parent))
    last_lines = paragraph_last_lines(result.document)
    assert len(last_lines) >= 8
    assert [line for line in last_lines if len(line) < 6] == []
    assert not any(line.endswith(LAYOUT_HYPHEN) for line in last_lines[:-1])

"""The Markdown writer: what it writes reads back into the same article."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import model, walk
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.readers.markdown import read_markdown
from exporter.writers.markdown import write_markdown
from tests.articles import generated_article, para, rich_article

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = RenderContext(find_layout(None), ROOT)


def round_trip(article: model.Article) -> model.Article:
    return read_markdown(write_markdown(article, CONTEXT).decode("utf-8"))


def test_fixtures_and_example_read_back_unchanged() -> None:
    for article in (
        rich_article(),
        generated_article(600, seed=4),
        load(ROOT / "examples" / "japan-rok-relations.md"),
        load(ROOT / "tests" / "fixtures" / "rich-article.md"),
    ):
        assert round_trip(article) == article


def test_markup_characters_and_straight_quotes_stay_text() -> None:
    article = model.Article(
        title='A "straight" title -- with *stars*',
        summary="It's 'quoted' --- and # not a heading",
        body=(
            para("# not a heading, *not emphasis*, [not a link](x), <b>not html</b> & co."),
            para("1. not a list item; - not a bullet; \"straight\" 'quotes' -- and --- dashes"),
            para("12) also not a list, ::: not a fence, > not a quote, [^1] not a note"),
        ),
    )
    assert round_trip(article) == article


def test_marks_in_a_summary_and_bio_read_back_as_text() -> None:
    article = model.Article(
        title="T",
        summary="H~2~O and 10^3^, *as typed*, [x](y) `z` <b>",
        authors=(model.Author("Ada", bio="Writes on x_y_ and ~tides~"),),
        body=(para("Body."),),
    )
    assert round_trip(article) == article


WORD = st.lists(
    st.sampled_from(
        list("abcxyzÀéễĐōー日本語한국") + list("*_[]<>!&#\"'-`\\.,;:()|~^=+") + ["--", "1."]
    ),
    min_size=1,
    max_size=8,
).map("".join)
WORDS = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


def merge(inlines: list[model.Inline]) -> tuple[model.Inline, ...]:
    result: list[model.Inline] = []
    for inline in inlines:
        if isinstance(inline, model.Text) and result and isinstance(result[-1], model.Text):
            result[-1] = model.Text(result[-1].text + inline.text)
        else:
            result.append(inline)
    return tuple(result)


@st.composite
def inline_runs(draw: st.DrawFn, depth: int = 0, caption: bool = False) -> tuple[model.Inline, ...]:
    parts: list[model.Inline] = [model.Text(draw(WORDS))]
    # The reader merges neighbouring text runs, so empty ones are dropped here.
    kinds = ["em", "strong", "code", "link", "span", "text", "sup", "sub", "anchor"]
    kinds += [] if caption else ["note", "break"]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(kinds))
        # Spaces next to a line break are not kept by Markdown; none are drawn there.
        gap = "" if kind == "break" else " "
        parts.append(model.Text(gap))
        inner = draw(inline_runs(depth + 1, caption)) if depth < 1 else (model.Text(draw(WORDS)),)
        if kind == "em":
            parts.append(model.Emphasis(inner))
        elif kind == "strong":
            parts.append(model.Strong(inner))
        elif kind == "code":
            parts.append(model.Code(draw(WORDS)))
        elif kind == "link":
            url = draw(st.sampled_from(["https://example.org/a b", "https://x.test/(1)", "#n"]))
            text_only = (model.Text(draw(WORDS)),)  # a link never holds a link
            parts.append(model.Link(url, text_only, draw(st.sampled_from(["", 'say "hi"']))))
        elif kind == "span":
            parts.append(model.Span(draw(st.sampled_from(["ja", "ko", "zh-Hant"])), inner))
        elif kind == "note":
            parts.append(model.NoteRef("1"))
        elif kind == "break":
            parts.append(model.LineBreak())
        elif kind in ("sup", "sub"):
            raised = model.Superscript if kind == "sup" else model.Subscript
            plain = (model.Text(draw(WORDS)),)  # m^2^ form; markup inside goes as HTML
            parts.append(raised(draw(st.sampled_from([plain, inner]))))
        elif kind == "anchor":
            parts.append(model.Anchor(draw(st.sampled_from(["intro", "t.1", "n:2"]))))
        else:
            parts.append(model.Text(draw(WORDS)))
        parts.append(model.Text(gap + draw(WORDS)))
    return merge([p for p in parts if not (isinstance(p, model.Text) and not p.text)])


def make_list(ordered: bool, items: tuple[model.ListItem, ...], start: int) -> model.ListBlock:
    """Return a list; only an ordered one has a start number to keep."""
    return model.ListBlock(ordered, items, start if ordered else 1)


paragraphs = inline_runs().map(model.Paragraph)
cells = st.just(()) | inline_runs(caption=True)
head_cells = inline_runs(caption=True)  # a header row of empty cells reads as none


@st.composite
def tables(draw: st.DrawFn) -> model.Table:
    columns = draw(st.integers(1, 4))

    def row_of(contents: tuple[tuple[model.Inline, ...], ...]) -> model.TableRow:
        return model.TableRow(tuple(map(model.TableCell, contents)))

    row = st.tuples(*[cells] * columns).map(row_of)
    head = st.tuples(*[head_cells] * columns).map(row_of)
    return model.Table(
        tuple(draw(st.lists(head, max_size=1))),
        tuple(draw(st.lists(row, min_size=1, max_size=3))),
        draw(st.just(()) | st.tuples(*[st.sampled_from(model.ALIGNMENTS[1:])] * columns)),
        draw(st.just(()) | inline_runs(caption=True)),
    )


blocks = st.recursive(
    st.one_of(
        paragraphs,
        st.builds(model.Heading, st.sampled_from([2, 3]), inline_runs(caption=True)),
        st.builds(model.Figure, st.just("map one.png"), WORDS, inline_runs(caption=True)),
        tables(),
    ),
    lambda children: st.one_of(
        st.builds(model.BlockQuote, st.lists(children, min_size=1, max_size=2).map(tuple)),
        st.builds(model.PullQuote, st.tuples(paragraphs)),
        st.builds(
            make_list,
            st.booleans(),
            st.lists(
                st.builds(
                    model.ListItem,
                    st.tuples(paragraphs) | st.tuples(paragraphs, children),
                ),
                min_size=1,
                max_size=3,
            ).map(tuple),
            st.integers(min_value=1, max_value=30),
        ),
    ),
    max_leaves=6,
)


def with_called_notes(article: model.Article) -> model.Article:
    """Keep the note only where the body calls it, as a valid article must."""
    called = any(isinstance(node, model.NoteRef) for node in walk.walk(article))
    return dataclasses.replace(article, notes=article.notes if called else ())


articles = st.builds(
    model.Article,
    title=WORDS,
    number=st.none() | st.integers(min_value=1, max_value=9999),
    date=st.none() | st.dates(),
    kicker=st.just("") | WORDS,
    subtitle=st.just("") | WORDS,
    authors=st.lists(st.builds(model.Author, WORDS, WORDS, WORDS), max_size=2).map(tuple),
    summary=st.just("") | WORDS,
    lang=st.sampled_from(["en", "ja", "vi"]),
    keywords=st.lists(WORDS, max_size=2).map(tuple),
    body=st.lists(blocks, min_size=1, max_size=4).map(tuple),
    notes=st.just((model.Footnote("1", (para("A note."), para("Its second paragraph."))),)),
).map(with_called_notes)


T = TypeVar("T")


def lifted(node: T) -> T:
    """Return a node with every heading in it one level higher."""
    if isinstance(node, tuple):
        return tuple(lifted(item) for item in node)  # type: ignore[return-value]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        changes = {f.name: lifted(getattr(node, f.name)) for f in dataclasses.fields(node)}
        if isinstance(node, model.Heading):
            changes["level"] = node.level - 1
        return dataclasses.replace(node, **changes)  # type: ignore[type-var]
    return node


@settings(max_examples=60, deadline=None)
@given(articles)
def test_any_article_reads_back_unchanged(article: model.Article) -> None:
    # Save one whose subheads are all level 3, a skipped level: they read back as level 2.
    levels = {heading.level for heading in walk.query(article, model.Heading)}
    expected = dataclasses.replace(article, body=lifted(article.body)) if levels == {3} else article
    assert round_trip(article) == expected


@pytest.mark.parametrize("code", ["a\\|", "\\|", "a\\\\|", "|\\", "x|y"])
def test_a_code_span_with_pipes_and_backslashes_in_a_table_cell_reads_back(code: str) -> None:
    cell = model.TableCell((model.Code(code),))
    head = (model.TableRow((model.TableCell((model.Text("h"),)),)),)
    table = model.Table(head=head, body=(model.TableRow((cell,)),), align=())
    article = model.Article(title="Pipes", body=(table,))
    read = read_markdown(write_markdown(article, CONTEXT).decode("utf-8"))
    assert read.body == article.body

"""The article model: lossless JSON round trip, its JSON Schema, validation, traversal."""

from __future__ import annotations

import dataclasses
import datetime
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter import codec, model, walk
from exporter.errors import InputError
from exporter.validate import validate
from tests.articles import para, rich_article

SCHEMA = codec.json_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def round_trip(article: model.Article) -> model.Article:
    return codec.article_from_data(json.loads(json.dumps(codec.to_data(article))))


def test_rich_article_round_trips_through_json() -> None:
    article = rich_article()
    assert round_trip(article) == article


def test_json_form_matches_the_schema() -> None:
    jsonschema.validate(codec.to_data(rich_article()), SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def nested_subscripts(depth: int) -> model.Article:
    """Return an article whose one paragraph holds `depth` subscripts one inside another.

    Subscript is the last kind of inline with content that `model.Inline` names.
    """
    inline: model.Inline = model.Text("deep")
    for _ in range(depth):
        inline = model.Subscript((inline,))
    return model.Article(title="Nested", body=(model.Paragraph((inline,)),))


def references_followed(data: object) -> int:
    """Validate data against the schema; return how many `$ref`s the validator followed."""
    followed = 0
    follow = jsonschema.Draft202012Validator.VALIDATORS["$ref"]

    def counting(*args: object) -> object:
        nonlocal followed
        followed += 1
        return follow(*args)

    counter = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"$ref": counting})
    counter(SCHEMA).validate(data)
    return followed


def test_a_node_is_checked_against_its_own_kind_alone() -> None:
    # An anyOf of the kinds made the validator descend into every kind's children: the
    # work grew by the number of kinds at each level of nesting.
    shallower = references_followed(codec.to_data(nested_subscripts(3)))
    deeper = references_followed(codec.to_data(nested_subscripts(6)))
    assert deeper - shallower <= 3 * 2  # a subscript and its content: two at most a level


def test_the_schema_refuses_what_the_reader_refuses_for_a_node_s_type() -> None:
    data = codec.to_data(rich_article())
    del data["type"]  # the article alone may leave its type out
    VALIDATOR.validate(data)
    codec.article_from_data(data)
    inline = data["body"][0]["content"][0]
    untyped = {key: value for key, value in inline.items() if key != "type"}
    for broken in (untyped, {**inline, "type": "pull_quote"}):
        data["body"][0]["content"][0] = broken
        assert not VALIDATOR.is_valid(data)
        with pytest.raises(InputError):
            codec.article_from_data(data)


text = st.text(min_size=1, max_size=20)
inline_leaf = st.one_of(
    st.builds(model.Text, text),
    st.builds(model.Code, text),
    st.just(model.LineBreak()),
    st.builds(model.NoteRef, st.sampled_from(["1", "a"])),
    st.builds(model.Anchor, st.sampled_from(["intro", "table-1"])),
)
inlines = st.recursive(
    inline_leaf,
    lambda children: st.one_of(
        st.builds(model.Emphasis, st.tuples(children)),
        st.builds(model.Strong, st.tuples(children, children)),
        st.builds(model.Link, st.just("https://example.org/x"), st.tuples(children), text),
        st.builds(model.Superscript, st.tuples(children)),
        st.builds(model.Subscript, st.tuples(children, children)),
    ),
    max_leaves=6,
)
cells = st.builds(model.TableCell, st.lists(inlines, max_size=2).map(tuple))
tables = st.integers(1, 3).flatmap(
    lambda columns: st.builds(
        model.Table,
        st.lists(st.builds(model.TableRow, st.tuples(*[cells] * columns)), max_size=1).map(tuple),
        st.lists(st.builds(model.TableRow, st.tuples(*[cells] * columns)), max_size=3).map(tuple),
        st.just(()) | st.tuples(*[st.sampled_from(model.ALIGNMENTS)] * columns),
        st.lists(inlines, max_size=2).map(tuple),
    )
)
paragraphs = st.builds(model.Paragraph, st.lists(inlines, min_size=1, max_size=4).map(tuple))
blocks = st.recursive(
    st.one_of(
        paragraphs,
        st.builds(model.Heading, st.sampled_from([2, 3]), st.tuples(inlines)),
        st.builds(model.Figure, text, text, st.lists(inlines, max_size=2).map(tuple)),
        tables,
    ),
    lambda children: st.one_of(
        st.builds(model.BlockQuote, st.tuples(children)),
        st.builds(model.PullQuote, st.tuples(paragraphs)),
        st.builds(
            model.ListBlock,
            st.booleans(),
            st.lists(st.builds(model.ListItem, st.tuples(children)), min_size=1, max_size=3).map(
                tuple
            ),
            st.integers(min_value=0, max_value=20),
        ),
    ),
    max_leaves=8,
)
articles = st.builds(
    model.Article,
    title=text,
    number=st.none() | st.integers(min_value=1, max_value=9999),
    date=st.none() | st.dates(),
    kicker=st.text(max_size=10),
    authors=st.lists(st.builds(model.Author, text, text, text), max_size=3).map(tuple),
    summary=st.text(max_size=50),
    lang=st.sampled_from(["en", "ja", "ko", "zh-Hant", "vi"]),
    keywords=st.lists(text, max_size=3).map(tuple),
    body=st.lists(blocks, max_size=5).map(tuple),
    notes=st.just((model.Footnote("1", (para("one"),)), model.Footnote("a", (para("a"),)))),
)


@settings(max_examples=150, deadline=None)
@given(articles)
def test_any_article_round_trips_and_matches_the_schema(article: model.Article) -> None:
    assert round_trip(article) == article
    VALIDATOR.validate(codec.to_data(article))


@settings(max_examples=60, deadline=None)
@given(articles)
def test_nodes_compare_hash_and_print_by_their_fields(article: model.Article) -> None:
    namespace = {**vars(model), "datetime": datetime}
    for node in walk.walk(article):
        copy = dataclasses.replace(node)
        assert copy == node and copy is not node and hash(copy) == hash(node)
        assert eval(repr(node), namespace) == node
        assert repr(node).startswith(f"{type(node).__name__}(")
    changed = dataclasses.replace(article, title=article.title + "!")
    assert changed != article
    assert len({article, dataclasses.replace(article), changed}) == 2


def test_nodes_of_different_kinds_with_the_same_fields_differ() -> None:
    words = (model.Text("a"),)
    assert model.Emphasis(words) != model.Strong(words)
    assert model.Text("a") != model.Code("a") and model.Text("a") != "a"
    assert model.LineBreak() == model.LineBreak() and hash(model.LineBreak()) == hash(())
    link = model.Link("https://example.org", words)
    assert repr(link) == "Link(url='https://example.org', content=(Text(text='a'),), title='')"
    assert {model.Paragraph(words): 1}[model.Paragraph((model.Text("a"),))] == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "T", "date": "2022-13-45"}, "date: '2022-13-45' is not a date (YYYY-MM-DD)"),
        ({"title": "T", "number": "600"}, "number: is a string, not a whole number"),
        ({"title": "T", "number": True}, "number: is a boolean, not a whole number"),
        ({"title": ["T"]}, "title: is a list, not a string"),
        ({"title": "T", "colour": "red"}, "unknown field 'colour' in article"),
        (
            {"title": "T", "body": [{"type": "video"}]},
            "body[0]: type 'video' is not one of 'paragraph', 'heading', 'list', "
            "'block_quote', 'pull_quote', 'figure', 'table'",
        ),
        (
            {"title": "T", "body": [{"type": "paragraph", "content": [{"type": "text"}]}]},
            "body[0].content[0]: text has no 'text'",
        ),
        ({"title": "T", "authors": [{"type": "author"}]}, "authors[0]: author has no 'name'"),
    ],
)
def test_decoding_errors_name_the_place(data: dict[str, object], message: str) -> None:
    with pytest.raises(InputError) as caught:
        codec.article_from_data(data)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("article", "message"),
    [
        (model.Article(title="  "), "title: the title is empty"),
        (model.Article(title="T", number=0), "number: number 0 is not a positive number"),
        (model.Article(title="T", lang="english!"), "lang: lang 'english!' is not a BCP 47"),
        (
            model.Article(title="T", body=(model.Heading(4, (model.Text("x"),)),)),
            "body[0]: heading level 4 is not 2 or 3",
        ),
        (
            model.Article(title="T", body=(para("x", model.NoteRef("9")),)),
            "body[0]: footnote '9' is called but never defined",
        ),
        (
            model.Article(title="T", body=(model.Figure("a.png", " "),)),
            "body[0]: figure 'a.png' has no alt text",
        ),
        (
            model.Article(title="T", body=(model.ListBlock(False, ()),)),
            "body[0]: the list has no items",
        ),
        (model.Article(title="T", authors=(model.Author(""),)), "authors[0]: the author has no"),
    ],
)
def test_validation_names_the_fault(article: model.Article, message: str) -> None:
    with pytest.raises(InputError) as caught:
        validate(article)
    assert str(caught.value).startswith(message)


def test_walk_visits_every_node_in_document_order() -> None:
    article = rich_article()
    refs = [ref.note for ref in walk.query(article, model.NoteRef)]
    assert refs == ["n1", "n2", "n3"]
    headings = [walk.plain_text([h]) for h in walk.query(article, model.Heading)]
    assert headings == ["Upstream dams, downstream doubts", "A role for Japan"]
    assert walk.word_count([para("one two"), para("three")]) == 3

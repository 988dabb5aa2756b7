"""The Markdown reader: front matter, every block and inline kind, and precise errors."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from exporter import model, walk
from exporter.errors import InputError
from exporter.readers import load
from exporter.readers.markdown import read_markdown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_seed_example_has_seven_paragraphs_and_the_list_after_the_third() -> None:
    article = load(ROOT / "examples" / "japan-rok-relations.md")
    assert article.title == (
        "Strengthening Japan-ROK Relations: The Prime Time to Rebuild Relations Through "
        "Young Parliamentary Diplomacy"
    )
    assert [a.name for a in article.authors] == ["Hideshi Futori"]
    assert article.authors[0].bio == (
        "Hideshi Futori is a Member of the Japanese House of Representatives."
    )
    assert article.summary.startswith("Hideshi Futori, Member of the Japanese House")
    assert article.number is None and article.date is None
    kinds = [block.kind for block in article.body]
    assert kinds == ["paragraph"] * 3 + ["list"] + ["paragraph"] * 4
    the_list = article.body[3]
    assert isinstance(the_list, model.ListBlock) and the_list.ordered
    assert len(the_list.items) == 4
    texts = [walk.plain_text([b]) for b in article.body]
    assert len(set(texts)) == len(texts)


@pytest.fixture(scope="module")
def rich() -> model.Article:
    return load(FIXTURES / "rich-article.md")


def test_front_matter(rich: model.Article) -> None:
    assert rich.number == 615
    assert rich.date == datetime.date(2023, 5, 2)
    assert rich.kicker == "Analysis"
    assert rich.subtitle == "What downstream states can ask of upstream dams"
    assert [a.name for a in rich.authors] == ["Nguyễn Thị Lan", "Kenji Ōtani"]
    assert rich.authors[0].affiliation == "Institute for River Studies"
    assert rich.keywords == ("Mekong", "water security", "Japan")
    assert rich.lang == "en"


def test_blocks(rich: model.Article) -> None:
    kinds = [block.kind for block in rich.body]
    assert kinds == [
        "paragraph",
        "heading",
        "paragraph",
        "list",
        "block_quote",
        "pull_quote",
        "heading",
        "paragraph",
        "figure",
        "paragraph",
    ]
    headings = [b for b in rich.body if isinstance(b, model.Heading)]
    assert [h.level for h in headings] == [2, 3]
    bullets = rich.body[3]
    assert isinstance(bullets, model.ListBlock) and not bullets.ordered
    nested = bullets.items[1].content[1]
    assert isinstance(nested, model.ListBlock) and nested.ordered and len(nested.items) == 2
    figure = rich.body[8]
    assert figure == model.Figure(
        "basin.png",
        "A map of the Mekong basin",
        (model.Text("The Mekong basin, "), model.Emphasis((model.Text("simplified"),))),
    )


def test_inlines_quotes_and_dashes(rich: model.Article) -> None:
    first = rich.body[0]
    assert isinstance(first, model.Paragraph)
    assert walk.plain_text([first]).startswith(
        "The Mekong River sustains sixty million people \u2013 in six countries \u2013 and "
        "\u201cevery\u201d dry season"
    )
    assert model.Emphasis((model.Text("worse"),)) in first.content
    link = walk.query(rich, model.Link)[0]
    assert link.url == "https://example.org/mrc" and link.title == "MRC"
    assert walk.query(rich, model.LineBreak)
    assert walk.query(rich, model.Strong)[0].content == (model.Text("scarce"),)


def test_footnotes(rich: model.Article) -> None:
    assert [n.label for n in rich.notes] == ["1", "2", "3"]
    assert [r.note for r in walk.query(rich, model.NoteRef)] == ["1", "2", "3"]
    assert walk.plain_text(rich.notes[0].content) == (
        "Mekong River Commission, State of the Basin Report, 2023."
    )


def test_typed_typographic_characters_are_kept() -> None:
    article = read_markdown("---\ntitle: T\n---\n\u201cCurly\u201d \u2014 it\u2019s typed.\n")
    assert walk.plain_text(article.body) == "\u201cCurly\u201d \u2014 it\u2019s typed."


def test_language_spans() -> None:
    article = read_markdown("---\ntitle: T\n---\nMr [岸田]{lang=ja} spoke. [x](u){.c}\n")
    first = article.body[0]
    assert isinstance(first, model.Paragraph)
    assert first.content[1] == model.Span("ja", (model.Text("岸田"),))
    assert walk.plain_text([first]).endswith("spoke. x{.c}")
    with pytest.raises(InputError, match="needs a language"):
        read_markdown("---\ntitle: T\n---\nA [b]{.class} c\n")


def test_raw_html_is_text_not_markup() -> None:
    article = read_markdown("---\ntitle: T\n---\nA <script>alert(1)</script> b\n")
    assert walk.plain_text(article.body) == "A <script>alert(1)</script> b"


BAD = [
    ("", "the file is empty"),
    ("   \n\n", "the file is empty"),
    ("Just text\n", "no front matter"),
    ("---\ntitle: T\n", "front matter: the front matter has no closing '---' line"),
    ("---\ntitle: [T\n---\n", "front matter, line 2: broken YAML"),
    ("---\nsummary: S\n---\nBody\n", "front matter: no title"),
    ("---\ntitle: T\ndate: 2022-13-45\n---\n", "front matter: date '2022-13-45' is not a date"),
    ("---\ntitle: T\ndate: 12/10/2022\n---\n", "front matter: date '12/10/2022' is not a date"),
    ("---\ntitle: T\nnumber: six\n---\n", "front matter: number is a string, not a whole"),
    ("---\ntitle: T\nauthors: Ann\n---\n", "front matter: authors is a string, not a list"),
    ("---\ntitle: T\nauthors: [{bio: x}]\n---\n", "front matter: authors[0] has no name"),
    ("---\ntitle: T\nauthors: [{name: A, age: 3}]\n---\n", "authors[0] has unknown key 'age'"),
    ("---\ntitle: T\ncolour: red\n---\n", "front matter: unknown key 'colour'"),
    ("---\ntitle: 5\n---\n", "front matter: title is a whole number, not a string"),
    ("---\n- a\n- b\n---\n", "front matter: must be 'key: value' lines"),
    ("---\ntitle: T\n---\n# Big\n", "line 4: a level-1 heading in the body"),
    ("---\ntitle: T\n---\n#### Small\n", "line 4: heading level 4"),
    ("---\ntitle: T\n---\nText ![i](a.png) more\n", "line 4: an image inside running text"),
    ("---\ntitle: T\n---\nText[^x]\n", "line 4: footnote 'x' is called but never defined"),
    ("---\ntitle: T\n---\n![](a.png)\n", "figure 'a.png' has no alt text"),
    ("---\ntitle: T\nlang: 'en us'\n---\n", "lang: lang 'en us' is not a BCP 47"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_input_is_one_clear_line(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    line = str(caught.value)
    assert line.startswith(f"{path}: ")
    assert message in line
    assert "\n" not in line


def test_binary_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "b.md"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    with pytest.raises(InputError, match="a binary file"):
        load(binary)
    latin1 = tmp_path / "c.md"
    latin1.write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    with pytest.raises(InputError, match="line 2: not UTF-8 text"):
        load(latin1)


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown input format '\.rtf'"):
        load(path)


def test_front_matter_texts_get_typographic_quotes_and_dashes() -> None:
    article = read_markdown(
        '---\ntitle: "The Mekong\'s \'data\' gap -- now"\nsummary: A "quoted" *word*\n'
        'authors: [{name: A, bio: "A\'s bio"}]\n---\n'
    )
    assert article.title == "The Mekong\u2019s \u2018data\u2019 gap \u2013 now"
    assert article.summary == "A \u201cquoted\u201d *word*"
    assert article.authors[0].bio == "A\u2019s bio"

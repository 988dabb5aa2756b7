"""The Markdown reader: front matter, every block and inline kind, and precise errors."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest

from exporter import codec, model, readers, validate, walk
from exporter.errors import InputError
from exporter.readers import lines, load
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
    # A span with neither (pandoc's `{.underline}`) keeps its text, with a warning.
    plain = read_markdown("---\ntitle: T\n---\nA [b]{.class} c\n")
    assert plain.body == (model.Paragraph((model.Text("A b c"),)),)


def body_of(markdown: str) -> tuple[model.Block, ...]:
    """Return the body blocks of a Markdown body under a minimal front matter."""
    return read_markdown("---\ntitle: T\n---\n" + markdown).body


def test_safe_raw_html_becomes_model_inlines() -> None:
    body = body_of(
        "A <em>b</em> <i>c</i> <strong>d</strong><b>e</b> <code>f &lt;g&gt;</code><br>"
        '<a href="https://example.org/" title="T">h</a> <span lang="ja">岸田</span>'
        " <sub>2</sub><u>u</u>.\n"
    )
    assert body == (
        model.Paragraph(
            (
                model.Text("A "),
                model.Emphasis((model.Text("b"),)),
                model.Text(" "),
                model.Emphasis((model.Text("c"),)),
                model.Text(" "),
                model.Strong((model.Text("d"),)),
                model.Strong((model.Text("e"),)),
                model.Text(" "),
                model.Code("f <g>"),
                model.LineBreak(),
                model.Link("https://example.org/", (model.Text("h"),), "T"),
                model.Text(" "),
                model.Span("ja", (model.Text("岸田"),)),
                model.Text(" "),
                model.Subscript((model.Text("2"),)),
                model.Text("u."),
            )
        ),
    )


def test_raw_html_mixes_with_markdown_and_note_calls() -> None:
    body = body_of("*a <b>b</b>* [c <i>d</i>](http://e.org)[^1]\n\n[^1]: N.\n")
    assert body == (
        model.Paragraph(
            (
                model.Emphasis((model.Text("a "), model.Strong((model.Text("b"),)))),
                model.Text(" "),
                model.Link("http://e.org", (model.Text("c "), model.Emphasis((model.Text("d"),)))),
                model.NoteRef("1"),
            )
        ),
    )


def test_block_html_becomes_model_blocks() -> None:
    body = body_of(
        "<div>\n<p>One  <b>two</b>\nthree</p>\n<blockquote><p>Quoted</p></blockquote>\n"
        '<ol start="3"><li>first</li><li>second</li></ol>\n<h2>Sub</h2>\nloose text\n</div>\n'
    )
    assert body == (
        model.Paragraph(
            (model.Text("One "), model.Strong((model.Text("two"),)), model.Text(" three"))
        ),
        model.BlockQuote((model.Paragraph((model.Text("Quoted"),)),)),
        model.ListBlock(
            True,
            (
                model.ListItem((model.Paragraph((model.Text("first"),)),)),
                model.ListItem((model.Paragraph((model.Text("second"),)),)),
            ),
            3,
        ),
        model.Heading(2, (model.Text("Sub"),)),
        model.Paragraph((model.Text("loose text"),)),
    )


DANGEROUS = [
    # (Markdown body, what the warning names, text that must not survive anywhere)
    ("A <script>alert(1)</script> b.\n", "<script> (line 4)", "alert"),
    ("A\n\n<script>\nalert(1)\n</script>\n\nb.\n", "<script> (line 6)", "alert"),
    ("<style>\np { color: red }\n</style>\n\nA b.\n", "<style> (line 4)", "color"),
    ("A <style>p {color: red}</style> b.\n", "<style> (line 4)", "color"),
    ('<iframe src="http://127.0.0.1:9/">inside</iframe>\n\nA b.\n', "<iframe> (line 4)", "inside"),
    ('A <object data="x.swf">fallback</object> b.\n', "<object> (line 4)", "x.swf"),
    ('<embed src="x.swf">\n\nA b.\n', "<embed> (line 4)", "x.swf"),
    ('<img src="file:///etc/hostname">\n\nA b.\n', "<img> (line 4)", "hostname"),
    ("A <svg><script>x()</script></svg> b.\n", "<svg> (line 4)", "x()"),
    ('A <form action="http://x"><input name=q></form> b.\n', "<form> (line 4)", "http"),
    ('A <b onclick="steal()">b</b>.\n', "onclick attribute (line 4)", "steal"),
    ('A <span lang="en" onmouseover="x()" style="color:red">b</span>.\n', "onmouseover", "color"),
    ('A <a href="javascript:alert(1)">b</a>.\n', "javascript: link (line 4)", "alert"),
    ('A <a href=" JavaScript:alert(1)">b</a>.\n', "javascript: link (line 4)", "alert"),
    ('A <a href="data:text/html,x">b</a>.\n', "data: link (line 4)", "data:"),
    ("A [b](javascript:alert(1)).\n", "javascript: link (line 4)", "javascript"),
    ("A [b](vbscript:msgbox).\n", "vbscript: link (line 4)", "vbscript"),
    ("A [b](file:///etc/passwd).\n", "file: link (line 4)", "passwd"),
    ("A <javascript:alert(1)> b.\n", "javascript: link (line 4)", "javascript"),
    ("x\ny\nA [b](javascript:alert(1)).\n", "javascript: link (line 6)", "javascript"),
    ("A [b](javascript://[x).\n", "javascript: link (line 4)", "javascript"),
]


@pytest.mark.parametrize(("markdown", "named", "gone"), DANGEROUS)
def test_dangerous_raw_html_is_dropped_and_named_once(
    markdown: str, named: str, gone: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = body_of(markdown)
    text = walk.plain_text(body)
    assert "A" in text and "b." in text.replace(" ", "")  # the text around it stays
    links = walk.query(model.Article("T", body=body), model.Link)
    assert gone not in repr(body) and not links
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and warnings[0].startswith("dropped raw HTML: ")
    assert named in warnings[0]


def test_script_in_alt_text_and_caption_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    (figure,) = body_of('![a <script>alert(1)</script>b](x.png "c <script>alert(2)</script>d")\n')
    assert figure == model.Figure("x.png", "a b", (model.Text("c d"),))
    assert "<script> (line 4)" in caplog.text


def test_a_quote_of_only_dropped_html_goes_with_it() -> None:
    body = body_of(
        "> <iframe src=x></iframe>\n\n::: pullquote\n<script>x()</script>\n:::\n\nEnd.\n"
    )
    assert body == (model.Paragraph((model.Text("End."),)),)


def test_safe_input_gives_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    body_of(
        'A <em>b</em> [c](https://d.org) [e](#f) <!-- note to self --> <span lang="ja">g</span>.\n'
    )
    assert caplog.records == []


def test_front_matter_html_stays_text() -> None:
    article = read_markdown("---\ntitle: <b onmouseover=x>T</b>\n---\nA.\n")
    assert article.title == "<b onmouseover=x>T</b>"


BAD = [
    ("", "the file is empty"),
    ("   \n\n", "the file is empty"),
    ("Just text\n", "no front matter"),
    ("---\ntitle: T\n", "front matter: the front matter has no closing '---' line"),
    ("---\ntitle: [T\n---\n", "front matter, line 2, column 10: broken YAML"),
    ("---\nsummary: S\n---\nBody\n", "front matter: no title"),
    (
        "---\ntitle: T\ndate: 2022-13-45\n---\n",
        "front matter, line 3: date '2022-13-45' is not a date",
    ),
    (
        "---\ntitle: T\ndate: 12/10/2022\n---\n",
        "front matter, line 3: date '12/10/2022' is not a date",
    ),
    ("---\ntitle: T\nnumber: six\n---\n", "front matter, line 3: number is a string, not a whole"),
    ("---\ntitle: T\nauthors: Ann\n---\n", "front matter, line 3: authors is a string, not a list"),
    ("---\ntitle: T\nauthors: [{bio: x}]\n---\n", "front matter, line 3: authors[0] has no name"),
    ("---\ntitle: T\nauthors: [{name: A, age: 3}]\n---\n", "authors[0] has unknown key 'age'"),
    ("---\ntitle: T\ncolour: red\n---\n", "front matter, line 3: unknown key 'colour'"),
    ("---\ntitle: 5\n---\n", "front matter, line 2: title is a whole number, not a string"),
    ("---\n- a\n- b\n---\n", "front matter: must be 'key: value' lines"),
    ("---\ntitle: T\n---\n\nA [b]{lang=x_y} c.\n", "line 5: span language 'x_y'"),
    ("---\ntitle: T\n---\n\nA []{#1x} c.\n", "line 5: anchor '1x' is not a name"),
    ("---\ntitle: T\n---\n\nx\n\nA []{#a} []{#a}.\n", "line 7: anchor 'a' is defined twice"),
    ("---\ntitle: T\n---\n\nA[^1].\n\n[^1]: [x](#no).\n", "line 7: link to '#no': no anchor"),
    ("---\ntitle: T\n---\nText ![i](a.png) more\n", "line 4, column 6: an image inside running"),
    ("---\ntitle: T\n---\nText[^x]\n", "line 4: footnote 'x' is called but never defined"),
    ("---\ntitle: T\n---\n![](a.png)\n", "line 4: figure 'a.png' has no alt text"),
    ("---\ntitle: T\nlang: 'en us'\n---\n", "front matter, line 3: lang 'en us' is not a BCP 47"),
    # The model's checks name the line of the block, item, key or value at fault.
    ("---\ntitle: T\n---\n\nOne.\n\n- item\n- ![](a.png)\n", "line 8: figure 'a.png' has no"),
    ("---\ntitle: T\nauthors:\n  - name: A\n  - name: ' '\n---\n", "line 5: the author has no"),
    ("---\ntitle: T\nseries: 'a b'\n---\n", "front matter, line 3: series 'a b' is not"),
    ("---\ntitle: T\n---\n\nSee [x](#nowhere).\n", "line 5: link to '#nowhere': no anchor"),
    ("---\ntitle: T\n---\n\n- a\n\n  - b\n\n    ![](x.png)\n", "line 9: figure 'x.png' has no"),
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
        '---\ntitle: "The Mekong\'s \'data\' gap -- now"\nsummary: A "quoted" \\*word\\*\n'
        'authors: [{name: A, bio: "A\'s bio"}]\n---\n'
    )
    assert article.title == "The Mekong\u2019s \u2018data\u2019 gap \u2013 now"
    assert article.summary == "A \u201cquoted\u201d *word*"
    assert article.authors[0].bio == "A\u2019s bio"


@pytest.mark.parametrize(
    ("front", "place"),
    [
        ("summary: H~2~O in the rivers", "front matter, line 3: the summary holds Markdown (sub"),
        ("summary: It rose 10^3^ times", "front matter, line 3: the summary holds Markdown (sup"),
        (
            "authors:\n  - name: Ada\n    bio: Writes about *rivers*",
            "front matter, line 5: authors[0]'s bio holds Markdown (em",
        ),
        (
            "authors:\n  - Ada\n  - name: Bo\n    bio: See [the site](https://example.org)",
            "front matter, line 6: authors[1]'s bio holds Markdown (link",
        ),
    ],
)
def test_markdown_in_a_summary_or_bio_is_refused_with_its_line(front: str, place: str) -> None:
    with pytest.raises(InputError) as caught:
        read_markdown(f"---\ntitle: T\n{front}\n---\n\nBody.\n")
    assert str(caught.value).startswith(place), caught.value


def test_the_front_matter_is_read_again_for_a_place_only_when_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    composed: list[str] = []
    compose = lines.yaml_node

    def counted(source: str, path: str, loader: type[Any]) -> tuple[Any, Any] | None:
        composed.append(path)
        return compose(source, path, loader)

    monkeypatch.setattr(lines, "yaml_node", counted)
    front = "title: T\nsummary: Plain\nauthors:\n  - name: Ada\n    bio: Writes\n  - name: Bo\n"
    article = read_markdown(f"---\n{front}    bio: Reads\n---\n\nBody.\n")
    assert [author.bio for author in article.authors] == ["Writes", "Reads"]
    assert composed == []  # nothing was refused: no place was looked for
    with pytest.raises(InputError, match=r"line 8: authors\[1\]'s bio"):
        read_markdown(f"---\n{front}    bio: Reads *so*\n---\n\nBody.\n")
    assert composed == ["authors[1].bio"]


def test_a_file_is_checked_once_whatever_its_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    check = validate.validate

    def counted(article: model.Article) -> model.Article:
        checked.append(article.title)
        return check(article)

    monkeypatch.setattr(validate, "validate", counted)
    monkeypatch.setattr(readers, "validate", counted)
    article = load(FIXTURES / "rich-article.md")
    assert checked == [article.title]  # by the Markdown reader, which places its faults
    (tmp_path / "a.json").write_text(json.dumps(codec.to_data(article)), encoding="utf-8")
    assert load(tmp_path / "a.json") == article
    assert checked == [article.title] * 2
    with pytest.raises(InputError, match=r"b\.md: front matter, line 2: the title is empty"):
        load(_written(tmp_path / "b.md", "---\ntitle: ' '\n---\n\nBody.\n"))


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_escaped_marks_in_a_summary_and_bio_are_text() -> None:
    article = read_markdown(
        "---\ntitle: T\nsummary: H\\~2\\~O, not \\*so\\*\n"
        "authors:\n  - name: Ada\n    bio: 10\\^3\\^ \\[x](y)\n---\n\nBody.\n"
    )
    assert article.summary == "H~2~O, not *so*"
    assert article.authors[0].bio == "10^3^ [x](y)"

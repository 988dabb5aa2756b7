"""The Markdown reader forgives what writers do every day and names the line of the rest:
headings shifted to subheads, empty blocks dropped, HTML tables read, links of any scheme."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter import model, walk
from exporter.cli import main
from exporter.errors import InputError
from exporter.readers.markdown import read_checked_markdown, shifted_headings

FRONT = "---\ntitle: T\n---\n\n"
"""A front matter of four lines: the body starts on line 5."""
PLACE = re.compile(r"^line \d+(, column \d+)?: ")


def read(body: str) -> model.Article:
    return read_checked_markdown(FRONT + body)


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]


def subheads(article: model.Article) -> list[tuple[int, str]]:
    return [(b.level, walk.plain_text([b])) for b in article.body if isinstance(b, model.Heading)]


def test_sections_written_with_a_hash_become_subheads_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = read("# One\n\nText.\n\n## One point one\n\nText.\n\n# Two\n\nText.\n")
    assert subheads(article) == [(2, "One"), (3, "One point one"), (2, "Two")]
    (warning,) = warnings_of(caplog)
    assert warning.startswith("line 5: the body's headings start at level 1 ('#')")
    assert "shifted down by 1" in warning and "--shift-headings" in warning


def test_headings_that_start_deeper_than_the_layout_prints_are_shifted_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = read("Intro.\n\n#### Four\n\nText.\n\n##### Five\n\nText.\n")
    assert subheads(article) == [(2, "Four"), (3, "Five")]
    (warning,) = warnings_of(caplog)
    assert warning.startswith("line 7: the body's headings start at level 4")
    assert "shifted up by 2" in warning


def test_subheads_at_the_layouts_levels_are_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    assert subheads(read("## A\n\nText.\n\n### B\n")) == [(2, "A"), (3, "B")]
    assert warnings_of(caplog) == []


def test_sub_subheads_alone_move_up_a_level(caplog: pytest.LogCaptureFixture) -> None:
    # A body of `###` alone would skip a level in the outline and the PDF's tags.
    assert subheads(read("### A\n\nText.\n\n### B\n")) == [(2, "A"), (2, "B")]
    (warning,) = warnings_of(caplog)
    assert warning.startswith("line 5: the body's headings start at level 3")
    assert "shifted up by 1" in warning


def test_a_first_heading_repeating_the_title_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    text = "---\ntitle: The Mekong's  data gap\n---\n\n# The Mekong's Data Gap\n\n# Why\n\nText.\n"
    article = read_checked_markdown(text)
    assert subheads(article) == [(2, "Why")]
    assert "line 5: the heading repeats the title: dropped" in warnings_of(caplog)
    # Not the title: kept, and counted in the shift; a subhead may repeat the title.
    assert subheads(read("# The Mekong\n\nText.\n")) == [(2, "The Mekong")]
    assert subheads(read("## T\n\nText.\n")) == [(2, "T")]


def test_a_heading_deeper_than_the_layout_prints_runs_into_its_paragraph(
    caplog: pytest.LogCaptureFixture,
) -> None:
    article = read("## A\n\n### B\n\n#### Deep point\n\nThe text after it.\n\n#### Last\n")
    assert subheads(article) == [(2, "A"), (3, "B")]
    run_in, last = article.body[2:]
    assert run_in == model.Paragraph(
        (model.Strong((model.Text("Deep point"),)), model.Text(" The text after it."))
    )
    assert last == model.Paragraph((model.Strong((model.Text("Last"),)),))
    (warning,) = warnings_of(caplog)
    assert warning.startswith("line 9: a '####' heading is level 4, deeper than")
    assert "so are 1 more, on lines 13" in warning


@pytest.mark.parametrize(
    ("shift", "expected"),
    [(1, [(2, "A"), (3, "B")]), (0, None), (2, [(3, "A")])],
)
def test_the_shift_is_set_by_hand(shift: int, expected: list[tuple[int, str]] | None) -> None:
    with shifted_headings(shift):
        if expected is None:
            with pytest.raises(InputError) as caught:
                read("# A\n\n## B\n")
            assert str(caught.value).startswith("line 5: a '#' heading is level 1, above")
            assert "--shift-headings 1" in str(caught.value)
        else:
            assert subheads(read("# A\n\n## B\n")) == expected


HEADING_LEVELS = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(levels=HEADING_LEVELS, shift=st.one_of(st.none(), st.integers(-3, 3)))
def test_any_heading_levels_read_as_subheads_or_run_ins_in_order(
    levels: list[int], shift: int | None
) -> None:
    body = "".join(f"{'#' * level} Heading {i}\n\nText {i}.\n\n" for i, level in enumerate(levels))
    top = min(levels)
    used = 2 - top if shift is None else shift
    lines = {i: 5 + 4 * i for i in range(len(levels))}  # each heading's line
    too_high = [i for i, level in enumerate(levels) if level + used < 2]
    with shifted_headings(shift):
        if too_high:
            with pytest.raises(InputError) as caught:
                read(body)
            assert caught.value.line == lines[too_high[0]]
            return
        article = read(body)
    seen: list[tuple[str, int | None]] = []
    for block in article.body:
        if isinstance(block, model.Heading):
            seen.append((walk.plain_text([block]), block.level))
        elif isinstance(block, model.Paragraph) and isinstance(block.content[0], model.Strong):
            seen.append((walk.plain_text([block.content[0]]), None))  # a run-in heading
    assert [text for text, _ in seen] == [f"Heading {i}" for i in range(len(levels))]
    for (_, level), written in zip(seen, levels, strict=True):
        assert level == (written + used if written + used <= 3 else None)
    assert walk.plain_text(article.body).count("Text") == len(levels)  # no text lost


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        ("```\n```\n", "line 7: an empty code block: dropped"),
        ("~~~\n   \n\n~~~\n", "line 7: an empty code block: dropped"),
        ("- a\n-\n- c\n", "line 8: an empty list item: dropped"),
        ("`  ` `\u00a0`\n", "line 7: an empty paragraph: dropped"),
        ("![A map]()\n", "line 7: an image with no file ('A map'): dropped"),
        ("[](https://example.org)\n", "line 7: an empty paragraph: dropped"),
        ("##\n", "line 7: an empty heading: dropped"),
        (">\n", "line 7: an empty quotation: dropped"),
        ('<a href="/x">\n', "line 7: an empty paragraph: dropped"),
    ],
)
def test_an_empty_block_is_dropped_with_a_warning_naming_its_line(
    body: str, warning: str, caplog: pytest.LogCaptureFixture
) -> None:
    article = read("Before.\n\n" + body + "\nAfter.\n")
    assert walk.plain_text(article.body).replace(" ", "").startswith("Before.")
    assert walk.plain_text(article.body).endswith("After.")
    assert warning in warnings_of(caplog)


def test_an_item_of_only_an_empty_block_goes_and_its_list_with_it() -> None:
    article = read("Text.\n\n- ```\n  ```\n")
    assert article.body == (model.Paragraph((model.Text("Text."),)),)


TABLE = """\
Before.

<table>
<caption>Yields, <em>t/ha</em></caption>
<thead><tr>
<th>Country</th><th align="right">2012</th><th style="text-align: right">2022</th>
</tr></thead>
<tbody>
<tr><td>Viet Nam</td><td>5.6</td><td><b>6.0</b><script>x()</script></td></tr>
<tr><td>Cambodia</td><td colspan="2">3.1</td></tr>
<tr><td rowspan="2">Lao PDR</td><td>3.7</td><td>4.1</td></tr>
<tr><td>3.9</td><td>4.3</td></tr>
</tbody>
</table>

After.
"""


def test_an_html_table_becomes_a_table_block() -> None:
    body = read(TABLE).body
    assert [block.kind for block in body] == ["paragraph", "table", "paragraph"]
    table = body[1]
    assert isinstance(table, model.Table)

    def texts(rows: tuple[model.TableRow, ...]) -> list[list[str]]:
        return [[walk.plain_text(cell.content) for cell in row.cells] for row in rows]

    assert texts(table.head) == [["Country", "2012", "2022"]]
    # A spanning cell's text is in its first place, as the model holds merged cells.
    assert texts(table.body) == [
        ["Viet Nam", "5.6", "6.0"],
        ["Cambodia", "3.1", ""],
        ["Lao PDR", "3.7", "4.1"],
        ["", "3.9", "4.3"],
    ]
    assert table.align == ("", "right", "right")
    assert table.caption == (model.Text("Yields, "), model.Emphasis((model.Text("t/ha"),)))
    assert table.body[0].cells[2].content == (model.Strong((model.Text("6.0"),)),)


def test_a_table_of_bare_rows_takes_a_first_row_of_th_as_its_header() -> None:
    (table,) = read("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td></tr></table>\n").body
    assert isinstance(table, model.Table)
    assert [walk.plain_text(c.content) for c in table.head[0].cells] == ["A", "B"]
    assert [walk.plain_text(c.content) for c in table.body[0].cells] == ["1", ""]  # padded


def test_a_table_cut_by_blank_lines_is_read_whole() -> None:
    # A blank line ends an HTML block: the rows after it, an indented cell, are the table's.
    body = read(
        "Before.\n\n<table>\n<tr><th>A</th><th>B</th></tr>\n\n<tr><td>1</td>\n\n"
        "    <td>2</td></tr>\n</table>\n\nAfter.\n"
    ).body
    assert [block.kind for block in body] == ["paragraph", "table", "paragraph"]
    table = body[1]
    assert isinstance(table, model.Table)
    assert [walk.plain_text(c.content) for c in table.body[0].cells] == ["1", "2"]


@pytest.mark.parametrize(
    ("html", "warning"),
    [
        (
            "<table><tr><td>a\n<table><tr><td>b</td></tr></table></td></tr></table>\n",
            "line 8: an HTML table inside a table cannot be set: the table of line 7 dropped",
        ),
        (
            '<table>\n<tr><td colspan="90">a</td></tr>\n</table>\n',
            "line 8: an HTML table cell spans more than 50 columns or rows",
        ),
    ],
)
def test_a_table_the_model_cannot_hold_is_dropped_naming_its_line(
    html: str, warning: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = read("Before.\n\n" + html + "\nAfter.\n").body
    assert not walk.query(model.Article("T", body=body), model.Table)
    assert [walk.plain_text([b]) for b in body] == ["Before.", "After."]
    assert any(w.startswith(warning) for w in warnings_of(caplog))


@pytest.mark.parametrize(
    ("body", "text", "url"),
    [
        ("Call <tel:+6561234567>.\n", "Call tel:+6561234567.", "tel:+6561234567"),
        ("Call [the desk](tel:+65).\n", "Call the desk.", "tel:+65"),
        ("Write <mailto:a@b.org>.\n", "Write mailto:a@b.org.", "mailto:a@b.org"),
        ("Join <irc://irc.example.org/delta>.\n", "Join irc://irc.example.org/delta.", None),
        ("See <made-up-scheme://x,y>.\n", "See made-up-scheme://x,y.", None),
        ("Open [the sheet](file:///C:/yields.xlsx).\n", "Open the sheet.", None),
        ("Click [here](javascript:alert(1)).\n", "Click here.", None),
    ],
)
def test_links_keep_their_text_and_only_followable_targets(
    body: str, text: str, url: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    article = read(body)
    assert walk.plain_text(article.body) == text
    links = [link.url for link in walk.query(article, model.Link)]
    assert links == ([url] if url else [])
    if url is None:
        (warning,) = warnings_of(caplog)
        assert re.search(r"\w+: link \(line 5\)", warning)


def test_pandoc_heading_attributes_and_links_to_headings_are_read() -> None:
    article = read(
        "See [the survey](#the-survey) and [notes](#notes).\n\n"
        "## The survey\n\nText.\n\n## Notes {#notes .unnumbered}\n\nText.\n"
    )
    assert subheads(article) == [(2, "The survey"), (2, "Notes")]
    anchors = [anchor.id for anchor in walk.query(article, model.Anchor)]
    assert anchors == ["the-survey", "notes"]


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("Text ![map](a.png) more.\n", "line 5, column 6: an image inside running text"),
        ("x\n\nA []{#1x} c.\n", "line 7: anchor '1x' is not a name"),
        ("x\n\nSee [it](#nowhere).\n", "line 7: link to '#nowhere': no anchor"),
        ("![](a.png)\n", "line 5: figure 'a.png' has no alt text"),
    ],
)
def test_what_is_refused_names_its_line(body: str, place: str) -> None:
    with pytest.raises(InputError) as caught:
        read(body)
    assert str(caught.value).startswith(place)
    assert "body[" not in str(caught.value) and caught.value.line is not None


def test_an_article_with_hash_sections_builds_a_pdf_with_them_as_subheads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paragraph = "The river carries silt and news from the mountains to the delta. " * 6
    sections = ["The survey", "The harvest", "The people"]
    body = "".join(f"# {name}\n\n{paragraph}\n\n{paragraph}\n\n" for name in sections)
    source = tmp_path / "sections.md"
    source.write_text("---\ntitle: Sections\n---\n\n" + body, encoding="utf-8")
    assert main(["build", str(source), "--to", "pdf,json", "-o", str(tmp_path / "out")]) == 0
    assert "line 5: the body's headings start at level 1" in capsys.readouterr().err
    data = json.loads((tmp_path / "out" / "sections.json").read_text(encoding="utf-8"))
    headings = [b for b in data["body"] if b["type"] == "heading"]
    assert [(h["level"], h["content"][0]["text"]) for h in headings] == [
        (2, name) for name in sections
    ]
    with pikepdf.open(tmp_path / "out" / "sections.pdf") as pdf:
        tags = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            tags.append(str(element.get("/S", "")))
            kids = element.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary):
                    stack.append(kid)
    assert tags.count("/H2") == len(sections)
    assert "/H1" in tags  # the title, the one level-1 heading


def test_the_shift_is_asked_for_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "deep.md"
    source.write_text(FRONT + "# A\n\nText.\n\n## B\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["build", str(source), "--to", "json", "-o", str(out), "--shift-headings", "2"]
    assert main(args) == 0
    data = json.loads((out / "deep.json").read_text(encoding="utf-8"))
    # '#' is a subhead of level 3, '##' a bold paragraph that runs into the text after it.
    assert [b["type"] for b in data["body"]] == ["heading", "paragraph", "paragraph"]
    assert data["body"][0]["level"] == 3
    assert "shifted" not in capsys.readouterr().err  # asked for: no warning of a shift
    assert main([*args[:-1], "0"]) == 2
    assert f"{source}: line 5: a '#' heading is level 1" in capsys.readouterr().err


def test_every_warning_names_a_line(caplog: pytest.LogCaptureFixture) -> None:
    read(
        "# A\n\n#### Deep\n\nText [b]{.underline} and <irc://x.org>.\n\n```\n```\n\n- \n\n"
        "<table><tr><td><table></table></td></tr></table>\n"
    )
    warnings = warnings_of(caplog)
    assert len(warnings) >= 6
    for warning in warnings:
        assert PLACE.match(warning) or re.search(r"\(line \d+\)", warning), warning

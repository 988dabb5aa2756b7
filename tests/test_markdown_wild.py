"""Markdown as other tools write it: pandoc from Word manuscripts, Obsidian and Typora
notes (tests/fixtures/markdown-wild): read with their sections as subheads and their
HTML tables as tables, or refused naming the line at fault."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from exporter.cli import main

WILD = Path(__file__).resolve().parent / "fixtures" / "markdown-wild"
PLACE = re.compile(r"\.md: line (\d+)(?:, column (\d+))?: ")


def build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, title: str = ""
) -> tuple[dict[str, Any] | None, str, list[str]]:
    """Build a fixture to JSON (under a front matter with `title`, if given); return its
    JSON (None if refused), the error and the warnings printed."""
    text = (WILD / name).read_text(encoding="utf-8")
    source = tmp_path / name
    source.write_text(f"---\ntitle: {title}\n---\n\n{text}" if title else text, encoding="utf-8")
    code = main(["build", str(source), "--to", "json", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err.splitlines()
    output = tmp_path / "out" / (source.stem + ".json")
    data = json.loads(output.read_text(encoding="utf-8")) if code == 0 else None
    errors = [line for line in err if line.startswith("exporter: ")]
    assert (code == 0) == (not errors) and code in (0, 2)
    warnings = [line for line in err if line.startswith("warning: ")]
    for line in warnings:
        assert PLACE.search(line) or re.search(r"\(line \d+\)", line), line
    return data, errors[0] if errors else "", warnings


def kinds(data: dict[str, Any]) -> list[str]:
    return [block["type"] for block in data["body"]]


def text(node: Any) -> str:
    if isinstance(node, dict):
        return str(node.get("text", "")) + "".join(text(v) for k, v in node.items() if k != "text")
    if isinstance(node, list):
        return "".join(text(item) for item in node)
    return ""


def subheads(data: dict[str, Any]) -> list[tuple[int, str]]:
    return [(b["level"], text(b["content"])) for b in data["body"] if b["type"] == "heading"]


def test_pandoc_gfm_from_word_builds_with_its_sections_and_merged_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, error, warnings = build(
        tmp_path, capsys, "pandoc-docx4j-sample-docx.gfm.md", "A sample document"
    )
    assert data is not None, error
    assert subheads(data)[:2] == [(2, "This is style Heading 1"), (2, "Tables")]
    assert any("headings start at level 1" in w for w in warnings)
    (table,) = [b for b in data["body"] if b["type"] == "table"]
    rows = [[text(cell.get("content", [])) for cell in row["cells"]] for row in table["body"]]
    assert [text(c.get("content", [])) for c in table["head"][0]["cells"]] == [
        "Cell text",
        "",
        "Shaded grey",
    ]
    # The vertical merge's text in its first row, the horizontal merge's in its first column.
    assert rows[0][0] == "Vertical merge" and rows[1][0] == ""
    assert rows[2] == ["", "Horizontal merge", ""]


def test_pandoc_markdown_with_heading_attributes_spans_and_contents_links_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, error, warnings = build(
        tmp_path, capsys, "pandoc-pt-HC031-Complicated.markdown.md", "A complicated document"
    )
    assert data is not None, error
    # `# Contents {#contents .TOC-Heading}`: the attributes go, the id is an anchor.
    assert (2, "Contents") in subheads(data)
    assert not any("{#" in name for _, name in subheads(data))
    # The table of contents' links point at headings by pandoc's identifiers.
    targets = re.findall(r'"url": "#([^"]+)"', json.dumps(data))
    anchors = set(re.findall(r'"type": "anchor", "id": "([^"]+)"', json.dumps(data)))
    assert targets and set(targets) <= anchors
    assert any("span with no language nor id" in w for w in warnings)


@pytest.mark.parametrize(
    ("name", "problem", "mark"),
    [
        ("pandoc-docx4j-sample-docx.markdown.md", "an image inside running text", "!["),
        ("pandoc-tika-memo.gfm.md", "has no alt text", "![]("),
    ],
)
def test_pandoc_output_the_model_cannot_hold_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, problem: str, mark: str
) -> None:
    data, error, _warnings = build(tmp_path, capsys, name, "From Word")
    assert data is None and problem in error
    place = PLACE.search(error)
    assert place, error
    line = (tmp_path / name).read_text(encoding="utf-8").split("\n")[int(place[1]) - 1]
    assert mark in line
    if place[2]:
        assert line[int(place[2]) - 1 :].startswith(mark)


def test_pandoc_nested_tables_are_dropped_naming_their_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _data, _error, warnings = build(tmp_path, capsys, "pandoc-tika-memo.gfm.md", "From Word")
    nested = [w for w in warnings if "table inside a table" in w]
    assert nested
    lines = (tmp_path / "pandoc-tika-memo.gfm.md").read_text(encoding="utf-8").split("\n")
    for warning in nested:
        place = PLACE.search(warning)
        assert place and "<table" in lines[int(place[1]) - 1]


def test_an_obsidian_note_builds_with_its_sections_as_subheads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, error, warnings = build(tmp_path, capsys, "obsidian-field-notes.md")
    assert data is not None, error
    assert subheads(data) == [(2, "The river"), (3, "Salinity"), (2, "The people")]
    assert any(w.endswith("line 6: the heading repeats the title: dropped") for w in warnings)
    body = text(data["body"])
    assert "Wells" in body and "Brackish since March." in body  # run-in, not lost
    assert "empty list item" in " ".join(warnings)
    links = re.findall(r'"url": "([^"]+)"', json.dumps(data))
    assert links == ["tel:+842923000000", "mailto:delta@example.org"]


def test_a_typora_article_builds_with_its_html_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, error, warnings = build(tmp_path, capsys, "typora-rice-yields.md")
    assert data is not None, error
    assert kinds(data).count("table") == 1
    (table,) = [b for b in data["body"] if b["type"] == "table"]
    assert text(table["caption"]) == "Paddy yields, tonnes per hectare"
    assert table["align"] == ["", "right", "right"]
    assert len(table["body"]) == 4 and all(len(row["cells"]) == 3 for row in table["body"])
    body = text(data["body"])
    assert "local file" in body and "file:" not in json.dumps(data)
    assert "javascript" not in json.dumps(data)
    said = " ".join(warnings)
    assert "an empty code block: dropped" in said
    assert "an HTML table inside a table" in said and "file: link" in said

"""The command line, end to end: the example in every format, bad input, help, schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import docx
import jsonschema
import pypdf
import pytest

from exporter import codec
from exporter.cli import main
from exporter.layouts import find_layout, issue_line
from exporter.readers import load
from tests.tools import (
    assert_in_order,
    epubcheck_problems,
    libreoffice_to_pdf,
    normalise,
    pdf_text,
    text_segments,
    text_without_page_furniture,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
RICH = Path(__file__).resolve().parent / "fixtures" / "rich-article.md"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the seed example and the rich fixture into every format, once."""
    out = tmp_path_factory.mktemp("dist")
    code, _out, err = run("build", str(EXAMPLE), str(RICH), "--out", str(out), "-q")
    assert code == 0, err
    return out


@pytest.mark.parametrize("source", [EXAMPLE, RICH], ids=["example", "rich"])
def test_pdf_has_two_pages_and_every_paragraph_in_order(source: Path, built: Path) -> None:
    article = load(source)
    pdf = built / f"{source.stem}.pdf"
    assert len(pypdf.PdfReader(str(pdf)).pages) == 2
    assert_in_order(
        pdf_text(pdf),
        [article.title, article.summary, *text_segments(article)]
        + [a.bio for a in article.authors]
        + ["The views expressed in this publication are those of the author"],
    )


@pytest.mark.parametrize("source", [EXAMPLE, RICH], ids=["example", "rich"])
def test_epub_is_valid_and_holds_every_paragraph(source: Path, built: Path) -> None:
    article = load(source)
    epub = built / f"{source.stem}.epub"
    assert epubcheck_problems(epub) == []
    with zipfile.ZipFile(epub) as archive:
        xhtml = " ".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xhtml") and "nav" not in name
        )
    text = normalise(_strip_tags(xhtml))
    assert_in_order(text, [article.title, *text_segments(article)])


def _strip_tags(markup: str) -> str:
    import html
    import re

    # Block ends become spaces, inline tags vanish, as a reading system shows the text.
    markup = re.sub(r"</(p|h[1-6]|li|div|section|aside|header|footer)>|<br/>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_docx_has_title_and_paragraphs_and_libreoffice_converts_it(
    built: Path, tmp_path: Path
) -> None:
    sources = [EXAMPLE, RICH]
    documents = [built / f"{s.stem}.docx" for s in sources]
    for source, path in zip(sources, documents, strict=True):
        article = load(source)
        document = docx.Document(str(path))
        assert document.core_properties.title == article.title
        text = normalise(" ".join(p.text for p in document.paragraphs))
        assert_in_order(text, [article.title, *text_segments(article)[:3]])
    series = find_layout(None).series
    for source, converted in zip(sources, libreoffice_to_pdf(documents, tmp_path), strict=True):
        article = load(source)
        line = issue_line(series, article.number, article.date, article.lang)
        head = " | ".join(part for part in (series.name, line) if part)
        text = text_without_page_furniture(converted, head)
        assert_in_order(text, [article.title, *text_segments(article)])


def test_json_output_reads_back_as_the_same_article(tmp_path: Path) -> None:
    code, _out, err = run("build", str(RICH), "--to", "json", "--out", str(tmp_path))
    assert code == 0, err
    written = tmp_path / "rich-article.json"
    jsonschema.validate(json.loads(written.read_text(encoding="utf-8")), codec.json_schema())
    assert load(written) == load(RICH)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rich-article.json"]


BAD_INPUTS = {
    "empty.md": b"",
    "binary.md": b"\x7fELF\x02\x01\x01\0\0\0",
    "broken-yaml.md": b"---\ntitle: [unclosed\n---\nText\n",
    "no-title.md": b"---\nsummary: S\n---\nText\n",
    "wrong-type.md": b"---\ntitle: T\nauthors: 7\n---\nText\n",
    "bad-date.md": b"---\ntitle: T\ndate: 2022-13-45\n---\nText\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_exits_2_with_one_line_and_no_output(name: str, tmp_path: Path) -> None:
    source = tmp_path / name
    source.write_bytes(BAD_INPUTS[name])
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "build", str(source), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"exporter: {source}: ")
    assert "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_bad_date_message_names_file_place_and_problem(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_bytes(BAD_INPUTS["bad-date.md"])
    code, _out, err = run("build", str(source), "--out", str(tmp_path / "o"))
    assert code == 2
    assert err.strip() == (
        f"exporter: {source}: front matter, line 3: date '2022-13-45' is not a date (YYYY-MM-DD)"
    )


def test_too_long_article_is_refused_without_any_output(tmp_path: Path) -> None:
    body = "\n\n".join(
        " ".join(f"word{i}" for i in range(start, start + 100)) for start in range(0, 3400, 100)
    )
    source = tmp_path / "long.md"
    source.write_text(f"---\ntitle: Far Too Long\n---\n{body}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _out, err = run("build", str(source), "--out", str(out))
    assert code == 2
    assert "words over" in err and str(source) in err
    assert not out.exists() or not any(out.iterdir())


def test_unknown_format_and_missing_file_are_usage_errors(tmp_path: Path) -> None:
    code, _out, err = run("build", str(EXAMPLE), "--to", "pdf,rtf", "--out", str(tmp_path))
    assert code == 2 and "unknown format 'rtf'" in err
    code, _out, err = run("build", str(tmp_path / "missing.md"), "--out", str(tmp_path))
    assert code == 2 and "missing.md: no such file" in err


def test_help_explains_every_option() -> None:
    with pytest.raises(SystemExit) as caught, redirect_stdout(io.StringIO()) as out:
        main(["build", "--help"])
    assert caught.value.code == 0
    for option in ("--to", "--out", "--layout", "--paper", "--pdf-variant", "--explain", "-v"):
        assert option in out.getvalue()


def test_schema_command_prints_the_json_schema() -> None:
    code, out, _err = run("schema")
    assert code == 0
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["article"]["required"] == ["title"]


def test_own_layout_folder_is_used(tmp_path: Path) -> None:
    import shutil

    layout = tmp_path / "my-layout"
    shutil.copytree(ROOT / "layouts" / "apb", layout)
    series = (layout / "series.yaml").read_text(encoding="utf-8")
    (layout / "series.yaml").write_text(
        series.replace("name: Asia Pacific Bulletin", "name: Harbour Notes"), encoding="utf-8"
    )
    code, _out, err = run(
        "build", str(EXAMPLE), "--to", "pdf", "--layout", str(layout), "--out", str(tmp_path)
    )
    assert code == 0, err
    assert pdf_text(tmp_path / "japan-rok-relations.pdf").startswith("Harbour Notes")


def test_proof_writes_both_pages_side_by_side(tmp_path: Path) -> None:
    from PIL import Image

    code, _out, err = run("proof", str(RICH), "--out", str(tmp_path), "--dpi", "30")
    assert code == 0, err
    proof = Image.open(tmp_path / "rich-article-proof.png")
    page_width, page_height = 8.5 * 30, 11 * 30
    assert proof.width > 2 * page_width and proof.width < 2.5 * page_width
    assert page_height < proof.height < 1.3 * page_height
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rich-article-proof.png"]


def test_import_of_our_own_docx_gives_back_the_article(built: Path, tmp_path: Path) -> None:
    target = tmp_path / "back.md"
    code, _out, err = run("import", str(built / "japan-rok-relations.docx"), "-o", str(target))
    assert code == 0, err
    assert load(target) == load(EXAMPLE)
    code, _out, err = run(
        "import", str(built / "japan-rok-relations.docx"), "-o", str(target), "--lang", "ja"
    )
    assert code == 0, err
    assert load(target).lang == "ja"


def test_import_refuses_a_file_that_is_not_a_docx(tmp_path: Path) -> None:
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"plain text, not a zip")
    code, _out, err = run("import", str(fake))
    assert code == 2
    assert err.startswith(f"exporter: {fake}: ") and len(err.strip().splitlines()) == 1

"""Translations as editions in the toolkit: the DOCX names its article file and version,
the model and front matter carry them back, `exporter import` makes the edition."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import shutil
import zipfile
from pathlib import Path

import pytest

from exporter import codec, model
from exporter.build import BuildOptions, build_file, prepare, render, render_file
from exporter.context import RenderContext, SourceFile
from exporter.docx_styles import METADATA_PROPERTY, SOURCE_PROPERTY, SOURCE_VERSION_PROPERTY
from exporter.editions import edition_name, is_file_name, language_name, version_of
from exporter.errors import InputError
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.readers.docx import read_docx
from exporter.readers.markdown import read_markdown
from exporter.serve.store import version_of as store_version_of
from exporter.serve.workers import build_upload
from exporter.validate import validate
from exporter.writers.markdown import write_markdown
from tests.test_cli import run
from tests.tools import libreoffice_convert
from tests.translation import (
    custom_properties,
    omegat_available,
    omegat_translate,
    translated_docx,
    with_custom_properties,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RICH = FIXTURES / "rich-article.md"
PICTURE = FIXTURES / "basin.png"
DOCX = BuildOptions(formats=("docx",), out_dir=Path("."))
VERSION = "0123456789abcdef" * 4


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder holding the rich article (number, date, series) and its picture."""
    for source in (RICH, PICTURE):
        shutil.copy(source, tmp_path / source.name)
    return tmp_path


@pytest.fixture
def docx(folder: Path) -> bytes:
    """The rich article's DOCX, built from its file."""
    return render_file(folder / RICH.name, DOCX)["docx"]


def translated(docx: bytes, tmp_path: Path) -> Path:
    """Write the DOCX, its text translated, to a file of its own and return it."""
    path = tmp_path / "returned" / "rich-article.docx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(translated_docx(docx))
    return path


def test_a_docx_built_from_a_file_names_it_and_its_version(folder: Path, docx: bytes) -> None:
    source = folder / RICH.name
    properties = custom_properties(docx)
    assert properties[SOURCE_PROPERTY] == "rich-article.md"
    assert properties[SOURCE_VERSION_PROPERTY] == hashlib.sha256(source.read_bytes()).hexdigest()
    # The version is the one the web app's store gives the file.
    assert properties[SOURCE_VERSION_PROPERTY] == store_version_of(source.read_bytes())
    assert METADATA_PROPERTY in properties
    # Stable: the same file builds the same bytes.
    assert render_file(source, DOCX)["docx"] == docx


def test_a_docx_of_no_file_names_none(folder: Path, docx: bytes) -> None:
    article, context = prepare(folder / RICH.name, DOCX)
    assert context.source == SourceFile("rich-article.md", version_of(RICH.read_bytes()))
    plain = render(article, dataclasses.replace(context, source=None), "docx")
    assert set(custom_properties(plain)) == {METADATA_PROPERTY}
    # The only difference the new properties make.
    before = zipfile.ZipFile(io.BytesIO(plain))
    after = zipfile.ZipFile(io.BytesIO(docx))
    assert before.namelist() == after.namelist()
    changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
    assert changed == ["docProps/custom.xml"]
    # An article sent to the API's build is built from a temporary copy: no name of its.
    uploaded = build_upload(RICH.read_bytes(), "docx", False).data
    assert set(custom_properties(uploaded)) == {METADATA_PROPERTY}


def test_the_reader_gives_the_source_back(folder: Path, docx: bytes) -> None:
    article = read_docx(docx)
    assert article.translation_of == "rich-article.md"
    assert article.translated_from == version_of((folder / RICH.name).read_bytes())
    assert read_docx(with_custom_properties(docx, {SOURCE_VERSION_PROPERTY: ""})) == (
        dataclasses.replace(article, translated_from="")
    )


@pytest.mark.parametrize(
    "name",
    ["../x.md", "/etc/passwd", "sub/x.md", "..\\x.md", "C:x.md", "x\t.md", ".."],
)
def test_a_source_named_with_a_path_is_dropped(
    docx: bytes, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    forged = with_custom_properties(docx, {SOURCE_PROPERTY: name})
    with caplog.at_level(logging.WARNING, "exporter"):
        article = read_docx(forged)
    assert (article.translation_of, article.translated_from) == ("", "")
    assert "not a file name: ignored" in caplog.text


@pytest.mark.parametrize("version", ["12", "X" * 64, VERSION.upper(), VERSION + "0", "💥" * 64])
def test_a_bad_version_is_dropped(
    docx: bytes, version: str, caplog: pytest.LogCaptureFixture
) -> None:
    forged = with_custom_properties(docx, {SOURCE_VERSION_PROPERTY: version})
    with caplog.at_level(logging.WARNING, "exporter"):
        article = read_docx(forged)
    assert (article.translation_of, article.translated_from) == ("rich-article.md", "")
    assert "is not a version" in caplog.text


def test_front_matter_json_and_schema_carry_the_source() -> None:
    text = (
        f"---\ntitle: T\nlang: ja\ntranslation_of: a.md\ntranslated_from: {VERSION}\n---\n\nText.\n"
    )
    article = validate(read_markdown(text))
    assert (article.translation_of, article.translated_from) == ("a.md", VERSION)
    context = RenderContext(find_layout(None, "apb"), Path("."))
    assert read_markdown(write_markdown(article, context).decode("utf-8")) == article
    data = codec.to_data(article)
    assert data["translation_of"] == "a.md" and data["translated_from"] == VERSION
    assert codec.article_from_data(data) == article
    properties = codec.json_schema()["$defs"]["article"]["properties"]
    assert properties["translation_of"] == {"type": "string"}
    assert properties["translated_from"] == {"type": "string"}
    # An original names none: its front matter and JSON are as before.
    original = dataclasses.replace(article, translation_of="", translated_from="")
    assert "translat" not in write_markdown(original, context).decode("utf-8")
    assert "translation_of" not in codec.to_data(original)


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("translation_of: ../a.md", "is not a file name"),
        ("translation_of: a/b.md", "is not a file name"),
        (f"translated_from: {VERSION}", "translated_from without translation_of"),
        ("translation_of: a.md\ntranslated_from: abc", "is not a version"),
        ("translation_of: [a.md]", "not a string"),
        ("translated_from: 12\ntranslation_of: a.md", "not a string"),
    ],
)
def test_bad_sources_in_front_matter_are_refused(front: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate(read_markdown(f"---\ntitle: T\n{front}\n---\n\nText.\n"))


def test_no_output_prints_the_source(folder: Path) -> None:
    article, context = prepare(folder / RICH.name, DOCX)
    edition = dataclasses.replace(article, translation_of="other.md", translated_from=VERSION)
    for fmt in ("docx", "epub"):
        assert render(edition, context, fmt) == render(article, context, fmt), fmt


def test_edition_names() -> None:
    assert edition_name("japan-rok-relations.md", "ja") == "japan-rok-relations.ja.md"
    assert edition_name("a.markdown", "zh-Hant") == "a.zh-Hant.md"
    assert language_name("ja") == "Japanese"
    assert language_name("qq") == "qq"
    assert is_file_name("日韓関係.md") and not is_file_name("a\\b.md")


def test_import_of_a_translation_beside_its_source_makes_the_edition(
    folder: Path, docx: bytes, tmp_path: Path
) -> None:
    returned = translated(docx, tmp_path)
    code, _out, err = run("import", str(returned), "--lang", "ja", "-o", str(folder))
    assert code == 0, err
    assert "imported as the Japanese edition of rich-article.md" in err
    edition = load(folder / "rich-article.ja.md")
    source = load(folder / RICH.name)
    assert edition.translation_of == "rich-article.md"
    assert edition.translated_from == version_of((folder / RICH.name).read_bytes())
    assert (edition.number, edition.date, edition.series) == (615, source.date, "apb")
    assert edition.lang == "ja"
    assert edition.title == "訳" + source.title
    # The picture is the source's, beside both: the edition builds.
    assert any(isinstance(b, model.Figure) and b.src == "basin.png" for b in edition.body)
    (pdf,) = build_file(folder / "rich-article.ja.md", BuildOptions(("pdf",), tmp_path))
    assert pdf.is_file()


def test_import_finds_the_source_beside_the_docx_and_says_when_it_changed(
    folder: Path, docx: bytes
) -> None:
    returned = folder / "returned.docx"
    returned.write_bytes(translated_docx(docx))
    source = folder / RICH.name
    source.write_text(source.read_text(encoding="utf-8") + "\nA later paragraph.\n", "utf-8")
    code, out, err = run("import", str(returned), "--lang", "ja")
    assert code == 0, err
    assert "rich-article.md changed since the document was written from it" in err
    edition = read_markdown(out)
    assert edition.translation_of == "rich-article.md"
    assert edition.translated_from != version_of(source.read_bytes())


def test_import_in_the_sources_language_or_away_from_it_is_no_edition(
    folder: Path, docx: bytes, tmp_path: Path
) -> None:
    returned = folder / "returned.docx"
    returned.write_bytes(docx)
    code, out, err = run("import", str(returned))
    assert code == 0, err
    assert "in its language (en): imported as an article of its own" in err
    assert "translation_of" not in out
    elsewhere = translated(docx, tmp_path)
    code, out, err = run("import", str(elsewhere), "--lang", "ja")
    assert code == 0, err
    assert "written from rich-article.md, which is not in" in err
    assert "translation_of" not in out


@pytest.mark.slow
def test_libreoffice_keeps_the_source_properties(docx: bytes, tmp_path: Path) -> None:
    returned = translated(docx, tmp_path)
    out = tmp_path / "resaved"
    out.mkdir()
    (resaved,) = libreoffice_convert([returned], out, "docx:MS Word 2007 XML")
    assert {
        k: v for k, v in custom_properties(resaved.read_bytes()).items() if k != METADATA_PROPERTY
    } == {k: v for k, v in custom_properties(docx).items() if k != METADATA_PROPERTY}
    article = read_docx(resaved.read_bytes())
    assert article.translation_of == "rich-article.md"
    assert article.translated_from == custom_properties(docx)[SOURCE_VERSION_PROPERTY]


@pytest.mark.slow
@pytest.mark.skipif(not omegat_available(), reason="OmegaT is not installed (Debian: omegat)")
def test_a_docx_translated_by_omegat_imports_as_the_edition(
    folder: Path, docx: bytes, tmp_path: Path
) -> None:
    source_docx = tmp_path / "rich-article.docx"
    source_docx.write_bytes(docx)
    target = omegat_translate(source_docx, tmp_path / "omegat")
    assert custom_properties(target.read_bytes()) == custom_properties(docx)
    # The language comes from the translated text (Japanese), not from an option.
    code, _out, err = run("import", str(target), "-o", str(folder))
    assert code == 0, err
    edition = load(folder / "rich-article.ja.md")
    assert edition.lang == "ja"
    assert edition.translation_of == "rich-article.md"
    assert edition.translated_from == version_of((folder / RICH.name).read_bytes())
    assert edition.number == 615
    assert "これは" in edition.title

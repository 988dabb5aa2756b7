"""The DOCX through a translator's OmegaT and back: every block and inline of the article
comes back translated, in order, once, and the edition builds a two-page bulletin."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from exporter import codec
from exporter.build import BuildOptions, render_file
from exporter.layouts import find_layout
from exporter.readers import load
from tests.test_cli import run
from tests.translation import (
    OMEGAT_FILTERS,
    Tokens,
    back,
    omegat_available,
    omegat_translate,
    units,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
FIXTURES = ROOT / "tests" / "fixtures"
TABLE_AND_RAISED_TEXT = """

The reservoirs hold about 120 km^3^ of water, and their CO~2~ is counted too.

| Country | Share of storage |
|:--|--:|
| Laos | 41% |
| [Thailand](https://example.org/th) | 18% |

Table: Storage by country
"""
"""What the rich fixture lacks of a translator's material: a table (a link in a cell, a
caption) and raised text."""
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not omegat_available(), reason="OmegaT is not installed (Debian: omegat)"),
]


def article_file(name: str, folder: Path) -> Path:
    """Copy an article (and its picture) into `folder` and return its path there."""
    if name == EXAMPLE.stem:
        return Path(shutil.copy(EXAMPLE, folder))
    shutil.copy(FIXTURES / "basin.png", folder)
    path = folder / "rich-article.md"
    path.write_text(
        (FIXTURES / "rich-article.md").read_text(encoding="utf-8") + TABLE_AND_RAISED_TEXT,
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("name", [EXAMPLE.stem, "rich-article"])
def test_a_docx_translated_in_omegat_comes_back_whole(name: str, tmp_path: Path) -> None:
    source = article_file(name, tmp_path)
    docx = tmp_path / f"{name}.docx"
    docx.write_bytes(render_file(source, BuildOptions(formats=("docx",), out_dir=tmp_path))["docx"])
    original = load(source)
    tokens = Tokens()
    # The byline's names, as a translator writes them: each on its own, joined in Japanese.
    names = [author.name for author in original.authors]
    byline = find_layout(None).series.join_names(names)

    def translate(segment: str) -> str:
        return "、".join(map(tokens, names)) if segment == byline else tokens(segment)

    target = omegat_translate(docx, tmp_path / "omegat", translate, OMEGAT_FILTERS)
    code, _out, err = run("import", str(target), "-o", str(tmp_path))
    assert code == 0, err
    edition = load(tmp_path / f"{name}.ja.md")
    assert edition.lang == "ja"

    # Everything the translator had came back translated: no source text is left.
    translated = units(edition)
    assert [(kind, text) for kind, text in translated if tokens.untranslated(text)] == []
    kinds = {kind for kind, _text in translated}
    assert kinds == {kind for kind, _text in units(original)}
    if name == "rich-article":
        assert {"heading", "link", "table_cell", "superscript", "subscript"} <= kinds
    for text in (edition.title, edition.summary, *(a.bio for a in edition.authors)):
        assert not tokens.untranslated(text), text

    # With each translation turned back to its source, the edition is the article: every
    # block, note, cell, link and raised text, in the same order, none lost or doubled.
    expected = back(codec.to_data(original))
    returned = back(codec.to_data(edition), tokens)
    for key in ("lang", "translation_of", "translated_from"):
        expected.pop(key, None)
        returned.pop(key, None)
    assert returned == expected

    pdf = render_file(tmp_path / f"{name}.ja.md", BuildOptions(formats=("pdf",), out_dir=tmp_path))
    assert len(pypdf.PdfReader(io.BytesIO(pdf["pdf"])).pages) == 2

"""The DOCX through a translator's OmegaT and back: every block and inline of the article
comes back translated, in order, once, and the edition builds a two-page bulletin."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pypdf
import pytest

from exporter import codec, model
from exporter.build import BuildOptions, render_file
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.walk import plain_text, walk
from tests.test_cli import run
from tests.translation import OMEGAT_FILTERS, Tokens, omegat_available, omegat_translate

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
TRANSLATED_UNITS = (
    model.Paragraph,
    model.Heading,
    model.TableCell,
    model.Link,
    model.Superscript,
    model.Subscript,
)
"""The units that must come back translated; list items and notes are paragraphs."""

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


def back(data: Any, tokens: Tokens | None = None) -> Any:
    """Return an article's JSON data with every translated text turned back to its source
    (if `tokens`), and without spaces: OmegaT joins the sentences of a Japanese target
    without the source's spaces between them, as Japanese is written."""
    if isinstance(data, str):
        return "".join((tokens.back(data) if tokens else data).split())
    if isinstance(data, list):
        return [back(item, tokens) for item in data]
    if isinstance(data, dict):
        return {key: back(value, tokens) for key, value in data.items()}
    return data


def units(article: model.Article) -> list[tuple[str, str]]:
    """Return each paragraph, heading, list item, note, cell, link and raised text, in order."""
    found = []
    for block in (*article.body, *article.notes):
        for node in walk(block):
            if isinstance(node, TRANSLATED_UNITS):
                content = node.content
                found.append((type(node).kind, plain_text(content)))
    return found


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

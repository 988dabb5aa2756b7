"""Hyphenation in the bulletin: the series' US patterns for `en`, British for `en-GB`,
and no short word or short piece broken."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pypdf
import pyphen
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.pdf import write_pdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
LAYOUT_HYPHEN = "\u2010"
BROKEN = re.compile(rf"([A-Za-z]+){LAYOUT_HYPHEN}\n([a-z]+)")


def broken_words(article: model.Article, folder: Path) -> list[tuple[str, str]]:
    """Return each word the layout hyphenated, as (before, after) the break."""
    pdf = write_pdf(article, RenderContext(find_layout(None), folder))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return BROKEN.findall(text)


def allowed_breaks(word: str, lang: str) -> set[int]:
    """Return where pyphen's patterns of `lang` allow `word` to break."""
    return set(pyphen.Pyphen(lang=lang).positions(word.lower()))


@pytest.fixture(scope="module")
def example() -> model.Article:
    return load(EXAMPLE)


def test_english_breaks_by_us_patterns(example: model.Article) -> None:
    breaks = broken_words(example, EXAMPLE.parent)
    assert len(breaks) >= 20
    for before, after in breaks:
        word = before + after
        assert len(before) in allowed_breaks(word, "en_US"), f"{before}-{after}"
    # Some of the example's breaks differ between the two spellings' patterns: the US ones
    # are taken ("Presi-dent", not British "Presid-ent").
    british_only = [(b, a) for b, a in breaks if len(b) not in allowed_breaks(b + a, "en_GB")]
    assert british_only != []


def test_no_short_word_or_short_piece_is_broken(example: model.Article) -> None:
    for before, after in broken_words(example, EXAMPLE.parent):
        assert len(before + after) >= 6, f"{before}-{after}"
        assert len(before) >= 2 and len(after) >= 3, f"{before}-{after}"


def test_british_english_keeps_british_patterns(example: model.Article) -> None:
    british = dataclasses.replace(example, lang="en-GB")
    breaks = broken_words(british, EXAMPLE.parent)
    assert breaks != []
    for before, after in breaks:
        assert len(before) in allowed_breaks(before + after, "en_GB"), f"{before}-{after}"

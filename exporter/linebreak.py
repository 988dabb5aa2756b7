"""Where a line may break in a short text set large (a cover's title): never inside a word.

WeasyPrint (Pango) breaks Korean between any two syllables and Japanese between any
two characters; it knows neither `word-break: keep-all` nor phrases. So the units a
line may break between are found here and set as unbreakable spans:

- Korean writes spaces between words: a unit is a word (what `keep-all` does).
- Japanese has no spaces: BudouX (the phrase model Chrome's `word-break: auto-phrase`
  comes from) finds the phrases, and a boundary it puts between two kanji or two
  katakana, inside a compound, is dropped, so that 若手議員 or 立て直す stay whole.
- Other languages keep their own line breaking (Chinese breaks between characters).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from markupsafe import Markup, escape

from exporter.layouts import language_prefix

SPACES = re.compile(r"(\s+)")
JOINED_SCRIPTS = ("CJK UNIFIED IDEOGRAPH", "KATAKANA")
"""Scripts a Japanese word is written in whole: no break between two of their letters."""


def units(text: str, lang: str) -> list[str]:
    """Return the text cut where a line may break; one unit means the language's own rules.

    Joined, the units give back the text; spaces stay at the end of the unit before them.
    """
    language = language_prefix(lang)
    if language == "ko":
        return _words(text)
    if language == "ja":
        return _japanese_phrases(text)
    return [text]


def unit_markup(text: str, lang: str, css_class: str = "unit") -> Markup:
    """Return the text as HTML, each unit (see `units`) in a span of `css_class`.

    The stylesheet makes the spans `white-space: nowrap`; text of one unit is returned
    escaped, without spans.
    """
    found = units(text, lang)
    if len(found) == 1:
        return escape(text)
    spans = []
    for unit in found:
        word = unit.rstrip()
        span = Markup('<span class="{}">{}</span>{}')
        spans.append(span.format(css_class, word, unit[len(word) :]))
    return Markup("").join(spans)


def _words(text: str) -> list[str]:
    parts = SPACES.split(text)
    words = [word + space for word, space in zip(parts[::2], [*parts[1::2], ""], strict=True)]
    return [word for word in words if word] or [text]


def _japanese_phrases(text: str) -> list[str]:
    found: list[str] = []
    for word in _words(text):
        phrases = _japanese_parser().parse(word) if word.strip() else [word]
        for phrase in phrases:
            if found and _joined(found[-1][-1], phrase[0]):
                found[-1] += phrase
            else:
                found.append(phrase)
    return found or [text]


def _joined(before: str, after: str) -> bool:
    """Return whether two letters are of one word: both kanji, or both katakana."""
    return any(
        unicodedata.name(before, "").startswith(script)
        and unicodedata.name(after, "").startswith(script)
        for script in JOINED_SCRIPTS
    )


@functools.cache
def _japanese_parser() -> Any:
    import budoux

    return budoux.load_default_japanese_parser()

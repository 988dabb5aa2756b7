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


def unit_markup(text: str, lang: str, css_class: str = "unit", last_letters: int = 0) -> Markup:
    """Return the text as HTML, each unit (see `units`) in a span of `css_class`.

    The stylesheet makes the spans `white-space: nowrap`; text of one unit is returned
    escaped, without spans. With `last_letters`, the text's end is kept whole until it
    holds that many letters or figures, so that no last line is shorter (a title ending
    on one character, 時, or one short word): the units it takes are joined, or where
    the language breaks lines itself, its last words (characters, without spaces) are
    one span after the rest.
    """
    found = units(text, lang)
    if last_letters and len(found) > 1:
        while len(found) > 1 and _letters(found[-1]) < last_letters:
            found[-2:] = [found[-2] + found[-1]]
    elif last_letters:
        # Without spaces, lines break between characters only in scripts written wide.
        wide = any(unicodedata.east_asian_width(character) in "WF" for character in text)
        pieces = _words(text) if SPACES.search(text.strip()) else list(text) if wide else []
        end = max(len(pieces) - 1, 0)
        while end > 0 and _letters("".join(pieces[end:])) < last_letters:
            end -= 1
        if end > 0:
            last = "".join(pieces[end:])
            span = Markup('<span class="{}">{}</span>').format(css_class, last)
            return escape("".join(pieces[:end])) + span
    if len(found) == 1:
        return escape(text)
    spans = []
    for unit in found:
        word = unit.rstrip()
        span = Markup('<span class="{}">{}</span>{}')
        spans.append(span.format(css_class, word, unit[len(word) :]))
    return Markup("").join(spans)


def _letters(text: str) -> int:
    """Return how many letters and figures a text holds (not its spaces and punctuation)."""
    return sum(1 for character in text if unicodedata.category(character)[0] in "LN")


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

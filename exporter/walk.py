"""Generic traversal of the article tree, shared by every writer."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Iterator
from typing import TypeVar
from unicodedata import east_asian_width

from exporter import model

NodeT = TypeVar("NodeT")
# Scripts written without spaces between words, or counted by the character (Korean is
# spaced, but its length is counted in characters, as its manuscript paper does):
# kana, CJK ideographs (with extensions and compatibility forms), Hangul.
CJK_RANGES = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f"
)


@functools.cache
def cjk_character() -> re.Pattern[str]:
    """Return the pattern of one CJK character."""
    # Compiled on first use, not at import: its ranges take 2 ms, which a build that
    # measures no text (DOCX, JSON) need not pay.
    return re.compile(f"[{CJK_RANGES}]")


@dataclasses.dataclass(frozen=True, slots=True)
class TextLength:
    """The length of a text as a reader measures it."""

    count: int
    """How many units."""
    unit: str
    """"words", or "characters" for text mostly in Chinese, Japanese or Korean."""


def children(node: object) -> Iterator[object]:
    """Yield the direct child nodes of `node`, in document order."""
    if not dataclasses.is_dataclass(node):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            yield from (item for item in value if dataclasses.is_dataclass(item))
        elif dataclasses.is_dataclass(value):
            yield value


def walk(node: object) -> Iterator[object]:
    """Yield `node` and every node below it, depth first, in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))


def query(node: object, kind: type[NodeT]) -> list[NodeT]:
    """Return every node of type `kind` at or below `node`, in document order."""
    return [found for found in walk(node) if isinstance(found, kind)]


def plain_text(nodes: Iterable[object]) -> str:
    """Return the printed text of some inlines or blocks, without markup or note calls."""
    parts: list[str] = []
    for node in nodes:
        for found in walk(node):
            if isinstance(found, model.Text | model.Code):
                parts.append(found.text)
            elif isinstance(found, model.LineBreak | model.TableCell):
                parts.append(" ")  # cells are apart, as a line break is
    return "".join(parts)


def word_count(blocks: Iterable[model.Block]) -> int:
    """Return the number of words in some blocks, as a reader would count them."""
    return sum(len(plain_text([block]).split()) for block in blocks)


def reading_length(blocks: Iterable[model.Block]) -> TextLength:
    """Return the length of some blocks: each CJK character counts as one, like a word.

    The unit is "characters" when CJK characters are most of the count, else "words".
    """
    text = " ".join(plain_text([block]) for block in blocks)
    characters = len(cjk_character().findall(text))
    # A word has a letter or figure: punctuation standing alone ("：", "—") is no word.
    words = sum(1 for t in cjk_character().sub(" ", text).split() if any(c.isalnum() for c in t))
    unit = "characters" if characters > words else "words"
    return TextLength(characters + words, unit)


def text_length(text: str) -> int:
    """Return the length of a text in Latin-width characters: a wide (CJK) one counts two."""
    return len(text) + sum(1 for char in text if east_asian_width(char) in "WF")

"""Generic traversal of the article tree, shared by every writer."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import TypeVar

from exporter import model

NodeT = TypeVar("NodeT")
# Scripts written without spaces between words, or counted by the character (Korean is
# spaced, but its length is counted in characters, as its manuscript paper does):
# kana, CJK ideographs (with extensions and compatibility forms), Hangul.
CJK_CHARACTER = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003134f]"
)


# Line-breaking rules (kinsoku) of CJK text: no break before these, none after those.
NO_BREAK_BEFORE = frozenset(
    "、。，．・：；？！）」』】〕〉》ー々ぁぃぅぇぉっゃゅょァィゥェォッャュョ,.:;!?)]}”’"
)
HANGUL_SYLLABLE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
NO_BREAK_AFTER = frozenset("（「『【〔〈《([{“‘")


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
    characters = len(CJK_CHARACTER.findall(text))
    # A word has a letter or figure: punctuation standing alone ("：", "—") is no word.
    words = sum(1 for t in CJK_CHARACTER.sub(" ", text).split() if any(c.isalnum() for c in t))
    unit = "characters" if characters > words else "words"
    return TextLength(characters + words, unit)


def wrap_columns(text: str, width: int) -> list[str]:
    """Return `text` in lines of at most `width` columns, a wide (CJK) character taking two.

    Lines break at spaces and between wide characters, never before closing punctuation
    (、。」) nor after an opening bracket; a word longer than a line stands alone.
    """
    tokens = re.findall(r"\s+|[^\s]", text)
    lines: list[str] = []
    line = ""
    for token in _wrap_units(tokens):
        candidate = line + token
        if _columns(candidate.rstrip()) > width and line.strip():
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _wrap_units(tokens: list[str]) -> list[str]:
    """Group characters into units that a line may not break inside."""
    units: list[str] = []
    for token in tokens:
        if not units or token.isspace() or units[-1].isspace():
            units.append(token)
        elif token in NO_BREAK_BEFORE or units[-1][-1] in NO_BREAK_AFTER:
            units[-1] += token
        elif _breaks_between(units[-1], token):
            units.append(token)
        else:
            units[-1] += token
    return units


def _breaks_between(before: str, character: str) -> bool:
    """Return True where a line may break inside a run of text without spaces.

    Between Chinese or Japanese characters, and after a hyphen inside a word (as
    textwrap does); Korean breaks only at spaces, like Latin words.
    """
    last = before[-1]
    if HANGUL_SYLLABLE.match(last) and HANGUL_SYLLABLE.match(character):
        return False
    if _columns(last) == 2 or _columns(character) == 2:
        return True
    return last == "-" and len(before) > 1 and before[-2].isalnum() and character.isalnum()


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

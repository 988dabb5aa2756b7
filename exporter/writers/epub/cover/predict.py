"""The title size that the cover laid out at the largest size predicts: where to look first.

At a smaller size a title's words are as wide in proportion. Each word's width is read
off the lines of the largest size (its characters' share of their line's width), the
words are set again in lines as the browser sets them (as many on a line as fit),
and the lines, their leading and what follows the title give the height. It is a
guess: the search lays the sizes around it out to find the boundary for certain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from exporter.linebreak import units
from exporter.writers.epub.cover.boxes import boxes, elements

WORDS = re.compile(r"\S+\s*|\s+")
AFTER_HYPHEN = re.compile(r"(?<=\w-)(?=\w)")
WIDE = ("W", "F")
"""East Asian widths of the characters a line may break after, in Chinese and the like."""
SPACE_WEIGHT = 0.5
WIDE_WEIGHT = 1.8


@dataclass(frozen=True, slots=True)
class Room:
    """Where the title is set: its measure, and the height it may take."""

    measure: float
    """The title's line length, in CSS px."""
    limit: float
    """How far down the text may reach, in CSS px."""
    most_lines: int
    """The most lines the title may take."""


def predicted(
    document: Any, size: int, title: str, lang: str, sizes: Sequence[int], room: Room
) -> int | None:
    """Return the index in `sizes` of the largest size a title likely fits at, from its
    layout at `size` (which may run over the page); None where it has no title."""
    pages = [page._page_box for page in document.pages]
    titles = [box for page in pages for box in elements(page, "h1")]
    mains = [box for page in pages for box in elements(page, "main")]
    lines = [line for box in titles for line in boxes(box, "LineBox")]
    if not lines or not mains:
        return None
    widths = _word_widths(_break_units(title, lang), lines)
    leading = lines[0].height / size
    top, below = _above_and_below(pages[0], titles[0], mains)
    for index, candidate in enumerate(sizes):
        scale = candidate / size
        count = _line_count(widths, room.measure / scale)
        if (
            count is not None
            and count <= room.most_lines
            and top + count * leading * candidate + below <= room.limit
        ):
            return index
    return len(sizes) - 1


def _above_and_below(first_page: Any, title: Any, mains: Sequence[Any]) -> tuple[float, float]:
    """Return where the title's first line starts, and the height of what follows it.

    A title that runs over the page is set on the next: it would start below what is on
    the first, after its top margin.
    """
    on_first_page = any(box is title for box in elements(first_page, "h1"))
    if on_first_page:
        top = next(boxes(title, "LineBox")).position_y
    else:
        above = [child.position_y + child.margin_height() for child in mains[0].children]
        top = max(above, default=mains[0].position_y) + _pixels(title.style["margin_top"])
    blocks = [child for main in mains for child in main.children]
    after = [i for i, child in enumerate(blocks) if child.element_tag == "h1"][-1] + 1
    return top, sum(child.margin_height() for child in blocks[after:])


def _pixels(length: Any) -> float:
    return float(length.value) if getattr(length, "unit", None) == "px" else 0.0


def _break_units(title: str, lang: str) -> list[str]:
    """Return the title cut where a line may break, each piece with its trailing spaces."""
    found = units(title, lang)
    if len(found) > 1:
        return found
    pieces: list[str] = []
    for spaced in WORDS.findall(title):
        for word in AFTER_HYPHEN.split(spaced):
            # Chinese breaks between any two characters of its script.
            while len(word) > 1 and unicodedata.east_asian_width(word[0]) in WIDE:
                pieces.append(word[0])
                word = word[1:]
            pieces.append(word)
    return pieces


def _word_widths(pieces: Sequence[str], lines: Sequence[Any]) -> list[tuple[float, float]]:
    """Return each piece's width without and with its trailing spaces, read off the lines.

    A line's width is shared among its characters by their `_weight`; a character on no
    line (a space where a line broke) takes its weight of the mean share.
    """
    laid: list[tuple[str, float]] = []
    for line in lines:
        text = "".join(leaf.text for leaf in _texts(line))
        share = line.width / max(1e-9, sum(_weight(character) for character in text))
        laid += [(character, share * _weight(character)) for character in text]
    weights = sum(_weight(character) for character, _ in laid)
    mean = sum(width for _, width in laid) / max(1e-9, weights)
    found: list[tuple[float, float]] = []
    next_laid = 0
    for piece in pieces:
        widths = []
        for character in piece:
            if next_laid < len(laid) and laid[next_laid][0] == character:
                widths.append(laid[next_laid][1])
                next_laid += 1
            else:
                widths.append(mean * _weight(character))
        found.append((sum(widths[: len(piece.rstrip())]), sum(widths)))
    return found


def _weight(character: str) -> float:
    """Return about how wide a character is against a letter: a space half, an ideograph two."""
    if character.isspace():
        return SPACE_WEIGHT
    return WIDE_WEIGHT if unicodedata.east_asian_width(character) in WIDE else 1.0


def _line_count(widths: Sequence[tuple[float, float]], measure: float) -> int | None:
    """Return how many lines the pieces take, filled one by one; None if one is too wide."""
    count, used = 1, 0.0
    for word, spaced in widths:
        if word > measure:
            return None
        if used and used + word > measure:
            count, used = count + 1, 0.0
        used += spaced
    return count


def _texts(box: Any) -> list[Any]:
    children = getattr(box, "children", None)
    if not children:
        return [box] if hasattr(box, "text") else []
    return [leaf for child in children for leaf in _texts(child)]

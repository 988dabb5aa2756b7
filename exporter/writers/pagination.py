"""Find where the print bulletin's pages begin, in the article's own terms, from its PDF layout.

The EPUB marks the print edition's page breaks so that a citation of "page 2" can be
followed in the e-book. The PDF layout knows where its pages break only as lines of
laid-out text; this module matches the lines around each break against the article's
text blocks and returns the break as a place in the article: a text block and the
character at which the word that begins the page starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from exporter import model
from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.walk import plain_text

log = logging.getLogger("exporter")

Part = Literal["body", "notes", "bios"]
CONTEXT_LINES = (3, 1)
"""How many lines on each side of a break are matched: many first, then fewer if the
layout added text the article does not hold (a user's template, say)."""
IGNORED_CHARACTERS = frozenset("\u2010\u00ad")
"""The hyphen WeasyPrint inserts where it hyphenates, and soft hyphens: not compared."""
CACHE_SIZE = 4


@dataclass(frozen=True, slots=True)
class PageBreak:
    """The place in the article where a page of the print edition begins."""

    page: int
    """The page number as printed (2 for the second page)."""
    part: Part
    """Where the page begins: in the body, in the notes, or in the authors' bios."""
    path: tuple[int, ...]
    """The text block: for the body, indexes from `Article.body` down (a list counts its
    items, then the item's blocks); for notes, the note's index (empty: the notes'
    heading); for bios, the index among the authors that have a bio."""
    offset: int
    """Where the word the page begins in starts, in the block's `plain_text`; 0 at its start."""


@dataclass(frozen=True, slots=True)
class TextBlock:
    """A block of the article whose text prints as lines of its own."""

    part: Part
    """The part of the article it belongs to."""
    path: tuple[int, ...]
    """Its place in that part, as `PageBreak.path` describes it."""
    text: str
    """Its text as printed."""


@dataclass(frozen=True, slots=True)
class _Cached:
    article: model.Article
    context: RenderContext
    breaks: tuple[PageBreak, ...] | None


_cache: list[_Cached] = []
_cache_lock = threading.Lock()


def print_page_breaks(
    article: model.Article, context: RenderContext
) -> tuple[PageBreak, ...] | None:
    """Return where pages 2, 3 ... of the article's print bulletin begin.

    None when there is no print edition to follow: the layout refuses the article
    (too long for its pages). A page whose beginning cannot be found in the article's
    text is left out, with a warning. The layout is computed once per article and
    context in a process.
    """
    with _cache_lock:
        for entry in _cache:
            # Equality, not hashing: the render context holds dicts.
            if entry.article == article and entry.context == context:
                return entry.breaks
    breaks = _compute_breaks(article, context)
    with _cache_lock:
        _cache.insert(0, _Cached(article, context, breaks))
        del _cache[CACHE_SIZE:]
    return breaks


def _compute_breaks(article: model.Article, context: RenderContext) -> tuple[PageBreak, ...] | None:
    from exporter.writers.pdf import layout_bulletin  # WeasyPrint loads only when needed

    try:
        document = layout_bulletin(article, context).document
    except RefusedError as error:
        log.warning("no print page numbers in the EPUB: %s", error)
        return None
    pages = [page_lines(page._page_box) for page in document.pages]
    return find_breaks(article, context.layout.series.notes_heading, pages)


def find_breaks(
    article: model.Article, notes_heading: str, pages: list[list[str]]
) -> tuple[PageBreak, ...]:
    """Return where each page after the first begins, given the text lines of every page."""
    blocks = text_blocks(article, notes_heading)
    text, places = _comparable_text(blocks)
    breaks = []
    for number in range(2, len(pages) + 1):
        before, after = pages[number - 2], pages[number - 1]
        if not after:
            # A page of nothing but the publisher block: no text of the article begins there.
            continue
        found = _locate(text, before, after)
        if found is None:
            log.warning("could not find where print page %d begins; the EPUB omits it", number)
            continue
        block_index, offset = places[found]
        block = blocks[block_index]
        breaks.append(PageBreak(number, block.part, block.path, _word_start(block.text, offset)))
    return tuple(breaks)


def text_blocks(article: model.Article, notes_heading: str) -> list[TextBlock]:
    """Return the article's text blocks in the print order: body, notes, bios."""
    found: list[TextBlock] = []

    def body(blocks: tuple[model.Block, ...], path: tuple[int, ...]) -> None:
        for index, block in enumerate(blocks):
            here = (*path, index)
            if isinstance(block, model.Paragraph | model.Heading | model.Table):
                found.append(TextBlock("body", here, plain_text([block])))
            elif isinstance(block, model.Figure):
                found.append(TextBlock("body", here, plain_text(block.caption)))
            elif isinstance(block, model.ListBlock):
                for item_index, item in enumerate(block.items):
                    body(item.content, (*here, item_index))
            else:
                assert isinstance(block, model.BlockQuote | model.PullQuote)
                body(block.content, here)

    body(article.body, ())
    if article.notes:
        found.append(TextBlock("notes", (), notes_heading))
    for index, note in enumerate(article.notes):
        # The printed note opens with its number, a link back to its call.
        found.append(TextBlock("notes", (index,), f"{index + 1}. {plain_text(note.content)}"))
    bios = [author.bio for author in article.authors if author.bio]
    found.extend(TextBlock("bios", (index,), bio) for index, bio in enumerate(bios))
    return found


def page_lines(page_box: Any) -> list[str]:
    """Return the text of each line of a laid-out page's main flow, in reading order.

    Running heads (margin boxes) and the footnote area are not the article's flow;
    list numbers (::before) and note calls print numbers the article's text lacks.
    """
    lines = []
    from exporter.writers.pdf import flow_boxes  # WeasyPrint loads only when needed

    for box in flow_boxes(page_box):
        if type(box).__name__ == "LineBox":
            text = "".join(_line_text(box))
            if text.strip():
                lines.append(text)
    return lines


def _line_text(box: Any) -> Iterator[str]:
    for child in getattr(box, "children", ()):
        if "::" in (getattr(child, "element_tag", "") or "") or _is_note_call(child):
            continue
        if type(child).__name__ == "TextBox":
            yield str(child.text)
        else:
            yield from _line_text(child)


def _is_note_call(box: Any) -> bool:
    element = getattr(box, "element", None)
    return element is not None and "note-ref" in (element.get("class") or "").split()


def _comparable(character: str) -> str:
    # Lower case one character at a time keeps one comparable character per source
    # character, so that positions map back; a transformed heading still matches.
    lower = character.lower()
    return lower if len(lower) == 1 else character


def _comparable_text(blocks: list[TextBlock]) -> tuple[str, list[tuple[int, int]]]:
    """Return the blocks' text without spaces or hyphenation, and where each character came from."""
    characters: list[str] = []
    places: list[tuple[int, int]] = []
    for block_index, block in enumerate(blocks):
        for offset, character in enumerate(block.text):
            if character.isspace() or character in IGNORED_CHARACTERS:
                continue
            characters.append(_comparable(character))
            places.append((block_index, offset))
    return "".join(characters), places


def _squeeze(lines: list[str]) -> str:
    return "".join(
        _comparable(c)
        for line in lines
        for c in line
        if not (c.isspace() or c in IGNORED_CHARACTERS)
    )


def _locate(text: str, before: list[str], after: list[str]) -> int | None:
    """Return the position in `text` where `after` begins, just past `before`, if unambiguous."""
    for count in CONTEXT_LINES:
        tail = _squeeze(before[-count:]) if before else ""
        head = _squeeze(after[:count])
        found = text.find(tail + head)
        if found >= 0 and text.find(tail + head, found + 1) < 0:
            return found + len(tail)
    return None


def _word_start(text: str, offset: int) -> int:
    """Return where the word around `offset` starts: a page begins with its first whole word."""
    while offset > 0 and not text[offset - 1].isspace():
        offset -= 1
    if not text[:offset].strip():
        return 0
    return offset

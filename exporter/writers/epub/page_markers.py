"""Page-break markers of the print edition in the EPUB's content document.

A break found in the print layout is a place in the article's model (a block and a
character). The marker is planted there as a token in the article's text before the
shared HTML writer renders it, so that this module need not know how that writer
shapes each block; the token is then replaced by the marker element in the XHTML.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from exporter import model
from exporter.writers.pagination import PageBreak

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
TOKEN_START = "\ufdd0"
TOKEN_END = "\ufdd1"
"""Unicode noncharacters: an article's text never holds them, and XML allows them."""
TOKEN = re.compile(f"{TOKEN_START}([0-9]+){TOKEN_END}")
TEXT_BLOCK_TAGS = frozenset(
    f"{{{XHTML_NS}}}{tag}" for tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6")
)
PHRASE_TAGS = frozenset(
    f"{{{XHTML_NS}}}{tag}" for tag in ("em", "strong", "code", "span", "a", "b", "i")
)
FIGCAPTION = f"{{{XHTML_NS}}}figcaption"
LINK = f"{{{XHTML_NS}}}a"


@dataclass(frozen=True, slots=True)
class MarkedArticle:
    """An article with a token at each print page break, and its bios likewise."""

    article: model.Article
    """The article, its body and notes holding the tokens."""
    bios: list[str]
    """The authors' bios in order, holding the tokens of breaks that fall in them."""


@dataclass(frozen=True, slots=True)
class PageTarget:
    """A page of the print edition and the marker that starts it."""

    page: int
    """The page number as printed."""
    ident: str
    """The id of its marker in the content document."""


def token(page: int) -> str:
    """Return the token that stands for the marker of `page` until the XHTML exists."""
    return f"{TOKEN_START}{page}{TOKEN_END}"


def mark_article(article: model.Article, breaks: tuple[PageBreak, ...]) -> MarkedArticle:
    """Return the article with a token where each print page begins (after page 1)."""
    bios = [author.bio for author in article.authors if author.bio]
    body = article.body
    notes = article.notes
    for found in breaks:
        mark = token(found.page)
        if found.part == "body":
            body = _mark_blocks(body, found.path, found.offset, mark)
        elif found.part == "notes":
            # Reading systems may hide footnote asides from the flow; the marker is moved
            # before the note's aside once it is rendered, and the note's start is enough.
            index = found.path[0] if found.path else 0
            note = notes[index]
            content = _mark_blocks(note.content, (0,), 0, mark) if note.content else note.content
            notes = (
                *notes[:index],
                dataclasses.replace(note, content=content),
                *notes[index + 1 :],
            )
        else:
            index = found.path[0]
            bio = bios[index]
            bios[index] = bio[: found.offset] + mark + bio[found.offset :]
    return MarkedArticle(dataclasses.replace(article, body=body, notes=notes), bios)


def place_markers(root: etree._Element) -> list[PageTarget]:
    """Replace the tokens with page-break markers, add page 1's at the start; return them.

    A page whose token the layout's template left out (with the part it was in) gets
    no marker, so no entry in the page list.
    """
    placed = {page: marker for page, marker in _replace_tokens(root)}
    for marker in placed.values():
        _move_to_a_readable_place(marker)
    body = root.find(f"{{{XHTML_NS}}}body")
    if body is not None:
        placed[1] = _marker(1)
        body.insert(0, placed[1])
    taken = {element.get("id") for element in root.iter()}
    targets = []
    for page in sorted(placed):
        ident, count = f"page-{page}", 1
        while ident in taken:
            count += 1
            ident = f"page-{page}-{count}"
        taken.add(ident)
        placed[page].set("id", ident)
        targets.append(PageTarget(page, ident))
    return targets


def _replace_tokens(root: etree._Element) -> Iterator[tuple[int, etree._Element]]:
    """Replace each token in the text with its marker; yield (page, marker)."""
    while True:
        for element in root.iter():
            for in_tail in (False, True):
                text = (element.tail if in_tail else element.text) or ""
                match = TOKEN.search(text)
                if match is None:
                    continue
                marker = _marker(int(match.group(1)))
                marker.tail = text[match.end() :]
                if in_tail:
                    element.tail = text[: match.start()]
                    element.addnext(marker)
                else:
                    element.text = text[: match.start()]
                    element.insert(0, marker)
                yield int(match.group(1)), marker
                break
            else:
                continue
            break  # the tree changed: walk it again from the top
        else:
            return


def _marker(page: int) -> etree._Element:
    # The EPUB 3 pagebreak semantics and the DPUB-ARIA role; the label is what a screen
    # reader announces, since the marker has no text of its own.
    marker = etree.Element(f"{{{XHTML_NS}}}span")
    marker.set(f"{{{EPUB_NS}}}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    marker.set("aria-label", str(page))
    return marker


def _mark_blocks(
    blocks: tuple[model.Block, ...], path: tuple[int, ...], offset: int, mark: str
) -> tuple[model.Block, ...]:
    index, rest = path[0], path[1:]
    block = blocks[index]
    replaced: model.Block
    if isinstance(block, model.Paragraph | model.Heading):
        replaced = dataclasses.replace(block, content=_mark_inlines(block.content, offset, mark))
    elif isinstance(block, model.Figure):
        replaced = dataclasses.replace(block, caption=_mark_inlines(block.caption, offset, mark))
    elif isinstance(block, model.Table):
        replaced = _mark_table(block, offset, mark)
    elif isinstance(block, model.ListBlock):
        item = block.items[rest[0]]
        item = dataclasses.replace(item, content=_mark_blocks(item.content, rest[1:], offset, mark))
        items = (*block.items[: rest[0]], item, *block.items[rest[0] + 1 :])
        replaced = dataclasses.replace(block, items=items)
    else:
        assert isinstance(block, model.BlockQuote | model.PullQuote)
        replaced = dataclasses.replace(
            block, content=_mark_blocks(block.content, rest, offset, mark)
        )
    return (*blocks[:index], replaced, *blocks[index + 1 :])


def _mark_table(table: model.Table, offset: int, mark: str) -> model.Table:
    """Return the table with `mark` in the cell at `offset` of its plain text.

    The plain text of a table is its cells' text in order, each after a space.
    """
    rows: list[model.TableRow] = []
    remaining: int | None = offset
    for row in (*table.head, *table.body):
        cells: list[model.TableCell] = []
        for cell in row.cells:
            if remaining is not None:
                remaining = max(remaining - 1, 0)  # the space before the cell
                content, remaining = _insert(cell.content, remaining, mark)
                cell = model.TableCell(content)
            cells.append(cell)
        rows.append(model.TableRow(tuple(cells)))
    if remaining is not None and rows and rows[-1].cells:
        last = rows[-1].cells[-1]
        cells = [*rows[-1].cells[:-1], model.TableCell((*last.content, model.Text(mark)))]
        rows[-1] = model.TableRow(tuple(cells))
    head = len(table.head)
    return dataclasses.replace(table, head=tuple(rows[:head]), body=tuple(rows[head:]))


def _mark_inlines(
    inlines: tuple[model.Inline, ...], offset: int, mark: str
) -> tuple[model.Inline, ...]:
    """Return the inlines with `mark` at character `offset` of their plain text."""
    marked, remaining = _insert(inlines, offset, mark)
    if remaining is not None:
        marked = (*marked, model.Text(mark))  # past the end: the block's end
    return marked


def _insert(
    inlines: tuple[model.Inline, ...], remaining: int | None, mark: str
) -> tuple[tuple[model.Inline, ...], int | None]:
    """Insert `mark` `remaining` characters in; return the inlines and what is left (None: done)."""
    result: list[model.Inline] = []
    for inline in inlines:
        if remaining is None:
            result.append(inline)
        elif isinstance(inline, model.Text):
            if remaining < len(inline.text):
                text = inline.text[:remaining] + mark + inline.text[remaining:]
                result.append(model.Text(text))
                remaining = None
            else:
                result.append(inline)
                remaining -= len(inline.text)
        elif isinstance(inline, model.Code | model.LineBreak):
            width = len(inline.text) if isinstance(inline, model.Code) else 1
            if remaining < width:
                # Code is verbatim: the marker goes before it rather than inside.
                result.extend((model.Text(mark), inline))
                remaining = None
            else:
                result.append(inline)
                remaining -= width
        elif isinstance(inline, model.CONTAINER_TYPES):
            content, remaining = _insert(inline.content, remaining, mark)
            result.append(dataclasses.replace(inline, content=content))
        else:
            result.append(inline)  # a note call prints no text of the article
    return tuple(result), remaining


def _move_to_a_readable_place(marker: etree._Element) -> None:
    """Move a marker out of places where it would be hidden or would change a name.

    Out of footnote asides (reading systems may pop them up or hide them); out of a
    link (its label would join the link's name); and to before a paragraph, heading or
    caption it would open (else a heading's name would begin with the page number).
    """
    for ancestor in marker.iterancestors():
        if ancestor.get(f"{{{EPUB_NS}}}type") == "footnote":
            _move_before(marker, ancestor)
            return
    while True:
        parent = marker.getparent()
        if parent is None:
            return
        opens = _opens(marker, parent)
        if parent.tag == LINK or (parent.tag in PHRASE_TAGS | TEXT_BLOCK_TAGS and opens):
            _move_before(marker, parent)
        elif parent.tag == FIGCAPTION and opens:
            figure = parent.getparent()
            _move_before(marker, figure if figure is not None else parent)
        else:
            return


def _opens(marker: etree._Element, parent: etree._Element) -> bool:
    """Return True if nothing but white space comes before `marker` in `parent`."""
    if (parent.text or "").strip():
        return False
    return parent.index(marker) == 0


def _move_before(marker: etree._Element, target: etree._Element) -> None:
    _remove(marker)
    target.addprevious(marker)


def _remove(element: etree._Element) -> None:
    """Remove an element, keeping the text that follows it in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    element.tail = None
    parent.remove(element)

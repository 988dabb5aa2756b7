"""The rules both page shapes share: furniture and the repeated copy out, summary and authors in."""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from exporter import model
from exporter.errors import InputError
from exporter.readers.markdown import typeset
from exporter.readers.webpage.authors import authors_from_summary
from exporter.readers.webpage.noise import is_noise
from exporter.walk import plain_text

log = logging.getLogger("exporter")

NodeT = TypeVar("NodeT")
# A space a CMS left before punctuation where it removed a footnote link ("issue , a").
SPACE_BEFORE_PUNCTUATION = re.compile(r"(?:(?<=\S)|^)\s+([,;:.])(?=\s|$)")
# Front-matter keys no page shape carries: an editor fills them from the publisher's records.
# Typographic quotes compared as straight ones: a copy may have been typed differently.
STRAIGHT_QUOTES = str.maketrans("‘’“”", "''\"\"")
KEYS_NEVER_ON_THE_PAGE = ("number", "date", "kicker")


def article_from_page(
    title: str, blocks: Sequence[model.Block], summary: str = "", lang: str = "en"
) -> model.Article:
    """Return the article a page's title and blocks make; warn of the keys left to fill.

    `summary` is the teaser when the page marks it (a summary field, the paragraph above
    the series link); without it, a first paragraph that names its authors, or that opens
    the page's second copy, is taken as the summary.
    """
    page_title = _single_spaced(title)
    if not page_title:
        raise InputError("no title found on the page")
    body = [
        cleaned
        for block in blocks
        if not _is_title(block, page_title) and (cleaned := _cleaned(block)) is not None
    ]
    summary = _single_spaced(summary)
    if not summary and body and _opens_as_summary(body[0], body[1:]):
        summary = plain_text([body[0]])
        body = body[1:]
    if summary:
        summary = _typeset(summary)
        # The summary leads the comparison, so that a copy of summary and body goes whole.
        body = without_repeats([model.Paragraph((model.Text(summary),)), *body])[1:]
    else:
        body = without_repeats(body)
    if not body:
        raise InputError("no article text found on the page")
    authors = authors_from_summary(summary)
    _warn_of_missing_keys(summary, authors)
    return model.Article(
        title=_typeset(page_title), authors=authors, summary=summary, lang=lang, body=tuple(body)
    )


def text_key(block: object) -> str:
    """Return a block's text for comparisons: its kind and its words, case folded."""
    kind = getattr(block, "kind", "")
    ordered = getattr(block, "ordered", "")
    words = " ".join(plain_text([block]).split()).casefold()
    return f"{kind}{ordered}:" + words.translate(STRAIGHT_QUOTES)


def without_repeats(blocks: Sequence[model.Block]) -> list[model.Block]:
    """Return `blocks` without a second copy of any paragraph or run of blocks.

    Pages carry the summary and body twice (a print view, a teaser block). A repeated
    paragraph goes; a repeated subhead goes only inside a repeated run, since two
    sections may share a heading such as "Conclusion".
    """
    keys = [text_key(block) for block in blocks]
    first_seen: dict[str, int] = {}
    kept: list[model.Block] = []
    index = 0
    while index < len(blocks):
        earlier = first_seen.get(keys[index])
        if earlier is not None:
            run = 0
            while (
                index + run < len(blocks)
                and earlier + run < index
                and keys[index + run] == keys[earlier + run]
            ):
                run += 1
            if run >= 2 or not isinstance(blocks[index], model.Heading):
                log.debug("dropped %d block(s) repeated from block %d", run, earlier)
                index += run
                continue
        first_seen.setdefault(keys[index], index)
        kept.append(blocks[index])
        index += 1
    return kept


def map_texts(node: NodeT, change: Callable[[str], str]) -> NodeT:
    """Return `node` with `change` applied to the characters of every Text below it."""
    if isinstance(node, model.Text):
        changed: NodeT = model.Text(change(node.text))  # type: ignore[assignment]
        return changed
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    updates = {
        f.name: tuple(map_texts(item, change) for item in value)
        for f in dataclasses.fields(node)
        if isinstance(value := getattr(node, f.name), tuple)
    }
    return dataclasses.replace(node, **updates) if updates else node


def _single_spaced(text: str) -> str:
    return " ".join(text.split())


def _cleaned(block: model.Block) -> model.Block | None:
    """Return the block without stray spaces before punctuation, or None if it is furniture."""
    if isinstance(block, model.Paragraph | model.Heading) and is_noise(plain_text([block])):
        log.debug("dropped page furniture %r", plain_text([block]))
        return None
    return map_texts(block, _typeset)


def _typeset(text: str) -> str:
    """Return page text with typographic quotes and dashes, as a typed article gets them."""
    text = SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    # Backslashes doubled: the typographer reads Markdown escapes, and a page has none.
    return typeset(text.replace("\\", "\\\\"))


def _opens_as_summary(first: model.Block, rest: Sequence[model.Block]) -> bool:
    if not isinstance(first, model.Paragraph):
        return False
    key = text_key(first)
    return bool(authors_from_summary(plain_text([first]))) or any(
        text_key(block) == key for block in rest
    )


def _is_title(block: model.Block, title: str) -> bool:
    """Tell whether a block repeats the title (an h1 inside the article's markup)."""
    words = " ".join(plain_text([block]).split()).casefold()
    return isinstance(block, model.Heading | model.Paragraph) and words == title.casefold()


def _warn_of_missing_keys(summary: str, authors: tuple[model.Author, ...]) -> None:
    keys = list(KEYS_NEVER_ON_THE_PAGE)
    if not summary:
        keys.append("summary")
    if not authors:
        keys.append("authors")
    elif any(not author.bio for author in authors):
        keys.append("authors.bio")
    log.warning("the page does not give %s: fill these front-matter keys", ", ".join(keys))

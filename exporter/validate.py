"""Checks of an article that its types alone cannot express, with the place of each fault."""

from __future__ import annotations

import re

from exporter import model
from exporter.editions import is_file_name, is_version
from exporter.errors import InputError
from exporter.walk import children, plain_text, query, walk

# A BCP 47 tag in the shape the toolkit needs: language, optional script, region, variants.
LANGUAGE_TAG = re.compile(
    r"^[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|[0-9]{3}))?(-([a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*$"
)


MAX_DEPTH = 50
ANCHOR_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,99}$")
"""The name of a place a link points at: as HTML ids and Word bookmarks both take it."""


def validate(article: model.Article) -> model.Article:
    """Return `article` unchanged if it is valid, else raise InputError naming the fault."""
    depth = _depth(article)
    if depth > MAX_DEPTH:
        raise InputError(f"nested {depth} levels deep; at most {MAX_DEPTH} are allowed")
    if not article.title.strip():
        raise InputError("the title is empty", where="title")
    if article.number is not None and article.number < 1:
        raise InputError(f"number {article.number} is not a positive number", where="number")
    if not LANGUAGE_TAG.match(article.lang):
        raise InputError(f"lang {article.lang!r} is not a BCP 47 language tag", where="lang")
    if not article.series.replace("-", "").replace("_", "").isalnum():
        raise InputError(f"series {article.series!r} is not a layout id", where="series")
    _check_source(article)
    for i, author in enumerate(article.authors):
        if not author.name.strip():
            raise InputError("the author has no name", where=f"authors[{i}]")
    for i, block in enumerate(article.body):
        _check_block(block, f"body[{i}]")
    labels = [note.label for note in article.notes]
    for label in labels:
        if labels.count(label) > 1:
            raise InputError(f"footnote {label!r} is defined twice", where="notes")
    for i, note in enumerate(article.notes):
        for j, block in enumerate(note.content):
            _check_block(block, f"notes[{i}].content[{j}]")
    for span in query(article, model.Span):
        if not LANGUAGE_TAG.match(span.lang):
            raise InputError(
                f"span language {span.lang!r} is not a BCP 47 tag", where=_block_of(article, span)
            )
    found = query(article, model.Anchor)
    anchors = [anchor.id for anchor in found]
    for node, anchor in zip(found, anchors, strict=True):
        if not ANCHOR_ID.match(anchor):
            raise InputError(
                f"anchor {anchor!r} is not a name (a letter, then letters, digits, - _ . :)",
                where=_block_of(article, node),
            )
        if anchors.count(anchor) > 1:
            where = _block_of(article, found[anchors.index(anchor, anchors.index(anchor) + 1)])
            raise InputError(f"anchor {anchor!r} is defined twice", where=where)
    for link in query(article, model.Link):
        if any(query(inner, model.Link) for inner in link.content):
            where = _block_of(article, link)
            raise InputError(f"a link inside a link ({link.url!r})", where=where)
        if link.url.startswith("#") and link.url[1:] not in anchors:
            where = _block_of(article, link)
            raise InputError(f"link to {link.url!r}: no anchor of that name", where=where)
    called = set()
    for ref in query(article, model.NoteRef):
        if ref.note not in labels:
            where = _block_of(article, ref)
            raise InputError(f"footnote {ref.note!r} is called but never defined", where=where)
        called.add(ref.note)
    for i, label in enumerate(labels):
        if label not in called:
            raise InputError(f"footnote {label!r} is never called", where=f"notes[{i}]")
    return article


def _block_of(article: model.Article, node: object) -> str:
    """Return the path of the body block or note holding `node` ("body[3]"), else "body".

    The path lets a reader that recorded its blocks' lines name the line of the fault.
    """
    for i, block in enumerate(article.body):
        if any(found is node for found in walk(block)):
            return f"body[{i}]"
    for i, note in enumerate(article.notes):
        if any(found is node for found in walk(note)):
            return f"notes[{i}]"
    return "body"


def _check_source(article: model.Article) -> None:
    """Check what an edition says of its source: a file beside it, and a version."""
    if article.translation_of and not is_file_name(article.translation_of):
        raise InputError(
            f"translation_of {article.translation_of!r} is not a file name (no folders)",
            where="translation_of",
        )
    if article.translated_from and not article.translation_of:
        raise InputError("translated_from without translation_of", where="translated_from")
    if article.translated_from and not is_version(article.translated_from):
        raise InputError(
            f"translated_from {article.translated_from!r} is not a version "
            "(64 hexadecimal digits, the SHA-256 of the source file)",
            where="translated_from",
        )


def _depth(root: object) -> int:
    """Return how deep the article's tree goes, without recursion."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children(node))
    return deepest


def _check_block(block: model.Block, where: str) -> None:
    if isinstance(block, model.Heading) and block.level not in model.SUBHEAD_LEVELS:
        raise InputError(f"heading level {block.level} is not 2 or 3", where=where)
    if (
        isinstance(block, model.Paragraph | model.Heading)
        and not plain_text([block]).strip()
        and not query(block, model.NoteRef)
    ):
        raise InputError(f"the {block.kind} is empty", where=where)
    if isinstance(block, model.Heading) and query(block, model.LineBreak):
        raise InputError("a subhead cannot hold a line break", where=where)
    if isinstance(block, model.ListBlock):
        if not block.items:
            raise InputError("the list has no items", where=where)
        if block.start < 0:
            raise InputError(f"list start {block.start} is negative", where=where)
        for i, item in enumerate(block.items):
            for j, inner in enumerate(item.content):
                _check_block(inner, f"{where}.items[{i}].content[{j}]")
    if isinstance(block, model.BlockQuote | model.PullQuote):
        if not block.content:
            raise InputError(f"the {block.kind.replace('_', ' ')} is empty", where=where)
        for j, inner in enumerate(block.content):
            _check_block(inner, f"{where}.content[{j}]")
    if isinstance(block, model.Table):
        _check_table(block, where)
    if isinstance(block, model.Figure):
        if any(isinstance(n, model.NoteRef | model.LineBreak) for n in walk(block)):
            raise InputError("a caption cannot hold a footnote call or line break", where=where)
        if not block.src.strip():
            raise InputError("the figure has no image path", where=where)
        if not block.alt.strip():
            raise InputError(f"figure {block.src!r} has no alt text", where=where)


def _check_table(table: model.Table, where: str) -> None:
    """Check a table's shape: rows, a cell for each column, known alignments."""
    if not table.body and not table.head:
        raise InputError("the table has no rows", where=where)
    if len(table.head) > 1:
        raise InputError(
            f"{len(table.head)} header rows: a table has one at most (the others are body rows)",
            where=where,
        )
    columns = table.columns
    if columns == 0:
        raise InputError("the table has no cells", where=where)
    for i, row in enumerate((*table.head, *table.body)):
        if len(row.cells) != columns:
            raise InputError(
                f"row {i + 1} has {len(row.cells)} cells, not {columns} like the widest row",
                where=where,
            )
    if table.align and len(table.align) != columns:
        raise InputError(f"{len(table.align)} column alignments for {columns} columns", where=where)
    for value in table.align:
        if value not in model.ALIGNMENTS:
            known = ", ".join(repr(a) for a in model.ALIGNMENTS)
            raise InputError(f"column alignment {value!r} is not one of {known}", where=where)

"""The notes of a read manuscript, numbered in the order the article calls them."""

from __future__ import annotations

import dataclasses
import logging

from exporter import model
from exporter.readers.docx.anchors import rewrite_inlines
from exporter.walk import query

log = logging.getLogger("exporter")


def called_in_order(article: model.Article) -> model.Article:
    """Return the article with its notes labelled 1, 2, ... in order of first call.

    A note whose only call sat in a paragraph that went to the front matter (a title,
    an abstract) has no call left: its text goes to the end of the body, with a warning.
    """
    order: dict[str, str] = {}
    for ref in query(dataclasses.replace(article, notes=()), model.NoteRef):
        order.setdefault(ref.note, str(len(order) + 1))
    uncalled = [note for note in article.notes if note.label not in order]
    notes = sorted(
        (model.Footnote(order[n.label], n.content) for n in article.notes if n.label in order),
        key=lambda note: int(note.label),
    )
    if all(label == new for label, new in order.items()) and not uncalled:
        return article

    def relabel(inline: model.Inline) -> tuple[model.Inline, ...]:
        if isinstance(inline, model.NoteRef):
            return (model.NoteRef(order.get(inline.note, inline.note)),)
        return (inline,)

    article = rewrite_inlines(dataclasses.replace(article, notes=tuple(notes)), relabel)
    if uncalled:
        log.warning(
            "%d note(s) were called from the title or other front matter: their text is "
            "at the end of the body",
            len(uncalled),
        )
        extra = tuple(block for note in uncalled for block in note.content)
        article = dataclasses.replace(article, body=article.body + extra)
    return article

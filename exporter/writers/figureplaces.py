"""Other places for a figure that leaves a hole: later in the text, as a float would go.

A figure never splits: where it does not fit at the foot of a column it moves to the
next, and the column above it ends short, however the type is set. When no setting of
the fitting leaves every column full (`Attempt.clean`), the PDF writer fits the article
again with each figure that could be the cause set after the paragraph that follows it,
then after two: that text fills the hole, and the figure stands at the top of the next
column or below, as a typesetter floats a figure. Last, it is set before the paragraph
that precedes it, in the room above. A figure moves past paragraphs and lists only, never
into another section; the first placement whose fitting is clean is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from exporter import model

MOST_BLOCKS_LATER = 2
"""How many blocks a figure may move down past."""
MOVABLE_PAST = (model.Paragraph, model.ListBlock)
"""The blocks a figure may move past: running text, not headings, tables or quotes."""


def other_placements(article: model.Article) -> Iterator[model.Article]:
    """Yield the article with one figure moved down past one, then two, blocks of text,
    then up past one."""
    body = article.body
    for index, block in enumerate(body):
        if not isinstance(block, model.Figure):
            continue
        for later in range(1, MOST_BLOCKS_LATER + 1):
            following = body[index + 1 : index + 1 + later]
            if len(following) < later or not all(isinstance(b, MOVABLE_PAST) for b in following):
                break
            moved = (*body[:index], *following, block, *body[index + 1 + later :])
            yield dataclasses.replace(article, body=moved)
        if index > 0 and isinstance(body[index - 1], MOVABLE_PAST):
            moved = (*body[: index - 1], block, body[index - 1], *body[index + 1 :])
            yield dataclasses.replace(article, body=moved)

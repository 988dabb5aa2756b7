"""Other placements for a figure that leaves a hole: later in the text, narrower, or spanning.

A figure never splits: where it does not fit at the foot of a column it moves to the
next, and the column above it ends short, however the type is set. When no setting of
the fitting leaves every column full (`Attempt.clean`), the PDF writer fits the article
again with each figure set otherwise, in the order a typesetter would try, and keeps the
first placement whose fitting is clean:

1. after the paragraph that follows it, then after two: that text fills the hole, and
   the figure stands at the top of the next column or below, as a float; then before the
   paragraph that precedes it, in the room above. A figure moves past paragraphs and
   lists only, never into another section. The picture keeps its size, and these most
   often give a clean fitting, in a pass or two;
2. at 75%, then 60%, of the column's width, centred, where the text puts it: the
   reading order is kept, but the picture is smaller, so only where no move serves;
3. across both columns (`column-span: all`), where the text puts it: the columns above it
   are balanced and no column's foot is left empty, but the picture is larger and the
   page looks most different, so last. A heading right above it spans with it.

A placement is presentation, not content: the article's model is unchanged but for the
order of a moved figure, and the others are classes of the figure's HTML in the PDF alone
(`HtmlOptions.figure_classes`). The EPUB reflows and the DOCX has no columns.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

from exporter import model
from exporter.walk import plain_text

MOST_BLOCKS_LATER = 2
"""How many blocks a figure may move down past."""
MOVABLE_PAST = (model.Paragraph, model.ListBlock)
"""The blocks a figure may move past: running text, not headings, tables or quotes."""
FIGURE_CLASSES = {
    "narrower": "at 75% of the column's width",
    "narrowest": "at 60% of the column's width",
    "span": "across both columns",
}
"""The classes of a figure set otherwise in its place (the layout's CSS sets them), and
what each does, in words."""
CAPTION_WORDS = 6
"""The words of a figure's caption that name it in the fit report."""


@dataclass(frozen=True, slots=True)
class Placement:
    """The article with one figure set otherwise, and how, in words."""

    article: model.Article
    """The article, its figure moved among the text or in its place."""
    description: str
    """What was done, for the fit report: "figure 1 ("The Mekong basin") set across both
    columns"."""
    figure_classes: dict[int, str] = field(default_factory=dict)
    """The class of the figure set otherwise in its place, by its index in the body."""


def other_placements(article: model.Article) -> Iterator[Placement]:
    """Yield the article with one figure set otherwise, in the order a typesetter tries."""
    figures = [i for i, block in enumerate(article.body) if isinstance(block, model.Figure)]
    for index in figures:
        yield from _moved(article, index)
    for kind in ("narrower", "narrowest", "span"):
        for index in figures:
            yield _in_place(article, index, kind)


def _in_place(article: model.Article, index: int, kind: str) -> Placement:
    """Return the placement of the figure at `index` set as the class `kind` says."""
    how = f"{_name(article, index)} set {FIGURE_CLASSES[kind]}"
    if kind == "span" and index > 0 and isinstance(article.body[index - 1], model.Heading):
        # The heading the figure opens its section with spans too: not left at a column's
        # foot above it.
        return Placement(article, how, {index - 1: kind, index: kind})
    return Placement(article, how, {index: kind})


def _moved(article: model.Article, index: int) -> Iterator[Placement]:
    """Yield the article with the figure at `index` moved down past one, then two, blocks
    of text, then up past one."""
    body = article.body
    block = body[index]
    name = _name(article, index)
    for later in range(1, MOST_BLOCKS_LATER + 1):
        following = body[index + 1 : index + 1 + later]
        if len(following) < later or not all(isinstance(b, MOVABLE_PAST) for b in following):
            break
        moved = (*body[:index], *following, block, *body[index + 1 + later :])
        blocks = "block" if later == 1 else f"{later} blocks"
        how = f"{name} moved down past the next {blocks} of text"
        yield Placement(dataclasses.replace(article, body=moved), how)
    if index > 0 and isinstance(body[index - 1], MOVABLE_PAST):
        moved = (*body[: index - 1], block, body[index - 1], *body[index + 1 :])
        how = f"{name} moved up past the block of text before it"
        yield Placement(dataclasses.replace(article, body=moved), how)


def _name(article: model.Article, index: int) -> str:
    """Return how the fit report names the figure at `index`: its number, and its caption's
    first words."""
    number = sum(isinstance(b, model.Figure) for b in article.body[: index + 1])
    figure = article.body[index]
    assert isinstance(figure, model.Figure)
    words = " ".join(plain_text(list(figure.caption)).split()).split(" ")
    if not words[0]:
        return f"figure {number}"
    caption = " ".join(words[:CAPTION_WORDS]) + ("…" if len(words) > CAPTION_WORDS else "")
    return f"figure {number} (“{caption}”)"

"""Pictures a reader took out of a file, and their names beside the article written from it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from exporter import model


@dataclass(frozen=True, slots=True)
class Media:
    """The picture files a reader extracted, by the name its figures give them."""

    files: dict[str, bytes] = field(default_factory=dict)
    """Each picture's bytes by its file name (`image1.png`), as `Figure.src` names it."""


def place_media(
    article: model.Article, media: Media, stem: str
) -> tuple[model.Article, dict[str, bytes]]:
    """Return the article with its pictures named `STEM-image1.png`, and those files' bytes.

    The files go beside the article, so the figures name them by a relative path.
    """
    if not media.files:
        return article, {}
    names = {src: f"{stem}-{src}" for src in media.files}

    def rename(block: model.Block) -> model.Block:
        if isinstance(block, model.Figure) and block.src in names:
            return dataclasses.replace(block, src=names[block.src])
        if isinstance(block, model.ListBlock):
            items = tuple(model.ListItem(tuple(map(rename, i.content))) for i in block.items)
            return dataclasses.replace(block, items=items)
        if isinstance(block, model.BlockQuote | model.PullQuote):
            return dataclasses.replace(block, content=tuple(map(rename, block.content)))
        return block

    notes = tuple(
        dataclasses.replace(note, content=tuple(map(rename, note.content)))
        for note in article.notes
    )
    renamed = dataclasses.replace(article, body=tuple(map(rename, article.body)), notes=notes)
    return renamed, {names[src]: data for src, data in media.files.items()}

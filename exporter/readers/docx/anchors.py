"""Bookmarks and the links inside the document that point at them.

A Word bookmark (`w:bookmarkStart w:name`) becomes an `Anchor` where it starts, and a
link to it (`w:hyperlink w:anchor`, `HYPERLINK \\l`) a `Link("#id")`. Word's own hidden
bookmarks (`_Toc...`, `_Ref...`) are kept only when something links to them, and
`_GoBack` (where the cursor last was) never. Ids are made to fit `ANCHOR_ID`.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from exporter import model
from exporter.validate import ANCHOR_ID
from exporter.walk import plain_text, query

log = logging.getLogger("exporter")

NOT_IN_ID = re.compile(r"[^A-Za-z0-9_.:-]+")
NEVER_KEPT = frozenset({"_GoBack"})


@dataclass
class Anchors:
    """The bookmarks of a document: which are kept, and the id each gets."""

    linked: set[str] = field(default_factory=set)
    """The names some link points at."""
    ids: dict[str, str] = field(default_factory=dict)
    placed: set[str] = field(default_factory=set)
    """The ids of the anchors put into the article."""

    def keeps(self, name: str) -> bool:
        """Return whether a bookmark of that name becomes an anchor."""
        if name in NEVER_KEPT or not name:
            return False
        return not name.startswith("_") or name in self.linked

    def id_for(self, name: str) -> str:
        """Return the anchor id of a bookmark name, the same each time, unique per name."""
        if name in self.ids:
            return self.ids[name]
        base = NOT_IN_ID.sub("-", name).strip("-.:_")[:90] or "bookmark"
        if not base[0].isascii() or not base[0].isalpha():
            base = "bm-" + base
        candidate, number = base, 1
        taken = set(self.ids.values())
        while candidate in taken or not ANCHOR_ID.match(candidate):
            number += 1
            candidate = f"{base}-{number}"
        self.ids[name] = candidate
        return candidate

    def place(self, name: str) -> str | None:
        """Return the id of an anchor to put at a bookmark's start, or None (not kept, or twice)."""
        if not self.keeps(name):
            return None
        anchor = self.id_for(name)
        if anchor in self.placed:
            return None
        self.placed.add(anchor)
        return anchor


def unlink_missing(article: model.Article, anchors: Anchors) -> model.Article:
    """Turn links to anchors the article lacks into their text, with one warning."""
    present = {anchor.id for anchor in query(article, model.Anchor)}
    lost: list[str] = []

    def fix(inline: model.Inline) -> tuple[model.Inline, ...]:
        if (
            isinstance(inline, model.Link)
            and inline.url.startswith("#")
            and inline.url[1:] not in present
        ):
            lost.append(plain_text(inline.content).strip())
            return inline.content
        return (inline,)

    article = rewrite_inlines(article, fix)
    if lost:
        shown = ", ".join(repr(text) for text in lost[:3]) + (", ..." if len(lost) > 3 else "")
        log.warning(
            "%d link(s) inside the document point at a place not kept (in the title, a "
            "header, or nowhere); kept as plain text: %s",
            len(lost),
            shown,
        )
    return article


InlineFix = Callable[[model.Inline], tuple[model.Inline, ...]]


def rewrite_inlines(node: model.Article, fix: InlineFix) -> model.Article:
    """Return the article with `fix` applied to every inline, innermost first."""
    result = _rewrite(node, fix)
    assert isinstance(result, model.Article)
    return result


def _rewrite(node: object, fix: InlineFix) -> object:
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes: dict[str, object] = {}
    for item in dataclasses.fields(node):
        value = getattr(node, item.name)
        if isinstance(value, tuple) and value and dataclasses.is_dataclass(value[0]):
            new: list[object] = []
            for child in value:
                done = _rewrite(child, fix)
                if isinstance(done, model.INLINE_TYPES):
                    new.extend(fix(done))
                else:
                    new.append(done)
            if new != list(value):
                changes[item.name] = tuple(new)
    return dataclasses.replace(node, **changes) if changes else node

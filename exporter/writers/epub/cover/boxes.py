"""What the cover reads of WeasyPrint's laid-out boxes: elements, lines, and their extent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

GLYPH_REACH = 0.5
"""How far a glyph may reach beyond its line box, in ems of the line's type (a title is
set solid, and accents and descenders stand out of its lines)."""


def elements(box: Any, tag: str) -> Iterator[Any]:
    """Yield the block boxes of the elements named `tag`."""
    if type(box).__name__ == "BlockBox" and box.element_tag == tag:
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from elements(child, tag)


def boxes(box: Any, kind: str) -> Iterator[Any]:
    """Yield the outermost boxes of a class (by name) in a box, the box itself included."""
    if type(box).__name__ == kind:
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from boxes(child, kind)


def leaves(box: Any) -> Iterator[Any]:
    """Yield the boxes without children in a box."""
    children = getattr(box, "children", None)
    if not children:
        yield box
        return
    for child in children:
        yield from leaves(child)


def extent(box: Any) -> tuple[float, float]:
    """Return the top and bottom (CSS px) of what a box and its descendants may draw."""
    top = box.position_y
    bottom = box.position_y + box.margin_height()
    for child in getattr(box, "children", ()):
        child_top, child_bottom = extent(child)
        top, bottom = min(top, child_top), max(bottom, child_bottom)
    if type(box).__name__ == "LineBox":
        reach = GLYPH_REACH * box.style["font_size"]
        top = min(top, box.position_y - reach)
        bottom = max(bottom, box.position_y + box.height + reach)
    return top, bottom


def outside(page: Any, tag: str) -> tuple[tuple[Any, ...], ...]:
    """Return where every box of a page but the element `tag` and its content is laid out."""
    found: list[tuple[Any, ...]] = []

    def visit(box: Any) -> None:
        if type(box).__name__ == "BlockBox" and box.element_tag == tag:
            return
        kind = type(box).__name__
        found.append((kind, box.element_tag, box.position_x, box.position_y, box.width, box.height))
        for child in getattr(box, "children", ()):
            visit(child)

    visit(page)
    return tuple(found)

"""What the cover reads of WeasyPrint's laid-out boxes: elements and lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


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

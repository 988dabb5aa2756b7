"""Links of no line height (note calls) clickable: their area is the box's border area.

WeasyPrint makes a link's annotation from the box's line height (`InlineBox.hit_area`),
so a note call set with `line-height: 0`, which keeps it from spreading its line, gets
a rectangle of no height, which no PDF reader can click. Such a box's area is its border
area instead (where its text is drawn), as CSS defines hit-testing; other boxes keep
WeasyPrint's. The wrapper is installed once, where the method has the shape it expects.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger("exporter")
_installed = False


def install() -> None:
    """Give links of no line height their border area as their clickable area."""
    global _installed
    if _installed:
        return
    _installed = True
    from weasyprint.formatting_structure import boxes

    original: Callable[[Any], tuple[float, float, float, float]] | None = getattr(
        boxes.InlineBox, "hit_area", None
    )
    if original is None or list(inspect.signature(original).parameters) != ["self"]:
        log.info("WeasyPrint's link areas are not as expected: note calls keep theirs")
        return

    def hit_area(box: Any) -> tuple[float, float, float, float]:
        area = original(box)
        if area[3] > 0:
            return area
        return (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())

    boxes.InlineBox.hit_area = hit_area

"""The PDF's link annotations: clickable where their text is, and described in words.

WeasyPrint makes a link's annotation from the box's line height (`InlineBox.hit_area`),
so a note call set with `line-height: 0`, which keeps it from spreading its line, gets
a rectangle of no height, which no PDF reader can click. Such a box's area is its border
area instead (where its text is drawn), as CSS defines hit-testing; other boxes keep
WeasyPrint's.

WeasyPrint writes each rectangle from its top left corner to its bottom right one (the
second y below the first), which some readers take as no area; and it describes a link
(`/Contents`, which screen readers announce) by its target, `note-3` or a URL. Once it
has added a page's links (`weasyprint.pdf.add_links`), each rectangle is put in order,
lower left first, and a link whose element has an `aria-label` (the HTML writer's
"Note 3", "Web page: example.org") takes it as its description. The wrappers are
installed once, where the functions have the shapes they expect.
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
    _install_descriptions()


def _install_descriptions() -> None:
    """Put each link's rectangle in order and describe the link by its `aria-label`."""
    import pydyf
    import weasyprint.pdf

    from exporter.writers.hooks import expected

    original = expected(
        weasyprint.pdf,
        "add_links",
        ["links_and_anchors", "matrix", "pdf", "page", "names", "tags"],
        "WeasyPrint's links are not as expected: they keep its rectangles and descriptions",
    )
    if original is None:
        return

    def add_links(
        links_and_anchors: Any, matrix: Any, pdf: Any, page: Any, names: Any, tags: Any
    ) -> None:
        original(links_and_anchors, matrix, pdf, page, names, tags)
        for link in links_and_anchors[0]:
            box = link[3]
            annotation = getattr(box, "link_annotation", None)
            if annotation is None:
                continue
            x1, y1, x2, y2 = annotation["Rect"]
            annotation["Rect"] = pydyf.Array([min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)])
            element = getattr(box, "element", None)
            label = element.get("aria-label") if element is not None else None
            if label:
                annotation["Contents"] = pydyf.String(label)

    weasyprint.pdf.add_links = add_links

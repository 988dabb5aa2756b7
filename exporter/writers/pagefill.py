"""Measure a laid-out bulletin: how far its body reaches, where its columns end short.

The body is the template's `<main>` element; what follows it in the flow on the last
page (the bio) and the footnote area at the page's foot (the publisher block) close
the bulletin. The measures read WeasyPrint's laid-out boxes by their type names.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from exporter.writers.copyfit import Measure

BODY_TAG = "main"
CSS_PX_PER_PT = 96 / 72


@dataclass(frozen=True, slots=True)
class LinePlace:
    """A line of laid-out text and where it stands on its page."""

    page: int
    """The page, counted from 1."""
    text: str
    """The line's text."""
    top: float
    """Its top, in points from the top of the page (the trimmed page)."""
    bottom: float
    """Its bottom, in points from the top of the page."""


def measure(document: Any, allowed: int) -> Measure:
    """Return what the fitter needs to know of a laid-out document."""
    pages = [page._page_box for page in document.pages]
    last = pages[-1]
    top = last.content_box_y()
    height = last.height or 1
    foot_top, foot_height = _footnote_area(last)
    flow_bottom = max((bottom for bottom, _ in _lines(last)), default=top)
    body_bottom = max((bottom for bottom, in_body in _lines(last) if in_body), default=None)
    closing = flow_bottom - body_bottom if body_bottom is not None else flow_bottom - top
    area = max(foot_top - top - closing, 1.0)
    reach = top if body_bottom is None else body_bottom
    if len(pages) > allowed:
        fill = 1.0
    elif body_bottom is None or len(pages) < allowed:
        fill = 0.0
    else:
        fill = min(max((reach - top) / area, 0.0), 1.0)
    columns = max((len(list(_columns(page))) for page in pages), default=1) or 1
    # The column length the body leaves empty down to the foot of the last page's type
    # area, whole pages it does not reach included.
    free = columns * (max(top + area - reach, 0.0) + area * max(allowed - len(pages), 0))
    # Pages before the one the body ends on must be full.
    body_pages = [page for page in pages if any(True for _ in _body_lines(page))]
    ended = pages.index(body_pages[-1]) if body_pages else 0
    return Measure(
        pages=len(pages),
        last_fill=min((flow_bottom - top + foot_height) / height, 1.0),
        fill=fill,
        type_area=area / height,
        short_lines=max((_short_lines(page) for page in pages[:ended]), default=0),
        columns=columns,
        body_used=sum(_column_used(page) for page in pages) / height,
        body_free=free / height,
    )


def last_line(document: Any, page: int) -> LinePlace | None:
    """Return the last line of the body on `page` (counted from 1), or None."""
    if page > len(document.pages):
        return None
    page_box = document.pages[page - 1]._page_box
    found = [line for line in _body_lines(page_box)]
    if not found:
        return None
    line = max(found, key=lambda box: (round(box.position_y + box.height, 1), box.position_x))
    return LinePlace(
        page=page,
        text="".join(_text(line)).strip(),
        top=line.position_y / CSS_PX_PER_PT,
        bottom=(line.position_y + line.height) / CSS_PX_PER_PT,
    )


def _footnote_area(page_box: Any) -> tuple[float, float]:
    """Return where the footnote area starts and its height; the content's end without."""
    for child in page_box.children:
        if type(child).__name__ == "FootnoteAreaBox":
            return float(child.position_y), float(child.margin_height())
    return float(page_box.content_box_y() + page_box.height), 0.0


def _lines(page_box: Any) -> Iterator[tuple[float, bool]]:
    """Yield the bottom of every line of the page's main flow, and whether it is the body's."""
    for box, in_body in _flow(page_box, False):
        if type(box).__name__ == "LineBox":
            yield float(box.position_y + box.height), in_body


def _body_lines(page_box: Any) -> Iterator[Any]:
    for box, in_body in _flow(page_box, False):
        if in_body and type(box).__name__ == "LineBox":
            yield box


def _flow(box: Any, in_body: bool) -> Iterator[tuple[Any, bool]]:
    """Yield the boxes of the main flow, skipping margin boxes and the footnote area."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        inside = in_body or getattr(child, "element_tag", None) == BODY_TAG
        yield child, inside
        if type(child).__name__ != "LineBox":
            yield from _flow(child, inside)


def _short_lines(page_box: Any) -> int:
    """Return the most whole lines by which a column of the body on this page ends short."""
    worst = 0
    for column in _columns(page_box):
        lines = [box for box, _ in _flow(column, True) if type(box).__name__ == "LineBox"]
        if not lines:
            continue
        pitch = statistics.median(line.height for line in lines) or 1
        bottom = max(line.position_y + line.height for line in lines)
        gap = column.position_y + column.height - bottom
        worst = max(worst, math.floor(gap / pitch + 0.01))
    return worst


def _column_used(page_box: Any) -> float:
    """Return the column length the body's text takes on this page."""
    used = 0.0
    for column in _columns(page_box):
        bottoms = [b.position_y + b.height for b, _ in _flow(column, True) if _is_line(b)]
        if bottoms:
            used += max(bottoms) - column.position_y
    return used


def _is_line(box: Any) -> bool:
    return type(box).__name__ == "LineBox"


def _columns(box: Any) -> Iterator[Any]:
    """Yield the column boxes of the page."""
    for child, _ in _flow(box, False):
        if getattr(child, "is_column", False):
            yield child


def _text(box: Any) -> Iterator[str]:
    for child in getattr(box, "children", ()):
        if type(child).__name__ == "TextBox":
            yield str(child.text)
        else:
            yield from _text(child)

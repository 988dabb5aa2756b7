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


@dataclass(frozen=True, slots=True)
class BlockPlace:
    """Where a block of the body (or part of it, on one page or in one column) stands."""

    block: int
    """Its index among the `<main>` element's children: the body's blocks, in order,
    then the notes."""
    page: int
    """The page, counted from 1."""
    left: float
    """Its left edge, in points from the left of the page."""
    top: float
    """Its top, in points from the top of the page."""
    right: float
    """Its right edge, in points from the left of the page."""
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


def hyphenated_lines(document: Any) -> tuple[int, int]:
    """Return how many lines of the body end in a hyphen the layout inserted, of how many."""
    hyphenated = lines = 0
    for page in document.pages:
        for line in _body_lines(page._page_box):
            lines += 1
            texts = [box for box in line.descendants() if type(box).__name__ == "TextBox"]
            if texts:
                hyphen = texts[-1].style["hyphenate_character"]
                hyphenated += bool(hyphen) and str(texts[-1].text).endswith(hyphen)
    return hyphenated, lines


def foot_hyphens(document: Any) -> list[str]:
    """Return the text of each column's last line of body that ends in an inserted hyphen.

    Each is the text of the line's last run, up to its hyphen: what the line breaker was
    given for it starts so (`hyphenruns.unbroken_lines`).
    """
    found = []
    for page in document.pages:
        for column in _columns(page._page_box):
            lines = [box for box, _ in _flow(column, True) if _is_line(box)]
            if not lines:
                continue
            line = max(lines, key=lambda box: box.position_y + box.height)
            texts = [box for box in line.descendants() if type(box).__name__ == "TextBox"]
            hyphen = texts[-1].style["hyphenate_character"] if texts else ""
            if hyphen and str(texts[-1].text).endswith(hyphen):
                found.append(str(texts[-1].text)[: -len(hyphen)].lstrip(" "))
    return found


def last_line(document: Any, page: int) -> LinePlace | None:
    """Return the last line of the body on `page` (counted from 1), or None."""
    if page > len(document.pages):
        return None
    page_box = document.pages[page - 1]._page_box
    # In reading order: the lowest line of the last column that holds any.
    columns = [[b for b, _ in _flow(column, True) if _is_line(b)] for column in _columns(page_box)]
    found = next((lines for lines in reversed(columns) if lines), None)
    if found is None:
        found = list(_body_lines(page_box))
    if not found:
        return None
    line = max(found, key=lambda box: (round(box.position_y + box.height, 1), box.position_x))
    return LinePlace(
        page=page,
        text="".join(_text(line)).strip(),
        top=line.position_y / CSS_PX_PER_PT,
        bottom=(line.position_y + line.height) / CSS_PX_PER_PT,
    )


def blocks_from(document: Any, page: int) -> tuple[BlockPlace, ...]:
    """Return where each block of the body stands on `page` (from 1) and every page after.

    A block split between columns or pages has a place in each.
    """
    pages = [p._page_box for p in document.pages]
    main = next((box for box, _ in _flow(pages[0], False) if _is_body(box)), None)
    if main is None:
        return ()
    index = {id(element): i for i, element in enumerate(main.element)}
    places = []
    for number, page_box in enumerate(pages[page - 1 :], start=page):
        for box in _block_boxes(page_box, index):
            places.append(
                BlockPlace(
                    block=index[id(box.element)],
                    page=number,
                    left=box.border_box_x() / CSS_PX_PER_PT,
                    top=box.border_box_y() / CSS_PX_PER_PT,
                    right=(box.border_box_x() + box.border_width()) / CSS_PX_PER_PT,
                    bottom=(box.border_box_y() + box.border_height()) / CSS_PX_PER_PT,
                )
            )
    return tuple(places)


def overflow_length(document: Any, allowed: int) -> float:
    """Return the column length (pt) the bulletin takes beyond its last allowed page.

    The body's text there, and what must come back to the last allowed page with it:
    the closing after the body and the publisher block at the page's foot, which span
    every column and so count once per column.
    """
    pages = [page._page_box for page in document.pages]
    columns = max((len(list(_columns(page))) for page in pages), default=1) or 1
    length = 0.0
    for page_box in pages[allowed:]:
        top = page_box.content_box_y()
        lines = list(_lines(page_box))
        flow_bottom = max((bottom for bottom, _ in lines), default=top)
        body_bottom = max((bottom for bottom, in_body in lines if in_body), default=top)
        _, foot_height = _footnote_area(page_box)
        closing = max(flow_bottom - body_bottom, 0.0)
        length += _column_used(page_box) + columns * (closing + foot_height)
    return length / CSS_PX_PER_PT


def body_length(document: Any) -> float:
    """Return the column length (pt) the body's text takes over every page."""
    return sum(_column_used(page._page_box) for page in document.pages) / CSS_PX_PER_PT


def lines_left(document: Any, allowed: int, pitch: float) -> int:
    """Return the whole lines of `pitch` pt the body could still take on its last page.

    Counted in each column down to the foot of the page's type area (above the closing
    and the publisher block); a last page the body does not reach counts whole.
    """
    pages = [page._page_box for page in document.pages]
    last = pages[min(allowed, len(pages)) - 1]
    top = last.content_box_y()
    foot_top, _ = _footnote_area(last)
    lines = list(_lines(last))
    flow_bottom = max((bottom for bottom, _ in lines), default=top)
    body_bottom = max((bottom for bottom, in_body in lines if in_body), default=None)
    closing = flow_bottom - (body_bottom if body_bottom is not None else top)
    limit = foot_top - closing
    columns = list(_columns(last))
    if body_bottom is None or not columns:
        count = max((len(list(_columns(page))) for page in pages), default=1) or 1
        free = count * max(limit - top, 0.0)
    else:
        free = 0.0
        for column in columns:
            bottoms = [b.position_y + b.height for b, _ in _flow(column, True) if _is_line(b)]
            free += max(float(limit - max(bottoms, default=column.position_y)), 0.0)
    return max(math.floor(float(free) / (pitch * CSS_PX_PER_PT) + 0.01), 0)


def _is_body(box: Any) -> bool:
    return (
        getattr(box, "element_tag", None) == BODY_TAG and getattr(box, "element", None) is not None
    )


def _block_boxes(box: Any, index: dict[int, int]) -> Iterator[Any]:
    """Yield the page's boxes of the body's blocks (children of `<main>`), outermost only."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox", "LineBox"):
            continue
        if id(getattr(child, "element", None)) in index:
            yield child
        else:
            yield from _block_boxes(child, index)


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

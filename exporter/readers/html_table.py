"""HTML tables in Markdown (`<table>` with rows, cells, a caption) read as table blocks.

lxml's HTML parser reads the markup as data only: no script runs, nothing is fetched.
Each cell's content goes through the sanitiser's allow-list as any raw HTML does; the
rest of an HTML block around a table is read as the reader reads any raw HTML.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from html import escape
from typing import TYPE_CHECKING

from exporter import model
from exporter.readers import sanitize

if TYPE_CHECKING:
    import lxml.html

log = logging.getLogger("exporter")
TABLE_TAG = re.compile(r"<table[\s>/]", re.IGNORECASE)
"""What marks an HTML block as holding a table."""
ALIGNMENT = re.compile(r"text-align:\s*(left|center|right)")
MAX_SPAN = 50
"""The most columns or rows one cell may span: more is no table a page can hold."""
SECTIONS = ("thead", "tbody", "tfoot")


def has_table(html: str) -> bool:
    """Return True when a piece of raw HTML holds a table."""
    return TABLE_TAG.search(html) is not None


def html_blocks(html: str, line: int) -> list[model.Block]:
    """Return the blocks of an HTML block that holds tables, starting at `line` of the file.

    A table the model cannot hold (a table inside a cell, a span past what a page holds)
    is dropped with a warning naming its line.
    """
    # Loaded here: most articles have no HTML table, and a JSON build loads no lxml.
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return sanitize.html_blocks(html)
    blocks: list[model.Block] = []
    pending: list[str] = []

    def flush() -> None:
        blocks.extend(sanitize.html_blocks("".join(pending)))
        pending.clear()

    def visit(parent: lxml.html.HtmlElement) -> None:
        pending.append(_escaped(parent.text))
        for element in parent:
            if element.tag == "table":
                flush()
                table = _table(element, line + (element.sourceline or 1) - 1, line)
                blocks.extend([table] if table is not None else [])
            elif isinstance(element.tag, str) and element.find(".//table") is not None:
                visit(element)  # a wrapper (a div, a figure) opened up around its table
            else:
                pending.append(lxml.html.tostring(element, encoding="unicode", with_tail=False))
            pending.append(_escaped(element.tail))

    visit(root)
    flush()
    return blocks


def _escaped(text: str | None) -> str:
    return escape(text, quote=False) if text else ""


def _table(element: lxml.html.HtmlElement, line: int, first: int) -> model.Table | None:
    """Return the table block of a `<table>` at `line` (its HTML block starts at `first`),
    or None, with a warning, if it cannot be one."""
    inner = element.find(".//table")
    if inner is not None:
        log.warning(
            "line %d: an HTML table inside a table cannot be set: the table of line %d dropped",
            first + (inner.sourceline or 1) - 1,
            line,
        )
        return None
    head: list[list[model.TableCell]] = []
    body: list[list[model.TableCell]] = []
    align: list[str] = []
    for section, rows in _sections(element):
        grid = _grid(rows, first)
        if grid is None:
            return None
        cells, first_align = grid
        starts = not head and not body
        if section == "thead" or (section == "" and starts and _all_th(rows[0])):
            head.extend(cells[:1])
            body.extend(cells[1:])
        else:
            body.extend(cells)
        align = align or first_align
    # The model's table has one header row: the others read as the first body rows.
    body[:0] = head[1:]
    del head[1:]
    columns = max((len(row) for row in (*head, *body)), default=0)
    if columns == 0:
        log.warning("line %d: an HTML table with no cells: dropped", line)
        return None
    rows = [
        model.TableRow(tuple(row + [model.TableCell()] * (columns - len(row))))
        for row in (*head, *body)
    ]
    aligned = tuple((align + [""] * columns)[:columns])
    caption = element.find("caption")
    return model.Table(
        head=tuple(rows[: len(head)]),
        body=tuple(rows[len(head) :]),
        align=aligned if any(aligned) else (),
        caption=_inlines(caption) if caption is not None else (),
    )


def _sections(element: lxml.html.HtmlElement) -> Iterator[tuple[str, list[lxml.html.HtmlElement]]]:
    """Yield each section of a table ("thead", "tbody", "tfoot", or "" for bare rows)."""
    loose: list[lxml.html.HtmlElement] = []
    for child in element:
        if child.tag in SECTIONS:
            if loose:
                yield "", loose
                loose = []
            yield child.tag, [row for row in child if row.tag == "tr"]
        elif child.tag == "tr":
            loose.append(child)
    if loose:
        yield "", loose


def _all_th(row: lxml.html.HtmlElement) -> bool:
    cells = [cell for cell in row if cell.tag in ("th", "td")]
    return bool(cells) and all(cell.tag == "th" for cell in cells)


def _grid(
    rows: list[lxml.html.HtmlElement], first: int
) -> tuple[list[list[model.TableCell]], list[str]] | None:
    """Return a section's rows of cells, a spanning cell's text in its first place and
    empty cells in the others, with the alignment of its first row's columns."""
    grid: list[list[model.TableCell]] = []
    below: dict[tuple[int, int], bool] = {}  # places a cell above spans into
    align: list[str] = []
    for r, row in enumerate(rows):
        cells: list[model.TableCell] = []
        for cell in (c for c in row if c.tag in ("th", "td")):
            while below.pop((r, len(cells)), False):
                cells.append(model.TableCell())
            columns, spanned_rows = _span(cell, "colspan"), _span(cell, "rowspan")
            if columns > MAX_SPAN or spanned_rows > MAX_SPAN:
                log.warning(
                    "line %d: an HTML table cell spans more than %d columns or rows,"
                    " which a page cannot hold: table dropped",
                    first + (cell.sourceline or 1) - 1,
                    MAX_SPAN,
                )
                return None
            if r == 0:
                align.extend([_alignment(cell)] * columns)
            for extra in range(1, spanned_rows):
                for c in range(columns):
                    below[(r + extra, len(cells) + c)] = True
            cells.append(model.TableCell(_inlines(cell)))
            cells.extend(model.TableCell() for _ in range(columns - 1))
        while below.pop((r, len(cells)), False):
            cells.append(model.TableCell())
        grid.append(cells)
    return grid, align


def _span(cell: lxml.html.HtmlElement, name: str) -> int:
    value = str(cell.get(name, "1")).strip()
    return max(1, int(value)) if value.isdigit() else 1


def _alignment(cell: lxml.html.HtmlElement) -> str:
    declared = str(cell.get("align", "")).strip().lower()
    if declared in ("left", "center", "right"):
        return declared
    match = ALIGNMENT.search(str(cell.get("style", "")))
    return match[1] if match else ""


def _inlines(element: lxml.html.HtmlElement) -> tuple[model.Inline, ...]:
    """Return a cell's or caption's inlines, through the sanitiser's allow-list."""
    import lxml.html

    inner = _escaped(element.text) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in element
    )
    return sanitize.cell_inlines(inner)

"""The shape of a Word table (`w:tbl`): its grid of cells, header rows, column alignment.

Hand-written because python-docx's table API hides what the model needs: a cell
spanning columns (`w:gridSpan`) or continuing a cell above (`w:vMerge`) keeps its
text once, in its first grid position, and leaves empty cells elsewhere; rows
shorter than the grid (`w:gridBefore`, `w:gridAfter`, missing cells) are padded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporter import model
from exporter.readers.docx.package import NS, Element, int_value, w

ALIGNMENTS = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right"}
"""Word's paragraph justifications as a column's alignment; one set explicitly is kept."""
NO_FILL = ("", "auto", "ffffff", "none")
FIRST_ROW_LOOK = 0x0020
CAPTION_TEXT = re.compile(
    r"^\s*(table|tabelle|tableau|tabla|tabella|tabel|tabela|tabell|taulukko|таблица|表)"
    r"\s*[\dIVXLivxl]",
    re.IGNORECASE,
)
"""A caption that names a table: "Table 3", "Tableau 2", "Tabelle IV"."""


@dataclass(frozen=True, slots=True)
class Grid:
    """A table's rows as grid positions: the cell that starts there, or None."""

    rows: tuple[tuple[Element, tuple[Element | None, ...]], ...]
    """Each row (w:tr) and its cells: the w:tc starting at each column, None elsewhere."""
    columns: int
    """The number of grid columns."""


def table_grid(table: Element) -> Grid:
    """Return the table's grid: merged cells in their first position, short rows padded."""
    rows: list[tuple[Element, list[Element | None]]] = []
    for row in table.iterfind("w:tr", NS):
        slots: list[Element | None] = [None] * _row_property(row, "gridBefore")
        for cell in row.iterfind("w:tc", NS):
            spans = _cell_property(cell, "gridSpan")
            span = max(1, min(int_value(spans, default=1), 1000)) if spans is not None else 1
            merge = _cell_property(cell, "vMerge")
            continues = merge is not None and merge.get(w("val"), "continue") != "restart"
            slots.append(None if continues else cell)
            slots.extend([None] * (span - 1))
        slots.extend([None] * _row_property(row, "gridAfter"))
        rows.append((row, slots))
    columns = max((len(slots) for _row, slots in rows), default=0)
    return Grid(
        tuple((row, tuple(slots + [None] * (columns - len(slots)))) for row, slots in rows),
        columns,
    )


def marked_header_rows(grid: Grid) -> int:
    """Return how many rows from the top repeat as a header (w:tblHeader)."""
    count = 0
    for row, _slots in grid.rows:
        marker = row.find("w:trPr/w:tblHeader", NS)
        if marker is None or marker.get(w("val"), "true").lower() in ("0", "false", "off"):
            break
        count += 1
    return count


def first_row_set_apart(table: Element, grid: Grid, header_styles: set[str]) -> bool:
    """Return whether the first row looks like a header: shaded, or so by the table style."""
    if len(grid.rows) < 2:
        return False
    cells = [cell for cell in grid.rows[0][1] if cell is not None]
    if cells and all(_fill(cell) not in NO_FILL for cell in cells):
        return True
    style = table.find("w:tblPr/w:tblStyle", NS)
    look = table.find("w:tblPr/w:tblLook", NS)
    if style is None or look is None or style.get(w("val"), "") not in header_styles:
        return False
    first_row = look.get(w("firstRow"))
    if first_row is not None:
        return first_row.lower() in ("1", "true", "on")
    try:
        return bool(int(look.get(w("val"), "0"), 16) & FIRST_ROW_LOOK)
    except ValueError:
        return False


def all_strong(row: model.TableRow) -> bool:
    """Return whether every cell of a row with text is set wholly in bold."""
    filled = [cell for cell in row.cells if cell.content]
    return bool(filled) and all(
        all(isinstance(inline, model.Strong) for inline in cell.content) for cell in filled
    )


def without_strong(row: model.TableRow) -> model.TableRow:
    """Return a header row with the bold that made it a header taken off its cells."""
    cells = []
    for cell in row.cells:
        if cell.content and all(isinstance(i, model.Strong) for i in cell.content):
            inner = tuple(i for s in cell.content if isinstance(s, model.Strong) for i in s.content)
            cells.append(model.TableCell(inner))
        else:
            cells.append(cell)
    return model.TableRow(tuple(cells))


def column_alignment(grid: Grid, body_start: int) -> tuple[str, ...]:
    """Return each column's alignment where its body cells' paragraphs agree (w:jc)."""
    result = []
    for column in range(grid.columns):
        found = set()
        for _row, slots in grid.rows[body_start:]:
            cell = slots[column]
            if cell is None:
                continue
            justification = cell.find("w:p/w:pPr/w:jc", NS)
            if justification is not None:  # an empty cell aligned says so too
                found.add(ALIGNMENTS.get(justification.get(w("val"), ""), ""))
            elif "".join(cell.itertext()).strip():
                found.add("")
        result.append(found.pop() if len(found) == 1 else "")
    return tuple(result) if any(result) else ()


def is_table_caption(text: str) -> bool:
    """Return whether a caption's text names a table ("Table 2: ...")."""
    return bool(CAPTION_TEXT.match(text))


def _row_property(row: Element, name: str) -> int:
    found = row.find(f"w:trPr/w:{name}", NS)
    return max(0, min(int_value(found, default=0), 1000)) if found is not None else 0


def _cell_property(cell: Element, name: str) -> Element | None:
    return cell.find(f"w:tcPr/w:{name}", NS)


def _fill(cell: Element) -> str:
    shading = _cell_property(cell, "shd")
    return str(shading.get(w("fill"), "")).lower() if shading is not None else ""

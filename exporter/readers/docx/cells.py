"""A Word table read into the model: a table of inline cells, or a one-cell box's blocks.

The grid (merged cells, header rows, alignment) is tables.py's; here each cell's
paragraphs become lines of inlines, a nested table's rows lines of its cell, and
the pictures and text boxes in cells blocks after the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exporter import model
from exporter.readers.docx.blocks import BlockBuilder, labelled
from exporter.readers.docx.inlines import Atom, InlineReader, group
from exporter.readers.docx.package import NS, Element, w
from exporter.readers.docx.styles import paragraph_style
from exporter.readers.docx.tables import (
    Grid,
    all_strong,
    column_alignment,
    first_row_set_apart,
    marked_header_rows,
    table_grid,
    without_strong,
)
from exporter.walk import plain_text

if TYPE_CHECKING:
    from exporter.readers.docx.body import DocumentReader

NESTED_CELL_SEPARATOR = "; "


def read_table(
    document: DocumentReader,
    table: Element,
    builder: BlockBuilder,
    reader: InlineReader,
    in_note: bool,
) -> None:
    """Add a table: a model table, or its blocks when it is a single cell (a manuscript's box;
    the toolkit's own documents write one-cell tables only for tables)."""
    grid = table_grid(table)
    cells = [cell for _row, slots in grid.rows for cell in slots if cell is not None]
    if (len(cells) <= 1 and not document.toolkit_document) or grid.columns == 0:
        for cell in cells:
            document.read_blocks(cell, builder, reader, in_note)
        return
    after = BlockBuilder()
    rows = [
        model.TableRow(
            tuple(
                model.TableCell(_cell(document, cell, reader, after, in_note))
                if cell is not None
                else model.TableCell()
                for cell in slots
            )
        )
        for _row, slots in grid.rows
    ]
    caption = accessible_caption(table)
    if not any(cell.content for row in rows for cell in row.cells):
        if caption:
            builder.add(model.Paragraph(caption))
        for block in after.finish():
            builder.add(block)
        return
    heads = marked_header_rows(grid)
    # The toolkit's own documents mark their header row; a manuscript's is guessed.
    if (
        not heads
        and not document.toolkit_document
        and (
            all_strong(rows[0])
            or first_row_set_apart(table, grid, document.styles.header_table_styles)
            or _first_row_in_heading_style(document, grid)
        )
    ):
        heads = 1
    # One header row, as the model and pipe tables have it; more stay as the first body rows.
    heads = min(heads, len(rows) - 1, 1) if len(rows) > 1 else 0
    head = tuple(without_strong(row) for row in rows[:heads])
    document.counts["table"] += 1
    builder.add(model.Table(head, tuple(rows[heads:]), column_alignment(grid, heads), caption))
    for block in after.finish():
        builder.add(block)


def _first_row_in_heading_style(document: DocumentReader, grid: Grid) -> bool:
    """Return whether every cell of the first row is set in a bold or heading style."""
    if len(grid.rows) < 2:
        return False
    paragraphs = [
        p for cell in grid.rows[0][1] if cell is not None for p in cell.iterfind("w:p", NS)
    ]
    styles = [paragraph_style(p) for p in paragraphs if "".join(p.itertext()).strip()]
    return bool(styles) and all(
        "heading" in document.styles.name(style) or document.styles.paragraph_toggle(style, "b")
        for style in styles
    )


def _cell(
    document: DocumentReader,
    cell: Element,
    reader: InlineReader,
    after: BlockBuilder,
    in_note: bool,
) -> tuple[model.Inline, ...]:
    """Return a cell's text as inlines, a line per paragraph; pictures go after the table."""
    lines: list[tuple[model.Inline, ...]] = []
    for child in cell:
        if child.tag == w("p"):
            reader.paragraph_size = document.styles.size(paragraph_style(child))
            atoms = reader.atoms(child)
            inlines = group(atoms)
            numbered = document.numbered(child)
            if numbered is not None and numbered[0].ordered and numbered[2]:
                inlines = labelled(numbered[2], inlines)
            if plain_text(inlines).strip() or any(a.kind == "note" for a in atoms):
                lines.append(inlines)
            else:
                reader.pending.extend(a for a in atoms if a.kind == "anchor")
            document.place_objects(reader.take_objects(), after, reader, in_note)
        elif child.tag == w("tbl"):
            document.counts["nested table"] += 1
            for _row, slots in table_grid(child).rows:
                parts = [_cell(document, c, reader, after, in_note) for c in slots if c is not None]
                joined: list[model.Inline] = []
                for part in (p for p in parts if p):
                    if joined:
                        joined.append(model.Text(NESTED_CELL_SEPARATOR))
                    joined.extend(part)
                if joined:
                    lines.append(tuple(joined))
        elif child.tag == w("bookmarkStart"):
            anchor = document.anchors.place(child.get(w("name"), ""))
            if anchor is not None:
                reader.pending.append(Atom("anchor", anchor))
    result: list[model.Inline] = []
    for line in lines:
        if result:
            result.append(model.LineBreak())
        result.extend(line)
    if reader.pending:
        result.extend(model.Anchor(a.value) for a in reader.pending)
        reader.pending = []
    return tuple(result)


def accessible_caption(table: Element) -> tuple[model.Inline, ...]:
    """Return the caption Word keeps for a table's readers (w:tblCaption, w:tblDescription)."""
    for name in ("tblCaption", "tblDescription"):
        found = table.find(f"w:tblPr/w:{name}", NS)
        text = " ".join(str(found.get(w("val"), "")).split()) if found is not None else ""
        if text:
            return (model.Text(text),)
    return ()

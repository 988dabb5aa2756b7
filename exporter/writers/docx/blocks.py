"""Blocks as Word paragraphs in the layout's styles: text, headings, lists, tables, figures."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from docx.enum.style import WD_STYLE_TYPE
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Twips

from exporter import model
from exporter.context import RenderContext
from exporter.docx_styles import StyleSheet
from exporter.resources import local_path
from exporter.writers import ooxml
from exporter.writers.docx.inlines import InlineWriter, RunFormat, Story, clean
from exporter.writers.docx.styles import ALIGNMENTS, colour

log = logging.getLogger("exporter")


@dataclass(slots=True)
class BlockWriter:
    """Writes blocks into a story (the body or a footnote), each in its part's style."""

    document: Any
    """The python-docx Document."""
    context: RenderContext
    """The layout and the article's folder (images are read from there)."""
    sheet: StyleSheet
    """The layout's DOCX style source."""
    style_ids: dict[str, str]
    """The style id of each part of the bulletin."""
    numbering: ooxml.Numbering
    """The document's list definitions."""
    text_width: int
    """The width of the text area in EMU: no image is wider."""
    inlines: InlineWriter = field(init=False)
    """Writes the inlines of the blocks (set once the note writer exists)."""

    def body(self) -> Story:
        """Return the story of the document's body."""
        return Story(self._new_body_paragraph, self.document.part)

    def _new_body_paragraph(self) -> Any:
        return self.document.element.body.add_p()

    def paragraph(self, story: Story, part: str) -> Any:
        """Append an empty paragraph in the style of `part` to the story; return it."""
        paragraph = story.new_paragraph()
        paragraph.style = self.style_ids[part]
        return paragraph

    def text_paragraph(
        self, part: str, text: str, lang: str = "", story: Story | None = None
    ) -> Any:
        """Append a paragraph of plain text in the style of `part` to the story (the body
        unless one is given); return it.

        `lang` tags a text in another language than the document's.
        """
        paragraph = self.paragraph(story or self.body(), part)
        paragraph.append(ooxml.run(clean(text), lang=lang))
        return paragraph

    def block(self, block: model.Block, story: Story, part: str, depth: int) -> None:
        """Write one block in the style of `part`; `depth` is the list nesting (-1 outside)."""
        if isinstance(block, model.Paragraph):
            self.inlines.inlines(self.paragraph(story, part), block.content, RunFormat(), story)
        elif isinstance(block, model.Heading):
            heading_part = part if story.in_note else f"heading_{block.level}"
            heading = self.paragraph(story, heading_part)
            self.inlines.inlines(heading, block.content, RunFormat(), story)
        elif isinstance(block, model.ListBlock):
            self._list(block, story, part, depth + 1)
        elif isinstance(block, model.BlockQuote):
            for inner in block.content:
                self.block(inner, story, "footnote_text" if story.in_note else "quote", depth)
        elif isinstance(block, model.PullQuote):
            for inner in block.content:
                self.block(inner, story, "footnote_text" if story.in_note else "pull_quote", depth)
        elif isinstance(block, model.Table):
            self._table(block, story, part)
        else:
            self._figure(block, story, part)

    def _table(self, table: model.Table, story: Story, part: str) -> None:
        """Write a Word table: its caption above it, header rows repeated on each page."""
        if table.caption:
            caption = self.paragraph(story, part if story.in_note else "caption")
            # Kept with its table, as a caption above one should be; a reader tells it
            # so from a figure's caption just before a table.
            ooxml.set_keep_with_next(caption.get_or_add_pPr())
            self.inlines.inlines(caption, table.caption, RunFormat(), story)
        if story.in_note:
            # A footnote holds paragraphs only here: a row each, its cells apart by tabs.
            for row in (*table.head, *table.body):
                paragraph = self.paragraph(story, part)
                for index, cell in enumerate(row.cells):
                    if index:
                        paragraph.append(ooxml.special_run("w:tab"))
                    self.inlines.inlines(paragraph, cell.content, RunFormat(), story)
            return
        rows = (*table.head, *table.body)
        written = self.document.add_table(rows=len(rows), cols=table.columns)
        if "table" in self.style_ids:
            written.style = self.document.styles.get_by_id(
                self.style_ids["table"], WD_STYLE_TYPE.TABLE
            )
        else:
            written.style = self.document.styles["Table Grid"]
        text_part = "table_text" if "table_text" in self.style_ids else "body"
        heading_part = "table_heading" if "table_heading" in self.style_ids else text_part
        shading = self.sheet.table_styles.get(self.sheet.parts.get("table", ""), {})
        align = table.align or ("",) * table.columns
        series = self.context.layout.series
        for index, (row, written_row) in enumerate(zip(rows, written.rows, strict=True)):
            header = index < len(table.head)
            ooxml.set_row(written_row._tr, header=header)
            for cell, written_cell, alignment in zip(
                row.cells, written_row.cells, align, strict=True
            ):
                if header and "header_shading" in shading:
                    # Direct as well as in the table style: LibreOffice ignores the style's
                    # first-row formatting.
                    ooxml.shade_cell(written_cell._tc, colour(shading["header_shading"], series))
                paragraph = written_cell.paragraphs[0]._p
                paragraph.style = self.style_ids[heading_part if header else text_part]
                if alignment:
                    written_cell.paragraphs[0].alignment = ALIGNMENTS[alignment]
                self.inlines.inlines(paragraph, cell.content, RunFormat(), story)

    def _list(self, block: model.ListBlock, story: Story, part: str, level: int) -> None:
        level = min(level, 8)
        num_id = self.numbering.add_list(block.ordered, block.start, level)
        for item in block.items:
            for index, inner in enumerate(item.content):
                if isinstance(inner, model.Paragraph):
                    paragraph = self.paragraph(
                        story, "list_item" if index == 0 else "list_continue"
                    )
                    ppr = paragraph.get_or_add_pPr()
                    if index == 0:
                        ooxml.set_numbering(ppr, num_id, level)
                    else:
                        # A later paragraph of the item lines up with the item's text.
                        ppr.get_or_add_ind().left = Twips(self.numbering.item_indent(level))
                    self.inlines.inlines(paragraph, inner.content, RunFormat(), story)
                else:
                    self.block(inner, story, part, level)

    def _figure(self, figure: model.Figure, story: Story, part: str) -> None:
        path = None if story.in_note else local_path(figure.src, self.context)
        paragraph = self.paragraph(story, "figure" if not story.in_note else part)
        embedded = False
        if path is not None:
            try:
                paragraph.append(self._picture_run(str(path), figure.alt, figure.src))
                embedded = True
            except (UnrecognizedImageError, OSError) as error:
                log.warning("could not embed %r in the DOCX: %s", figure.src, error)
        if embedded and figure.alt.strip() and not story.in_note:
            # The picture's description (its descr) is no text a CAT tool offers: it is
            # written below the picture too, in a style the import takes it back from.
            description = self.paragraph(story, "figure_alt")
            description.append(ooxml.run(clean(figure.alt)))
        if not embedded:
            if figure.alt.strip():
                paragraph.append(ooxml.run(clean(figure.alt)))
            else:
                paragraph.getparent().remove(paragraph)  # never an empty paragraph
        if figure.caption:
            caption = self.paragraph(story, "caption" if not story.in_note else part)
            self.inlines.inlines(caption, figure.caption, RunFormat(), story)

    def _picture_run(self, path: str, alt: str, src: str) -> Any:
        part = self.document.part
        _relationship_id, image = part.get_or_add_image(path)
        width, _height = image.scaled_dimensions(None, None)
        inline = part.new_pic_inline(path, min(width, self.text_width), None)
        inline.docPr.set("descr", alt)
        # The object's name survives a word processor's re-save: the reader takes the src from it.
        inline.docPr.set("name", src)
        drawing = ooxml.special_run("w:drawing")
        drawing[-1].append(inline)
        return drawing

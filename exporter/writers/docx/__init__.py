"""The DOCX writer: the bulletin as a Word document in the layout's named styles.

Split along the document's seams: `styles` (the styled starting document), `front`
(the bulletin's own parts), `blocks` and `inlines` (the article's text), `notes`
(footnotes), `fonts` (the font table and the embedded fonts), `package` (properties
and stable bytes). `ooxml` holds the WordprocessingML that python-docx has no API for.
"""

from __future__ import annotations

from docx.shared import Inches

from exporter import model
from exporter.context import RenderContext
from exporter.docx_styles import load_style_sheet
from exporter.walk import query
from exporter.writers import ooxml
from exporter.writers.docx.blocks import BlockWriter
from exporter.writers.docx.fonts import write_font_table
from exporter.writers.docx.front import (
    english_if_fallen_back,
    set_header_and_footer,
    write_front_matter,
    write_publisher_block,
)
from exporter.writers.docx.inlines import EXTERNAL_LINK_SCHEMES, InlineWriter
from exporter.writers.docx.notes import NoteWriter
from exporter.writers.docx.package import saved, set_properties
from exporter.writers.docx.styles import adopt_reference_styles, styled_document
from exporter.writers.docx.unused_styles import drop_unused_styles

__all__ = ["EXTERNAL_LINK_SCHEMES", "write_docx"]


def write_docx(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as a DOCX document in the layout's named styles."""
    sheet = load_style_sheet(context.layout)
    styled = styled_document(article, context, sheet)
    document = styled.document
    lists = sheet.lists
    numbering = ooxml.Numbering(
        document.part.numbering_part.element,
        bullets=tuple(str(b) for b in lists.get("bullets", ["•"])),
        indent=Inches(float(lists.get("indent_per_level", 0.25))).twips,
        hanging=Inches(float(lists.get("hanging", 0.2))).twips,
    )
    blocks = BlockWriter(document, context, sheet, styled.style_ids, numbering, styled.text_width)
    notes = NoteWriter(article.notes, blocks)
    # The places links may point at: bookmarks are written outside footnotes only.
    anchors = frozenset(
        anchor.id for block in article.body for anchor in query(block, model.Anchor)
    )
    blocks.inlines = InlineWriter(styled.style_ids, anchors, notes.call)

    ooxml.set_language(document.styles.element, article.lang)
    ooxml.set_theme_language(document.settings.element, article.lang)
    ooxml.do_not_stretch_lines_before_breaks(document.settings.element)
    set_header_and_footer(blocks, article)
    set_properties(document, article, context.source)
    write_front_matter(blocks, article)
    body = blocks.body()
    for block in article.body:
        blocks.block(block, body, "body", -1)
    series = context.layout.series
    notes.write_uncalled(series.notes_heading, english_if_fallen_back(series, "notes_heading"))
    for author in article.authors:
        if author.bio.strip():
            blocks.text_paragraph("bio", author.bio)
    # Affiliations and keywords print on the PDF's page and in the EPUB's metadata: here
    # they are text the translator translates, in styles the import knows.
    for author in article.authors:
        if author.affiliation.strip():
            blocks.text_paragraph("affiliation", author.affiliation)
    for keyword in article.keywords:
        if keyword.strip():
            blocks.text_paragraph("keyword", keyword)
    write_publisher_block(blocks)
    if context.reference_docx is not None:
        adopt_reference_styles(document, context.reference_docx, article.lang)
    else:  # a reference document's styles are the user's: all kept
        drop_unused_styles(document, styled.style_ids.values())
    # Last, once every style is final: the font table describes the families they name.
    write_font_table(document, context, sheet, article.lang, embed=context.embed_fonts)
    return saved(document, article.date)

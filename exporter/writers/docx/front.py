"""The bulletin's own parts: masthead to summary, running head and footer, publisher block."""

from __future__ import annotations

from exporter import model
from exporter.layouts import issue_line
from exporter.writers import ooxml
from exporter.writers.docx.blocks import BlockWriter
from exporter.writers.docx.inlines import clean
from exporter.writers.docx.styles import style_of


def write_front_matter(blocks: BlockWriter, article: model.Article) -> None:
    """Write the masthead, issue line, kicker, title, subtitle, byline and summary."""
    series = blocks.context.layout.series
    masthead = blocks.text_paragraph("masthead", series.name)
    masthead.append(ooxml.special_run("w:tab"))
    masthead.append(
        ooxml.run(clean(series.publisher), style_id=blocks.style_ids["masthead_publisher"])
    )
    line = issue_line(series, article.number, article.date, article.lang)
    names = ", ".join(author.name for author in article.authors)
    for part, text in (
        ("issue_line", line),
        ("kicker", series.kicker(article.kicker)),
        ("title", article.title),
        ("subtitle", article.subtitle),
        ("byline", names),
        ("summary", article.summary),
    ):
        if text.strip():
            blocks.text_paragraph(part, text)


def set_header_and_footer(blocks: BlockWriter, article: model.Article) -> None:
    """Write the running head and the page-number footer; page 1 has neither."""
    document, sheet, style_ids = blocks.document, blocks.sheet, blocks.style_ids
    section = document.sections[0]
    # Page 1 carries the masthead instead of the running head, as in the print edition.
    section.different_first_page_header_footer = True
    section.first_page_header.is_linked_to_previous = False
    section.first_page_footer.is_linked_to_previous = False
    # python-docx's empty header and footer name styles by ids ("Header") that the
    # layout's own definitions of those styles replaced: they take the styles by name.
    section.first_page_header.paragraphs[0]._p.style = document.styles["Header"].style_id
    section.first_page_footer.paragraphs[0]._p.style = document.styles["Footer"].style_id
    series = blocks.context.layout.series
    line = issue_line(series, article.number, article.date, article.lang)
    head = section.header.paragraphs[0]
    head.style = style_of(document, sheet, style_ids, "running_head")
    head.add_run(" | ".join(part for part in (series.name, line) if part))
    foot = section.footer.paragraphs[0]
    foot.style = style_of(document, sheet, style_ids, "footer")
    foot._p.append(ooxml.page_field())


def write_publisher_block(blocks: BlockWriter) -> None:
    """Write the publisher's mission, statement, editors, disclaimer and web address."""
    series = blocks.context.layout.series
    texts = (series.mission, series.statement, *series.editors, series.disclaimer, series.web)
    for text in texts:
        if text.strip():
            blocks.text_paragraph("publisher_block", text)

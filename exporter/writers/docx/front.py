"""The bulletin's own parts: masthead to summary, running head and footer, publisher block.

The texts of the series, not of the article (masthead, issue line, running head, page
number, publisher block), are written in the headers and footers: page 1's header and
footer hold the masthead, the issue line and the publisher block, the other pages' the
running head and the page number. Word and LibreOffice show them on the page; a CAT
tool told to skip headers and footers (OmegaT: `omegat/filters.xml`) offers the
translator the article's text alone.

Series texts an edition's translation lacks print in English; their runs say so
(w:lang), so that spelling tools and screen readers take them as English.
"""

from __future__ import annotations

from typing import Any

from exporter import model
from exporter.layouts import Series, issue_line
from exporter.writers import ooxml
from exporter.writers.docx.blocks import BlockWriter
from exporter.writers.docx.inlines import Story, clean
from exporter.writers.docx.styles import style_of

ENGLISH = "en-US"
"""The language tag of series texts printed in English in another language's edition."""


def english_if_fallen_back(series: Series, text: str) -> str:
    """Return the tag for runs of a series text: English where it fell back, else none."""
    return ENGLISH if series.lang_of(text) != series.lang else ""


def write_front_matter(blocks: BlockWriter, article: model.Article) -> None:
    """Write the masthead and issue line in page 1's header; the kicker, title, subtitle,
    byline and summary open the body."""
    series = blocks.context.layout.series
    header = blocks.document.sections[0].first_page_header
    story = header_story(header)
    masthead = blocks.text_paragraph("masthead", series.name, story=story)
    masthead.append(ooxml.special_run("w:tab"))
    masthead.append(
        ooxml.run(clean(series.publisher), style_id=blocks.style_ids["masthead_publisher"])
    )
    line = _issue_line_runs(series, article)
    if line:
        paragraph = blocks.paragraph(story, "issue_line")
        _append_runs(paragraph, line)
    names = series.join_names([author.name for author in article.authors])
    for part, text in (
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
    head = section.header.paragraphs[0]
    head.style = style_of(document, sheet, style_ids, "running_head")
    line = _issue_line_runs(series, article)
    _append_runs(head._p, [(f"{series.name} | ", ""), *line] if line else [(series.name, "")])
    foot = section.footer.paragraphs[0]
    foot.style = style_of(document, sheet, style_ids, "footer")
    foot._p.append(ooxml.page_field())


def write_publisher_block(blocks: BlockWriter) -> None:
    """Write the publisher's mission, statement, editors, disclaimer and web address in
    page 1's footer: once, at the foot of a page, as the print edition has it on page 2
    (Word has no footer of the last page alone)."""
    series = blocks.context.layout.series
    story = header_story(blocks.document.sections[0].first_page_footer)
    texts = (
        (series.mission, "mission"),
        (series.statement, "statement"),
        *((line, "editors") for line in series.editors),
        (series.disclaimer, "disclaimer"),
        (series.web, "web"),
    )
    for text, name in texts:
        if text.strip():
            lang = english_if_fallen_back(series, name)
            blocks.text_paragraph("publisher_block", text, lang, story=story)


def header_story(container: Any) -> Story:
    """Return the story of a header or footer: its one empty paragraph first, then new ones."""
    spare = [paragraph._p for paragraph in container.paragraphs if not paragraph.text]

    def new_paragraph() -> Any:
        return spare.pop(0) if spare else container._element.add_p()

    return Story(new_paragraph, container.part)


def _issue_line_runs(series: Series, article: model.Article) -> list[tuple[str, str]]:
    """Return the issue line as (text, language tag) runs: its number label may be English."""
    line = issue_line(series, article.number, article.date, article.lang)
    if not line.strip():
        return []
    label_lang = english_if_fallen_back(series, "number_label")
    if article.number is None or not label_lang:
        return [(line, "")]
    # With a number, the line opens with the label and number ("Number 641", "第641号").
    label = issue_line(series, article.number, None, article.lang)
    return [(label, label_lang), (line[len(label) :], "")]


def _append_runs(paragraph: Any, runs: list[tuple[str, str]]) -> None:
    """Append runs of plain text to a paragraph, each tagged with its language if any;
    neighbours in one language make one run."""
    merged: list[tuple[str, str]] = []
    for text, lang in runs:
        if merged and merged[-1][1] == lang:
            merged[-1] = (merged[-1][0] + text, lang)
        elif text:
            merged.append((text, lang))
    for text, lang in merged:
        paragraph.append(ooxml.run(clean(text), lang=lang))

"""The EPUB's cover: the series' design drawn as an image, and the page that shows it."""

from __future__ import annotations

import textwrap
from typing import Any

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import issue_line
from exporter.walk import wrap_columns
from exporter.writers.epub.templates import css_colours

COVER_PAGE_FILE = "cover.xhtml"
COVER_IMAGE_FILE = "images/cover.svg"
COVER_TITLE_WIDTH = 21
"""Characters per title line on the cover: the SVG cannot wrap text by itself."""
COVER_TITLE_LINES = 6
COVER_AUTHOR_WIDTH = 38


def cover_values(article: model.Article, context: RenderContext) -> dict[str, Any]:
    """Return the values the cover template prints."""
    series = context.layout.series
    # Columns, not characters: a CJK character is two wide (and breaks where Latin cannot).
    title_lines = wrap_columns(article.title, COVER_TITLE_WIDTH)
    if len(title_lines) > COVER_TITLE_LINES:
        # An overlong title is cut with an ellipsis; the cover's alt text carries it whole.
        rest = " ".join(title_lines[COVER_TITLE_LINES - 1 :])
        last = textwrap.shorten(rest, COVER_TITLE_WIDTH, placeholder=" …")
        title_lines = [*title_lines[: COVER_TITLE_LINES - 1], last]
    return {
        "article": article,
        "series": series,
        "colours": css_colours(series.colours),
        "issue_line": issue_line(series, article.number, article.date, article.lang),
        "title_lines": title_lines,
        "author_lines": wrap_columns(
            ", ".join(author.name for author in article.authors), COVER_AUTHOR_WIDTH
        ),
    }


def cover_alt(article: model.Article, context: RenderContext) -> str:
    """Return the cover image's alternative text: series, issue line, title."""
    series = context.layout.series
    parts = [series.name, issue_line(series, article.number, article.date, article.lang)]
    parts.append(article.title)
    return ". ".join(part for part in parts if part)

"""The EPUB's cover: the series' design laid out by WeasyPrint and drawn as a PNG by pdfium.

An image is what every store and reading system shows as a cover (Kindle, Kobo and
Apple Books ignore an SVG one), and laying it out with the layout's own fonts and CSS
gives the design of the print edition. The stages are modules: `layout` sets the title
as large as fits, `picture` draws the page in the series' `palette` and writes the
`png`. A worker keeps what repeats: the parsed stylesheets, each edition's frame (the
page outside <main>), and the last covers it made, by everything that changes them
(an editor builds the same article again on every save).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import jinja2

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import issue_line
from exporter.recent import Recent
from exporter.writers.epub.cover.layout import (
    COVER_TEMPLATE,
    TITLE_LINES,
    TITLE_SIZES,
    CoverLayout,
    CoverRenderer,
    byline,
    clear_stylesheets,
    lay_out,
    lay_out_cover,
)
from exporter.writers.epub.cover.picture import PIXELS, clear_frames, draw
from exporter.writers.epub.templates import TEMPLATE_FOLDER, template_exists

__all__ = [
    "COVER_IMAGE_FILE",
    "COVER_PAGE_FILE",
    "PIXELS",
    "TITLE_LINES",
    "TITLE_SIZES",
    "CoverImage",
    "CoverLayout",
    "byline",
    "clear_caches",
    "clear_kept_covers",
    "cover_alt",
    "cover_image",
    "has_cover",
    "lay_out_cover",
]

log = logging.getLogger("exporter")
COVER_PAGE_FILE = "cover.xhtml"
COVER_IMAGE_FILE = "images/cover.png"
KEPT_COVERS = 32
"""Covers a worker keeps (a PNG is 40-130 kB)."""


@dataclass(frozen=True, slots=True)
class CoverImage:
    """The cover picture and what the EPUB says of it."""

    href: str
    """Its path inside the EPUB, relative to the package document."""
    media_type: str
    """image/png."""
    data: bytes
    """The picture's bytes."""
    alt: str
    """Its alternative text: what the cover says."""


@dataclass(frozen=True, slots=True)
class _Drawn:
    data: bytes
    cut: bool


_covers: Recent[_Drawn] = Recent(KEPT_COVERS)


def has_cover(env: jinja2.Environment) -> bool:
    """Return whether the layout draws a cover (it has `epub/cover-image.html`)."""
    if template_exists(env, COVER_TEMPLATE):
        return True
    if template_exists(env, "cover.svg"):
        log.warning(
            "the layout's %s/cover.svg is no longer used: the cover is drawn from %s/%s",
            TEMPLATE_FOLDER,
            TEMPLATE_FOLDER,
            COVER_TEMPLATE,
        )
    return False


def cover_image(article: model.Article, context: RenderContext) -> CoverImage:
    """Return the cover of an article as a PNG of PIXELS, with its alternative text."""
    render = CoverRenderer(article, context)
    drawn = _covers.get(render.key)
    if drawn is None:
        layout = lay_out(render, article)
        data = draw(layout.document, render.colours, render.frame())
        drawn = _covers.put(render.key, _Drawn(data, layout.cut))
    if drawn.cut:
        log.warning("the title is too long for the cover even at %d px; cut", TITLE_SIZES[-1])
    return CoverImage(COVER_IMAGE_FILE, "image/png", drawn.data, cover_alt(article, context))


def clear_kept_covers() -> None:
    """Forget the covers a worker has made (for measuring, and for tests)."""
    _covers.clear()


def clear_caches() -> None:
    """Forget the covers, frames and stylesheets a worker has made (for measuring, tests)."""
    clear_kept_covers()
    clear_frames()
    clear_stylesheets()


def cover_alt(article: model.Article, context: RenderContext) -> str:
    """Return the cover's alternative text: series, issue, kicker, title and byline.

    An attribute holds one language: where the number label fell back to English in
    an edition in another language, the issue is given by its number alone.
    """
    series = context.layout.series
    if series.lang_of("number_label") != series.lang:
        series = dataclasses.replace(series, number_label="{number}")
    parts = [series.name, issue_line(series, article.number, article.date, article.lang)]
    parts += [series.kicker(article.kicker) if article.kicker else "", article.title]
    parts.append(byline(article, series))
    return ". ".join(part for part in parts if part)

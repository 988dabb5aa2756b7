"""Write the two-page print bulletin with WeasyPrint and the layout's Jinja2 templates."""

from __future__ import annotations

import collections
import functools
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from exporter import model
from exporter.context import RenderContext
from exporter.fontfaces import font_faces
from exporter.language_fonts import require_fonts
from exporter.layouts import issue_line
from exporter.walk import plain_text, reading_length
from exporter.writers.artifacts import mark_margin_artifacts
from exporter.writers.copyfit import FitResult, FitSetting, fit, read_bounds, text_length
from exporter.writers.fetcher import PolicyFetcher
from exporter.writers.html import HtmlOptions, body_html, notes_html

log = logging.getLogger("exporter")
PAPER = {"letter": "letter", "a4": "A4"}
LAYOUT_CACHE_SIZE = 4
# Decoded images by URL (WeasyPrint's cache option), one cache per article folder: a
# cached image skips the resource policy, so an article of another folder (an upload
# built in a folder of its own) must never be served what this folder's articles read.
IMAGE_CACHE_FOLDERS = 4
_image_caches: collections.OrderedDict[Path, dict[str, Any]] = collections.OrderedDict()
_layouts: list[tuple[model.Article, RenderContext, FitResult]] = []
_layouts_lock = threading.Lock()


def write_pdf(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as a tagged two-page PDF, fitted to the layout's bounds."""
    result = layout_bulletin(article, context)
    log.info("%s", result.explain())
    pdf: bytes = result.document.write_pdf(
        pdf_variant=context.pdf_variant or None,
        pdf_identifier=_identifier(article),
        uncompressed_pdf=False,
    )
    return mark_margin_artifacts(pdf)


def layout_bulletin(article: model.Article, context: RenderContext) -> FitResult:
    """Lay out the article at the largest setting that fills exactly the layout's pages.

    The last few layouts are kept, so that the PDF, the EPUB's page list and the cover
    of one article share one layout in a process.
    """
    with _layouts_lock:
        for cached_article, cached_context, cached in _layouts:
            # Equality, not hashing: the render context holds dicts.
            if cached_article == article and cached_context == context:
                return cached
    result = _fit_layout(article, context)
    with _layouts_lock:
        _layouts.insert(0, (article, context, result))
        del _layouts[LAYOUT_CACHE_SIZE:]
    return result


@functools.cache
def subsetting_engine() -> str:
    """Return which font subsetter WeasyPrint uses here, and say so once per process.

    HarfBuzz's subsetter (Debian's libharfbuzz-subset0) is about twice as fast as
    fontTools, which WeasyPrint falls back to without it.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        log.info("fonts are subset by HarfBuzz")
        return "harfbuzz"
    log.warning(
        "fonts are subset by fontTools, the slower path: install libharfbuzz-subset0 "
        "(HarfBuzz 4.1 or later)"
    )
    return "fonttools"


def _fit_layout(article: model.Article, context: RenderContext) -> FitResult:
    subsetting_engine()
    require_fonts(context.layout, article.lang)  # a CJK edition without its fonts: an error
    bounds = read_bounds(context.layout.path("fit.yaml"))
    env = context.layout.environment()
    page_template = env.get_template("bulletin.html.j2")
    css_template = env.get_template("bulletin.css.j2")
    fonts = font_faces(context.layout.fonts)
    font_config = _font_configuration(context.layout.fonts)
    fetcher = PolicyFetcher(context)
    line = issue_line(context.layout.series, article.number, article.date, article.lang)
    html_options = HtmlOptions(column_characters=context.layout.series.column_characters)
    parts = {
        "article": article,
        "series": context.layout.series,
        "issue_line": line,
        "authors": ", ".join(a.name for a in article.authors),
        "byline": context.layout.series.join_names([a.name for a in article.authors]),
        "body": body_html(article, html_options),
        "notes": notes_html(article, html_options),
        "bios": [a.bio for a in article.authors if a.bio],
    }
    running_head = " | ".join(p for p in (context.layout.series.name, line) if p)

    def lay_out(setting: FitSetting, bio_on_new_page: bool = False) -> tuple[Any, int, float]:
        css = css_template.render(
            fit=setting,
            fonts=fonts,
            series=context.layout.series,
            paper=PAPER[context.paper_size],
            running_head=running_head,
            bio_on_new_page=bio_on_new_page,
            print_marks=context.print_marks,
        )
        html = page_template.render(css=css, **parts)
        document = HTML(
            string=html, base_url=context.source_dir.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=font_config, cache=_image_cache(context.source_dir))
        return document, len(document.pages), _last_page_used(document)

    characters = text_length(plain_text(article.body))
    length = reading_length(article.body)  # words, or characters for CJK text
    result = fit(lay_out, bounds, length.count, characters, unit=length.unit)
    if len(result.document.pages) < bounds.pages or _last_page_fill(result.document) < 0.01:
        # A short article: the bio and publisher block go to the last page, and the
        # type stays at the largest size rather than stretching past it.
        document, _pages, _fill = lay_out(result.setting, bio_on_new_page=True)
        result.document = document
    return result


def _image_cache(folder: Path) -> dict[str, Any]:
    """Return the decoded images of the articles of `folder`, kept for a few folders."""
    key = folder.resolve()
    with _layouts_lock:
        cache = _image_caches.pop(key, None)
        _image_caches[key] = cache = cache if cache is not None else {}
        while len(_image_caches) > IMAGE_CACHE_FOLDERS:
            _image_caches.popitem(last=False)
    return cache


@functools.cache
def _font_configuration(fonts: Path) -> FontConfiguration:
    """Return one font configuration per fonts folder, reused by every layout of a process."""
    del fonts  # the key: a configuration learns the @font-face fonts of its documents
    return FontConfiguration()


def _identifier(article: model.Article) -> bytes:
    """Return a stable PDF file identifier, so that the same article gives the same ID."""
    import hashlib

    key = f"{article.series}|{article.number}|{article.title}|{article.lang}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")


def _last_page_fill(document: Any) -> float:
    """Return how far down its content area the last page's main flow reaches (0 to 1)."""
    page_box = document.pages[-1]._page_box
    top = page_box.content_box_y()
    height = page_box.height or 1
    bottom = top
    for box in flow_boxes(page_box):
        if type(box).__name__ == "LineBox":
            bottom = max(bottom, box.position_y + box.height)
    return float(min(max((bottom - top) / height, 0.0), 1.0))


def _last_page_used(document: Any) -> float:
    """Return the share of the last page's content area used, footnote area included.

    The footnote area holds the publisher block: when only it has moved to an extra
    page, its height is the overflow.
    """
    page_box = document.pages[-1]._page_box
    footnotes = sum(
        child.margin_height()
        for child in page_box.children
        if type(child).__name__ == "FootnoteAreaBox"
    )
    used = _last_page_fill(document) + footnotes / (page_box.height or 1)
    return float(min(used, 1.0))


def flow_boxes(box: Any) -> Iterator[Any]:
    """Yield the boxes of the page's main flow, skipping margin boxes and the footnote area."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        yield child
        yield from flow_boxes(child)

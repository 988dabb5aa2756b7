"""Write the two-page print bulletin with WeasyPrint and the layout's Jinja2 templates."""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from weasyprint.text.fonts import FontConfiguration

from exporter import model
from exporter.codefaces import code_faces
from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.fontfaces import font_faces, shipped_family
from exporter.language_fonts import require_fonts
from exporter.layouts import issue_line
from exporter.recent import Recent
from exporter.resources import allowed_roots
from exporter.walk import reading_length
from exporter.writers import (
    columnheights,
    hyphenruns,
    linebreaks,
    linkareas,
    normalflow,
    pdftags,
    sheets,
    struts,
    subsetarrays,
)
from exporter.writers.copyfit import (
    FitReport,
    FitResult,
    FitSetting,
    Measure,
    fit_or_overflow,
    over_message,
    read_bounds,
)
from exporter.writers.enginefault import engine_faults_refused
from exporter.writers.fallbacks import warn_of_fallbacks
from exporter.writers.fetcher import PolicyFetcher
from exporter.writers.figureplaces import other_placements
from exporter.writers.html import HtmlOptions, body_html, notes_html
from exporter.writers.pagefill import (
    LinePlace,
    foot_hyphens,
    hyphenated_lines,
    last_line,
    measure,
)
from exporter.writers.press import finish_for_press, read_press

log = logging.getLogger("exporter")
PAPER = {"letter": "letter", "a4": "A4"}
LAYOUT_CACHE_SIZE = 4
SHORT_PAGES = 1.12
"""Predicted pages at the loosest setting below which the body is taken to end on page 1."""
# Decoded images by URL (WeasyPrint's cache option), one cache per article folder: a
# cached image skips the resource policy, so an article of another folder (an upload
# built in a folder of its own) must never be served what this folder's articles read.
IMAGE_CACHE_FOLDERS = 4
_image_caches: Recent[dict[str, Any]] = Recent(IMAGE_CACHE_FOLDERS)
_layouts: list[tuple[model.Article, RenderContext, FitResult]] = []
_layouts_lock = threading.Lock()


def write_pdf(article: model.Article, context: RenderContext) -> bytes:
    """Return the article as a tagged two-page PDF, fitted to the layout's bounds.

    The fitting is logged at the info level (`fitted at ...`, then the fill); an
    article too short to fill its pages is warned about, or refused when the context
    is strict.
    """
    result = layout_bulletin(article, context)
    _tell(result, context)
    return _write(result.document, article, context)


def proof_pdf(article: model.Article, context: RenderContext) -> tuple[bytes, FitResult]:
    """Return the bulletin as a plain PDF to draw pictures of, and its fitting.

    The layout is `write_pdf`'s; the file has neither its tags nor its finish for the
    printer, which a picture does not show and which take longer to write than the
    pages. The fitting is told as `write_pdf` tells it.
    """
    result = layout_bulletin(article, context)
    _tell(result, context)
    return result.document.write_pdf(), result


def _tell(result: FitResult, context: RenderContext) -> None:
    """Log the fitting; warn of an article too short (refuse it, when strict)."""
    log.info("%s", result.explain())
    if log.isEnabledFor(logging.INFO):
        hyphenated, lines = hyphenated_lines(result.document)
        per_100 = 100 * hyphenated / lines if lines else 0.0
        log.info("hyphenates %d of %d lines (%.0f per 100)", hyphenated, lines, per_100)
    report = fit_report_of(result)
    log.info("%s", report.summary())
    if report.short:
        if context.strict:
            raise RefusedError(report.short_message())
        log.warning("%s", report.short_message())


@dataclass(frozen=True, slots=True)
class OverflowProof:
    """The layout of an article too long for its pages, at the tightest setting."""

    pdf: bytes
    """The overflowing layout as a PDF of all its pages (more than the layout allows)."""
    report: FitReport
    """The fitting's figures: `over` says by about how many words it is too long."""
    last_line: LinePlace | None
    """The last line of the body on the last page allowed (page 2): where it is cut."""
    result: FitResult | None = None
    """The fitting, its overflowing layout at the tightest setting the last (where to cut)."""


def fit_report(article: model.Article, context: RenderContext) -> FitReport:
    """Return the fitting's figures for an article: the fill, and words short or over.

    An article too long is not refused here: its report says by how much it is over.
    """
    return fit_report_of(_fitted(article, context))


def overflow_proof(article: model.Article, context: RenderContext) -> OverflowProof | None:
    """Return the overflowing layout of an article too long for its pages; None if it fits.

    The PDF is the layout at the tightest setting, every page of it, and `last_line` is
    the last line of the body on page 2, where the printed bulletin would stop. An
    article far too long to lay out at all raises RefusedError.
    """
    result = _fitted(article, context)
    report = fit_report_of(result)
    if report.fits:
        return None
    pages = result.attempts[-1].allowed
    plain = dataclasses.replace(context, pdf_variant="", print_marks=False)
    pdf = _write(result.document, article, plain)
    return OverflowProof(pdf, report, last_line(result.document, pages), result)


def fit_report_of(result: FitResult) -> FitReport:
    """Return the report of a fitting's result."""
    assert result.report is not None
    return result.report


def layout_bulletin(article: model.Article, context: RenderContext) -> FitResult:
    """Lay out the article at the loosest setting that fills exactly the layout's pages.

    Raise RefusedError when it is too long. The last few layouts are kept, so that the
    PDF, the EPUB's page list and the cover of one article share one layout in a process.
    The fitting starts from the context's `fit_start` (the step an earlier version of the
    article was set at, which after a small change is most often the answer), else from
    the layout's estimate.
    """
    result = _fitted(article, context)
    report = fit_report_of(result)
    if not report.fits:
        raise RefusedError(over_message(report))
    return result


def _fitted(article: model.Article, context: RenderContext, start: int | None = None) -> FitResult:
    """Return the fitting of an article, an overflowing one included, from the cache.

    `start` defaults to the context's `fit_start`.
    """
    if start is None:
        start = context.fit_start
    with _layouts_lock:
        for cached_article, cached_context, cached in _layouts:
            # Equality, not hashing: the render context holds dicts.
            if cached_article == article and cached_context == context:
                return cached
    result = _fit_layout(article, context, context.fit_start)
    if not result.chosen.clean and result.chosen.fits:
        # A column left short by a figure that moved on: set a figure otherwise.
        for placed in other_placements(article):
            again = _fit_layout(placed.article, context, context.fit_start, placed.figure_classes)
            if again.chosen.clean:
                again.extra_layouts += result.passes
                again.placement = placed.description
                result = again
                break
            result.extra_layouts += again.passes
    with _layouts_lock:
        _layouts.insert(0, (article, context, result))
        del _layouts[LAYOUT_CACHE_SIZE:]
    return result


def _write(document: Any, article: model.Article, context: RenderContext) -> bytes:
    """Return a laid-out document as PDF bytes, in the context's PDF variant.

    The printer's PDF keeps the tags of the screen's; its boxes and output intent are
    finished by `press`.
    """
    pdftags.install()  # languages of passages, notes, labels, pull quote in the tagged PDF
    subsetarrays.install()  # the fonts subset without parsing new C types
    pdf: bytes = document.write_pdf(
        pdf_variant=context.variant or None,
        pdf_identifier=_identifier(article),
        pdf_tags=context.variant == "pdf/x-4",
        uncompressed_pdf=False,
    )
    warn_of_fallbacks(document, context.layout, article.lang)
    if context.print_marks:
        pdf = finish_for_press(pdf, read_press(context.layout.folder))
    # pikepdf, which finishes the tags, loads only for a PDF written: an EPUB's build
    # reads this module for its print page numbers alone.
    from exporter.writers.structure import finish_tags

    return finish_tags(pdf)


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


def _fit_layout(
    article: model.Article,
    context: RenderContext,
    start: int | None = None,
    figure_classes: dict[int, str] | None = None,
) -> FitResult:
    """Fit the article, its figures at `figure_classes` set so (`figureplaces`)."""
    subsetting_engine()
    require_fonts(context.layout, article.lang)  # a CJK edition without its fonts: an error
    bounds = read_bounds(context.layout.path("fit.yaml"))
    lay_out_at = _page_layout(article, context, figure_classes)
    series = context.layout.series
    predicted = bounds.predictor(
        article, context.layout.fonts, series.column_characters, _picture_shapes(context)
    )
    # A short article sends the bio and publisher block to the last page. One the
    # estimate puts well short is laid out so at once; if its body reaches page 2 after
    # all, that layout is not a measure of the setting, and it is laid out again.
    closing_apart = predicted is not None and predicted(0) < SHORT_PAGES
    apart: set[int] = set()
    extra = 0

    def lay_out(setting: FitSetting) -> tuple[Any, Measure]:
        nonlocal closing_apart, extra
        if closing_apart and setting.step == 0:
            closing_apart = False
            document = lay_out_at(setting, True)
            found = measure(document, bounds.pages)
            if found.pages == bounds.pages and found.fill == 0:
                apart.add(setting.step)
                return document, found
            extra += 1
        document = lay_out_at(setting, False)
        return document, measure(document, bounds.pages)

    length = reading_length(article.body)  # words, or characters for CJK text
    result = fit_or_overflow(lay_out, bounds, length.count, predicted, length.unit, start)
    chosen = result.chosen.measure
    short = chosen.pages < bounds.pages or (chosen.pages == bounds.pages and chosen.fill == 0)
    if short and result.setting.step not in apart:
        result.document = lay_out_at(result.setting, True)
        extra += 1
    closing_on_last_page = short or result.setting.step in apart
    if chosen.pages <= bounds.pages:  # an article too long is refused or cut: not set again
        extra += _no_hyphen_at_column_feet(
            result, lambda: lay_out_at(result.setting, closing_on_last_page)
        )
    result.extra_layouts = extra
    if result.report is not None:
        result.report = dataclasses.replace(result.report, passes=result.passes)
    return result


def _no_hyphen_at_column_feet(result: FitResult, lay_out: Callable[[], Any]) -> int:
    """Lay the chosen setting out again if a column's last line ends in a hyphen.

    The lines are broken at a space instead (`hyphenruns.unbroken_lines`); the new layout
    is kept if it has as many pages. Return the layouts made (0 or 1).
    """
    starts = foot_hyphens(result.document)
    if not starts:
        return 0
    with hyphenruns.unbroken_lines(starts):
        again = lay_out()
    if len(again.pages) == len(result.document.pages):
        result.document = again
    return 1


def _page_layout(
    article: model.Article,
    context: RenderContext,
    figure_classes: dict[int, str] | None = None,
) -> Callable[[FitSetting, bool], Any]:
    """Return a function that lays the article's bulletin out at a setting.

    The figures at `figure_classes` (by their index in the body) are of those classes.

    The page is parsed once and the design's stylesheet once per process
    (`exporter.writers.sheets`); each layout parses only its setting's small sheet.
    """
    from weasyprint import HTML

    linebreaks.install()  # each line broken once per layout, however often it is tried
    hyphenruns.install()  # at most two hyphenated lines in a row
    linkareas.install()  # note calls' links clickable, though of no line height
    columnheights.install()  # columns laid out fewer times
    struts.install()  # each style's line height found once
    normalflow.install()  # each box's flow asked of its style in one call
    env = context.layout.environment()
    # The faces of code only for an article with code: the others load no more fonts.
    fonts = font_faces(context.layout.fonts) + code_faces(article, context.layout.fonts)
    font_config = _font_configuration(context.layout.fonts)
    fetcher = PolicyFetcher(context)
    base_url = context.source_dir.resolve().as_uri() + "/"
    image_cache = _image_cache(context.source_dir)
    line = issue_line(context.layout.series, article.number, article.date, article.lang)
    html_options = HtmlOptions(
        column_characters=context.layout.series.column_characters,
        link_labels=context.layout.series.links,
        tie_last_words=True,
        figure_classes=figure_classes or {},
    )
    parts = {
        "article": article,
        "series": context.layout.series,
        "issue_line": line,
        "running_head": " | ".join(p for p in (context.layout.series.name, line) if p),
        "authors": ", ".join(a.name for a in article.authors),
        "byline": context.layout.series.join_names([a.name for a in article.authors]),
        "body": body_html(article, html_options),
        "notes": notes_html(article, html_options),
        "bios": [a.bio for a in article.authors if a.bio],
    }
    colours = dict(context.layout.series.colours)
    press = read_press(context.layout.folder) if context.print_marks else None
    if press is not None:
        colours.update(press.colours)
    design = {
        "fonts": fonts,
        "shipped": shipped_family,
        "series": context.layout.series,
        "colours": colours,
        "press": press,
        "paper": PAPER[context.paper_size],
        "print_marks": context.print_marks,
    }
    page_template = env.get_template("bulletin.html.j2")
    css_template = env.get_template(sheets.DESIGN_TEMPLATE)
    if not sheets.has_fit_sheet(env):
        # A layout that sets its values in its one stylesheet: all of it, at every setting.
        def whole(setting: FitSetting, bio_on_new_page: bool) -> Any:
            css = css_template.render(
                fit=setting,
                running_head=parts["running_head"],
                bio_on_new_page=bio_on_new_page,
                **design,
            )
            html = page_template.render(css=css, **parts)
            page = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            with engine_faults_refused(setting.body_size):
                return page.render(font_config=font_config, cache=image_cache)

        return whole

    # The sheets' own URLs (the fonts) are the layout's.
    layout_url = context.layout.folder.resolve().as_uri() + "/"
    design_sheet = sheets.parsed_sheet(
        css_template.render(**design), font_config, fetcher, layout_url
    )
    page = HTML(string=page_template.render(**parts), base_url=base_url, url_fetcher=fetcher)

    def at(setting: FitSetting, bio_on_new_page: bool) -> Any:
        css = sheets.fit_css(env, setting, bio_on_new_page)
        fit_sheet = sheets.parsed_sheet(css, font_config, fetcher, layout_url)
        with engine_faults_refused(setting.body_size):
            return page.render(
                stylesheets=[design_sheet, fit_sheet], font_config=font_config, cache=image_cache
            )

    return at


def _picture_shapes(context: RenderContext) -> Callable[[str], float | None]:
    """Return a function that tells a figure's picture's height against its width.

    It reads the picture's header alone, and only of a file the resource policy lets
    the renderer read (it warns of the others when it fetches them); 0 for a picture
    that is not there, None where the reference is not a plain path.
    """
    from PIL import Image

    roots = allowed_roots(context)

    def shape(reference: str) -> float | None:
        if ":" in reference.split("/")[0]:
            return None  # a URL: the fetcher's to judge
        try:
            path = (context.source_dir / unquote(reference)).resolve()
            if not any(path.is_relative_to(root) for root in roots):
                return None
            if not path.is_file():
                return 0.0
            with Image.open(path) as picture:
                width, height = picture.size
        except (OSError, ValueError, RuntimeError, Image.DecompressionBombError):
            return None
        return height / width if width else None

    return shape


def _image_cache(folder: Path) -> dict[str, Any]:
    """Return the decoded images of the articles of `folder`, kept for a few folders."""
    key = folder.resolve()
    with _layouts_lock:
        found = _image_caches.get(key)
        return found if found is not None else _image_caches.put(key, {})


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


def flow_boxes(box: Any) -> Iterator[Any]:
    """Yield the boxes of the page's main flow, skipping margin boxes and the footnote area."""
    for child in getattr(box, "children", ()):
        if type(child).__name__ in ("MarginBox", "FootnoteAreaBox"):
            continue
        yield child
        yield from flow_boxes(child)

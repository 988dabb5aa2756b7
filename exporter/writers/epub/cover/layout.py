"""The cover laid out by WeasyPrint, its title as large as fits.

The title is set as large as fits: the largest size in TITLE_SIZES at which the title
and byline end above the foot band and no line runs wider than the page; a line never
breaks inside a Korean word or a Japanese phrase (`exporter.linebreak`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter import model
from exporter.context import RenderContext
from exporter.fontfaces import font_faces
from exporter.layouts import Series, issue_line
from exporter.linebreak import unit_markup
from exporter.writers.epub.cover.boxes import boxes, elements, leaves
from exporter.writers.epub.templates import TEMPLATE_FOLDER, css_colours
from exporter.writers.fetcher import PolicyFetcher

COVER_TEMPLATE = "cover-image.html"
COVER_STYLESHEET = "cover-image.css"
PAGE = (600, 960)
"""The page the template lays out on, in CSS px; the picture is this page scaled."""
SIDE = 40
"""The page's side margins, in CSS px."""
FOOT = 44
"""The height of the foot band, in CSS px."""
FOOT_GAP = 24
"""The least room between the byline and the foot band, in CSS px."""
TITLE_SIZES = tuple(range(60, 25, -2))
"""The title's type sizes to try, in CSS px, largest first."""
TITLE_LINES = 5
"""The most lines a title takes where a smaller size allows it."""
BYLINE_SIZE = 24
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class CoverLayout:
    """The cover laid out by WeasyPrint, and how its title came to be set."""

    document: Any
    """WeasyPrint's document of one page."""
    title_size: int
    """The title's type size, in CSS px."""
    title_lines: list[str]
    """The title's lines as laid out."""
    fits: bool
    """Whether everything fits above the foot band and within the side margins."""
    cut: bool = False
    """Whether the title is cut short: too long for the page even at the smallest size."""


def lay_out_cover(article: model.Article, context: RenderContext) -> CoverLayout:
    """Lay out the cover with the largest title size at which it fits.

    The title takes at most TITLE_LINES lines where some size allows it, so that a long
    title does not crowd the design; else as many as fit.
    """
    render = _renderer(article, context)
    layouts: dict[int, CoverLayout] = {}

    def at(size: int) -> CoverLayout:
        if size not in layouts:
            layouts[size] = render(size, False, None)
        return layouts[size]

    for wanted in (_balanced, _fitting):
        found = _largest(at, wanted)
        if found is not None:
            return found
    # Not even the smallest size fits with whole words: lines may break anywhere, and a
    # title longer than the page holds is cut short with an ellipsis (the cover's
    # alternative text keeps it whole).
    smallest = TITLE_SIZES[-1]
    whole = render(smallest, True, article.title)
    if whole.fits:
        return whole
    best = render(smallest, True, ELLIPSIS)
    low, high = 1, len(article.title) - 1
    while low <= high:
        middle = (low + high) // 2
        attempt = render(smallest, True, _shortened(article.title, middle))
        if attempt.fits:
            best, low = attempt, middle + 1
        else:
            high = middle - 1
    return dataclasses.replace(best, cut=True)


def _shortened(title: str, length: int) -> str:
    """Return the first `length` characters of a title, to the last space among them, and …."""
    kept = title[:length].rstrip()
    if " " in kept:
        kept = kept[: kept.rfind(" ")]
    return kept.rstrip(" ,;:–—") + ELLIPSIS


def _balanced(layout: CoverLayout) -> bool:
    return layout.fits and len(layout.title_lines) <= TITLE_LINES


def _fitting(layout: CoverLayout) -> bool:
    return layout.fits


def _largest(
    at: Callable[[int], CoverLayout], wanted: Callable[[CoverLayout], bool]
) -> CoverLayout | None:
    """Return the layout at the largest title size that is `wanted`, by bisection.

    Smaller type takes fewer lines and less height, so the sizes that are wanted are
    the smaller ones.
    """
    if wanted(at(TITLE_SIZES[0])):
        return at(TITLE_SIZES[0])
    low, high = 1, len(TITLE_SIZES) - 1
    best: CoverLayout | None = None
    while low <= high:
        middle = (low + high) // 2
        if wanted(at(TITLE_SIZES[middle])):
            best, high = at(TITLE_SIZES[middle]), middle - 1
        else:
            low = middle + 1
    return best


def byline(article: model.Article, series: Series) -> str:
    """Return the byline as every format prints it."""
    return series.join_names([author.name for author in article.authors])


def _renderer(
    article: model.Article, context: RenderContext
) -> Callable[[int, bool, str | None], CoverLayout]:
    """Return a function that lays out the cover at a title size."""
    from weasyprint import HTML

    env = context.layout.environment()
    series = context.layout.series
    page = env.get_template(f"{TEMPLATE_FOLDER}/{COVER_TEMPLATE}")
    stylesheet = env.get_template(f"{TEMPLATE_FOLDER}/{COVER_STYLESHEET}")
    names = byline(article, series)
    values = {
        "article": article,
        "series": series,
        "issue_line": issue_line(series, article.number, article.date, article.lang),
        "byline": unit_markup(names, article.lang) if names else "",
    }
    base_url = context.layout.folder.resolve().as_uri() + "/"
    fetcher = PolicyFetcher(context)
    fonts = font_faces(context.layout.fonts)
    colours = css_colours(series.colours)

    def render(title_size: int, breakable: bool, title: str | None) -> CoverLayout:
        """Lay the cover out; `breakable` lets lines break anywhere, `title` replaces the
        article's (kept whole: a title is then set as it is, in no spans)."""
        css = stylesheet.render(
            fonts=fonts,
            colours=colours,
            width=PAGE[0],
            height=PAGE[1],
            side=SIDE,
            foot=FOOT,
            title_size=title_size,
            byline_size=min(BYLINE_SIZE, max(18, round(title_size * 0.6))),
            breakable=breakable,
        )
        shown = title if title is not None else unit_markup(article.title, article.lang)
        html = page.render(css=css, title=shown, **values)
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=_font_configuration(context.layout.fonts)
        )
        return CoverLayout(document, title_size, _title_lines(document), _fits(document))

    return render


def _fits(document: Any) -> bool:
    """Return whether the cover's text ends above the foot band and within the side margins."""
    if len(document.pages) != 1:
        return False
    limit = PAGE[1] - FOOT - FOOT_GAP
    right = PAGE[0] - SIDE + 0.5
    for main in elements(document.pages[0]._page_box, "main"):
        for line in boxes(main, "LineBox"):
            if line.position_y + line.height > limit:
                return False
            if any(leaf.position_x + leaf.margin_width() > right for leaf in leaves(line)):
                return False
    return True


def _title_lines(document: Any) -> list[str]:
    """Return the text of each line of the title as laid out."""
    return [
        "".join(leaf.text for leaf in leaves(line) if hasattr(leaf, "text"))
        for title in elements(document.pages[0]._page_box, "h1")
        for line in boxes(title, "LineBox")
    ]


@functools.cache
def _font_configuration(fonts: Path) -> Any:
    """Return one font configuration per fonts folder, reused by every cover of a process."""
    from weasyprint.text.fonts import FontConfiguration

    del fonts  # the key
    return FontConfiguration()

"""The cover laid out by WeasyPrint, its title as large as fits, in as few layouts as may be.

The title is set as large as fits: the largest size in TITLE_SIZES at which the title
and byline end above the foot band and no line runs wider than the page; a line never
breaks inside a Korean word or a Japanese phrase (`exporter.linebreak`). A layout is
the cover's largest cost, so the sizes tried are few: the largest first; where that
is too large, the size its layout predicts (the title's width against the measure)
and the size above it, to confirm it. The stylesheet of each title size is parsed once
per worker and given to WeasyPrint parsed (the template's `css` is then empty).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from exporter import model
from exporter.context import RenderContext
from exporter.fontfaces import font_faces, shipped_family
from exporter.layouts import Series, issue_line
from exporter.linebreak import unit_markup
from exporter.writers import sheets
from exporter.writers.epub.cover.boxes import boxes, elements, leaves
from exporter.writers.epub.cover.picture import FrameSource
from exporter.writers.epub.cover.predict import Room, predicted
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
TITLE_LAST_LETTERS = 3
"""The fewest letters (or figures) the title's last line holds: never one or two alone."""
BYLINE_SIZE = 24
ELLIPSIS = "…"
MAIN = re.compile(r"(<main\b[^>]*>).*(</main>)", re.DOTALL)
TITLE_ELEMENT = re.compile(r"(<title\b[^>]*>).*?(</title>)", re.DOTALL)
HTML_LANG = re.compile(r'(<html\b[^>]*?\blang=)"[^"]*"')


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


class CoverRenderer:
    """An article's cover, laid out at a title size on a call; and what it depends on."""

    def __init__(self, article: model.Article, context: RenderContext) -> None:
        env = context.layout.environment()
        series = context.layout.series
        self.colours = series.colours
        """The series' colours (the picture's palette is made from them)."""
        self._page = env.get_template(f"{TEMPLATE_FOLDER}/{COVER_TEMPLATE}")
        self._stylesheet = env.get_template(f"{TEMPLATE_FOLDER}/{COVER_STYLESHEET}")
        self._title = unit_markup(article.title, article.lang, last_letters=TITLE_LAST_LETTERS)
        names = byline(article, series)
        self._values = {
            "article": article,
            "series": series,
            "issue_line": issue_line(series, article.number, article.date, article.lang),
            "byline": unit_markup(names, article.lang) if names else "",
        }
        self._base_url = context.layout.folder.resolve().as_uri() + "/"
        self._fetcher = PolicyFetcher(context)
        self._fonts = context.layout.fonts
        self._frame_lang = frame_language(article.lang, context.layout.language_fonts)
        # The page at the largest size is made for the key and the frame as well.
        self._made: dict[tuple[str | None, int, bool], tuple[str, str]] = {}

    def __call__(
        self, title_size: int, breakable: bool = False, title: str | None = None
    ) -> CoverLayout:
        """Lay the cover out; `breakable` lets lines break anywhere, `title` replaces the
        article's (kept whole: a title is then set as it is, in no spans)."""
        document = self._lay_out(*self._source(title, title_size, breakable))
        return CoverLayout(document, title_size, _title_lines(document), _fits(document))

    @functools.cached_property
    def key(self) -> tuple[Hashable, ...]:
        """Everything the cover's picture depends on: the templates (as loaded), what they
        make of the article and series at the largest title size, the fonts, the colours."""
        return (*self._sources(), *self._source(None, TITLE_SIZES[0], False))

    def frame(self) -> FrameSource | None:
        """Return the page without the article's text (<main> emptied), or None without <main>.

        Whatever the cover shows outside <main> is the series' (masthead, foot band): the
        same on every cover of an edition, and drawn once (`picture`).
        """
        page, css = self._source(None, TITLE_SIZES[0], False)
        html, found = MAIN.subn(r"\1\2", page)
        if found != 1:
            return None
        html = TITLE_ELEMENT.sub(r"\1\2", html)
        # An edition's frame, not a language variant's: en-AU and en-US share one.
        lang = escape(self._frame_lang, quote=True)
        html = HTML_LANG.sub(lambda found: f'{found[1]}"{lang}"', html, count=1)
        key = (*self._sources(), html, css)
        return FrameSource(key, functools.partial(self._lay_out, html, css))

    def _sources(self) -> tuple[Hashable, ...]:
        # Jinja loads a template again when its file changes: a new object, a new key.
        colours = tuple(sorted(self.colours.items()))
        return (self._page, self._stylesheet, self._base_url, self._fonts, colours)

    def _source(self, title: str | None, title_size: int, breakable: bool) -> tuple[str, str]:
        """Return the page's HTML and CSS with a title (None: the article's) at a size."""
        key = (title, title_size, breakable)
        if key not in self._made:
            self._made[key] = (self._html(title), self._css(title_size, breakable))
        return self._made[key]

    def _html(self, title: str | None) -> str:
        shown = title if title is not None else self._title
        # The stylesheet goes to WeasyPrint parsed, not inline (see `_parsed_stylesheet`).
        html: str = self._page.render(css="", title=shown, **self._values)
        return html

    def _css(self, title_size: int, breakable: bool) -> str:
        colours = tuple(self.colours.items())
        return _stylesheet_text(self._stylesheet, self._fonts, colours, title_size, breakable)

    def _lay_out(self, html: str, css: str) -> Any:
        from weasyprint import HTML

        from exporter.writers import linebreaks

        linebreaks.install()

        font_config = _font_configuration(self._fonts)
        stylesheet = _parsed_stylesheet(css, self._base_url, self._fonts, self._fetcher)
        return HTML(string=html, base_url=self._base_url, url_fetcher=self._fetcher).render(
            font_config=font_config, stylesheets=[stylesheet]
        )


def lay_out_cover(article: model.Article, context: RenderContext) -> CoverLayout:
    """Lay out the cover with the largest title size at which it fits."""
    return lay_out(CoverRenderer(article, context), article)


def lay_out(render: CoverRenderer, article: model.Article) -> CoverLayout:
    """Lay out a cover with the largest title size at which it fits.

    The title takes at most TITLE_LINES lines where some size allows it, so that a long
    title does not crowd the design; else as many as fit.
    """
    layouts: dict[int, CoverLayout] = {}

    def at(index: int) -> CoverLayout:
        if index not in layouts:
            layouts[index] = render(TITLE_SIZES[index])
        return layouts[index]

    if _balanced(at(0)):
        return at(0)
    guess = _guess(at, article)
    for wanted in (_balanced, _fitting):
        found = _largest(at, wanted, guess)
        if found is not None:
            return found
    # Not even the smallest size fits with whole words: lines may break anywhere, and a
    # title longer than the page holds is cut short with an ellipsis (the cover's
    # alternative text keeps it whole).
    smallest, title = TITLE_SIZES[-1], article.title
    whole = render(smallest, True, title)
    if whole.fits:
        return whole
    best = render(smallest, True, ELLIPSIS)
    low, high = 1, len(title) - 1
    while low <= high:
        middle = (low + high) // 2
        attempt = render(smallest, True, _shortened(title, middle))
        if attempt.fits:
            best, low = attempt, middle + 1
        else:
            high = middle - 1
    return dataclasses.replace(best, cut=True)


def _guess(at: Callable[[int], CoverLayout], article: model.Article) -> int:
    """Return the index of the title size to look at first: the one that the layout at
    the largest size predicts, else the middle one."""
    room = Room(PAGE[0] - 2 * SIDE, PAGE[1] - FOOT - FOOT_GAP, TITLE_LINES)
    largest = at(0)
    found = predicted(
        largest.document, largest.title_size, article.title, article.lang, TITLE_SIZES, room
    )
    return len(TITLE_SIZES) // 2 if found is None else found


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
    at: Callable[[int], CoverLayout], wanted: Callable[[CoverLayout], bool], guess: int
) -> CoverLayout | None:
    """Return the layout at the largest title size that is `wanted`.

    Smaller type takes fewer lines and less height, so the sizes that are wanted are the
    smaller ones: the boundary is looked for from the largest size, then from `guess`
    one size at a time, in steps that double after two, and by halves once bracketed.
    """
    if wanted(at(0)):
        return at(0)
    low, high = 0, len(TITLE_SIZES)  # `low` is not wanted; `high` is, or is past the end
    probe, tries = guess, 0
    while high - low > 1:
        if not low < probe < high:
            probe = (low + high) // 2
        step = 1 << max(0, tries - 1)
        if wanted(at(probe)):
            high, probe = probe, probe - step
        else:
            low, probe = probe, probe + step
        tries += 1
    return at(high) if high < len(TITLE_SIZES) else None


def byline(article: model.Article, series: Series) -> str:
    """Return the byline as every format prints it."""
    return series.join_names([author.name for author in article.authors])


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


@functools.lru_cache(maxsize=4 * len(TITLE_SIZES))
def _stylesheet_text(
    stylesheet: Any,
    fonts: Path,
    colours: tuple[tuple[str, str], ...],
    title_size: int,
    breakable: bool,
) -> str:
    """Return the cover's stylesheet at a title size, made once per worker: it holds the
    series' fonts and colours alone, the same for every article (the template object is
    new when its file changes)."""
    css: str = stylesheet.render(
        fonts=font_faces(fonts),
        shipped=shipped_family,
        colours=css_colours(dict(colours)),
        width=PAGE[0],
        height=PAGE[1],
        side=SIDE,
        foot=FOOT,
        title_size=title_size,
        byline_size=min(BYLINE_SIZE, max(18, round(title_size * 0.6))),
        breakable=breakable,
    )
    return css


def clear_stylesheets() -> None:
    """Forget the cover stylesheets made so far."""
    _stylesheet_text.cache_clear()


def _parsed_stylesheet(css: str, base_url: str, fonts: Path, fetcher: Any) -> Any:
    """Return the stylesheet parsed by WeasyPrint, once per worker (its fonts loaded then)."""
    return sheets.parsed_sheet(css, _font_configuration(fonts), fetcher, base_url)


@functools.cache
def _font_configuration(fonts: Path) -> Any:
    """Return one font configuration per fonts folder, reused by every cover of a process."""
    from weasyprint.text.fonts import FontConfiguration

    del fonts  # the key
    return FontConfiguration()


def frame_language(lang: str, language_fonts: Mapping[str, object]) -> str:
    """Return the language a cover's frame (its band and foot) is laid out in.

    The frame shows the series' texts alone, which a region does not change: en-AU and
    en-US draw the same band, so one frame serves both. A language whose fonts the
    layout chooses by region or script (zh-TW, zh-Hant) keeps its whole tag.
    """
    primary = lang.split("-")[0].lower()
    if any("-" in tag and tag.split("-")[0].lower() == primary for tag in language_fonts):
        return lang
    return primary

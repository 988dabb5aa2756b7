"""The proof a worker makes of an article: its pages as pictures, and how it fills them.

An article that fits gives both bulletin pages and the fill ("fills 94% of page 2 at
11.75 pt", or so many words short, and the lines left on page 2). One too long gives
every page of its layout at the tightest setting, with a red line on page 2 where the
printed bulletin would stop and the blocks past it washed in red, and says how many
lines it is over at the tightest setting and at the ideal one: where to cut, and how
much. The article is read from its text in memory, saved or not: nothing is written.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter import model
from exporter.build import BuildOptions, context_of
from exporter.context import RenderContext
from exporter.errors import ExportError, RefusedError
from exporter.readers import text_of
from exporter.readers.lines import placed
from exporter.readers.markdown import Located, front_matter_place, read_located
from exporter.report import collect_warnings
from exporter.serve.store import version_of
from exporter.serve.workers import known_layout
from exporter.walk import plain_text
from exporter.writers.copyfit import FitBounds, FitResult, read_bounds
from exporter.writers.cuts import LinesOver, cuts_of, room_of, setting_name
from exporter.writers.fitreport import FitReport
from exporter.writers.pagefill import BlockPlace, LinePlace
from exporter.writers.pdf import fit_report, overflow_proof, proof_pdf

PNG_LEVEL = 1
CUT_COLOUR = (200, 16, 46)
"""The red of the line that marks where page 2 ends on the proof of an article too long,
and of the blocks that fall past it."""
WASH_ALPHA = 48
"""How strongly the blocks past the last page are washed in red (of 255): the text
stays legible under it."""
FIRST_WORDS = 8
FIRST_CHARACTERS = 60
"""How much of a block's text names it: its first words, and at most so many characters
(a CJK text has no spaces between its words)."""


@dataclass(frozen=True, slots=True)
class Marks:
    """What the pictures show beside the pages themselves, drawn again at any size."""

    cut: LinePlace | None = None
    """The last line page 2 holds: a red line is drawn under it."""
    beyond: tuple[BlockPlace, ...] = ()
    """The parts of blocks past the last page allowed: washed in red."""


@dataclass(frozen=True, slots=True)
class Setting:
    """The type setting an article was laid out at."""

    step: int
    """Its step on the layout's scale, from the loosest (0)."""
    body_size: float
    """The body size, in points."""
    leading: float
    """The line height, as a multiple of the body size."""
    name: str = ""
    """The name `fit.yaml` gives it (loosest, ideal, tightest), or "" between those."""


@dataclass(frozen=True, slots=True)
class PastBlock:
    """A block of the body that falls, whole or in part, past the last page."""

    block: int
    """Its index among the body's blocks (from 0); the body's length for the notes."""
    kind: str
    """paragraph, heading, list, block_quote, pull_quote, figure, table, or notes."""
    words: str
    """Its first words."""
    line: int
    """The line of the text it starts on (from 1); 0 when not known."""
    whole: bool
    """True when all of it is past the last page; False for the one cut across."""


@dataclass(frozen=True, slots=True)
class Proof:
    """The pages of an article's bulletin as pictures, and what the fitting found."""

    pages: tuple[bytes, ...]
    """A PNG of each page: the bulletin's two, or every page of an article too long;
    none when it is too long to lay out at all."""
    fits: bool
    """True when the article fits the layout's pages."""
    fit: str
    """The fitting's result in words: the fill and body size, or how far it is over."""
    warnings: tuple[str, ...]
    """The build's warnings, each once."""
    seconds: float
    """How long the worker took."""
    version: str = ""
    """The version of the text laid out (it may have changed since it was asked for)."""
    short: int = 0
    """About how many words (or characters) it lacks to fill page 2; 0 when it fills it."""
    over: int = 0
    """About how many words (or characters) too long it is; 0 when it fits."""
    unit: str = "words"
    """The unit of `short` and `over`."""
    cut: str = ""
    """For an article too long: the last line page 2 holds, after which it is cut."""
    step: int | None = None
    """The step of the fit's scale the article was set at (None when too long): where
    the proof of its next version starts."""
    pdf: bytes = b""
    """The plain PDF the pictures were drawn from, for pictures at a larger size."""
    marks: Marks = field(default_factory=Marks)
    """What the pictures show beside the pages."""
    setting: Setting | None = None
    """The setting laid out: the one chosen, or the tightest when too long."""
    lines_left: int | None = None
    """For an article that fits: the lines of body text page 2 could still take."""
    lines_over: tuple[LinesOver, ...] = ()
    """For an article too long: its lines over at the tightest setting and the ideal."""
    beyond: tuple[PastBlock, ...] = ()
    """For an article too long: the blocks past page 2, in order."""


def proof_article(path: str, dpi: int, start: int | None = None) -> Proof:
    """Lay out an article file and return pictures of its pages and the fitting's figures.

    `start` is the step the article's last proof was set at: after an edit, most often
    the answer again, so that the proof takes one layout. The proof is of the bytes
    read once, so that it is of the version it names even if the file changes meanwhile.
    """
    source = Path(path)
    data = source.read_bytes()
    return proof_text(text_of(data), str(source.parent), dpi, start, version_of(data))


def proof_text(text: str, folder: str, dpi: int, start: int | None, version: str) -> Proof:
    """Lay out an article's text, saved or not, with its pictures found in `folder`.

    Errors name the line of the text at fault where they can; they name no file.
    """
    started = time.perf_counter()
    with collect_warnings() as messages:
        located = read_located(text)
        article = located.article
        try:
            known_layout(article.series)
        except ExportError as error:
            if error.file:
                raise  # a fault of the layout's own files, not of the text
            # No such layout, or one found where it must not be: the series names it.
            raise placed(error, front_matter_place(text, "series")) from None
        options = BuildOptions(("pdf",), Path(folder), fit_start=start)
        context = context_of(article, Path(folder).resolve(), options)
        bounds = read_bounds(context.layout.path("fit.yaml"))
        try:
            laid_out = _lay_out(located, context, bounds, dpi)
        except RefusedError as error:  # far too long to lay out at all
            seconds = time.perf_counter() - started
            return Proof((), False, error.what, tuple(messages), seconds, version)
    seconds = time.perf_counter() - started
    return _with(laid_out, tuple(messages), seconds, version)


@dataclass(frozen=True, slots=True)
class _LaidOut:
    """A layout's pictures and figures, before they are a Proof."""

    report: FitReport
    pdf: bytes
    pages: tuple[bytes, ...]
    marks: Marks
    setting: Setting
    lines_left: int | None = None
    lines_over: tuple[LinesOver, ...] = ()
    beyond: tuple[PastBlock, ...] = ()


def _lay_out(located: Located, context: RenderContext, bounds: FitBounds, dpi: int) -> _LaidOut:
    article = located.article
    report = fit_report(article, context)
    if report.fits:
        pdf, result = proof_pdf(article, context)
        setting = _setting(result, bounds)
        pages = draw_pages(pdf, dpi, Marks())
        return _LaidOut(report, pdf, pages, Marks(), setting, room_of(result, bounds))
    overflow = overflow_proof(article, context)
    assert overflow is not None and overflow.result is not None
    result = overflow.result
    cuts = cuts_of(result, bounds)
    marks = Marks(overflow.last_line, tuple(p for b in cuts.beyond for p in b.places))
    pages = draw_pages(overflow.pdf, dpi, marks)
    beyond = tuple(_past(b.block, b.whole, located) for b in cuts.beyond)
    setting = _setting(result, bounds)
    return _LaidOut(report, overflow.pdf, pages, marks, setting, None, cuts.lines_over, beyond)


def _with(laid_out: _LaidOut, warnings: tuple[str, ...], seconds: float, version: str) -> Proof:
    report = laid_out.report
    cut = laid_out.marks.cut
    return Proof(
        laid_out.pages,
        report.fits,
        _fit_text(laid_out),
        warnings,
        seconds,
        version,
        short=report.short,
        over=report.over,
        unit=report.unit,
        cut=cut.text.strip() if cut is not None else "",
        step=laid_out.setting.step if report.fits else None,
        pdf=laid_out.pdf,
        marks=laid_out.marks,
        setting=laid_out.setting,
        lines_left=laid_out.lines_left,
        lines_over=laid_out.lines_over,
        beyond=laid_out.beyond,
    )


def _fit_text(laid_out: _LaidOut) -> str:
    """Return the fitting's result in words, with where to cut or the room left."""
    report, setting = laid_out.report, laid_out.setting
    fit = report.summary()
    named = f" (the {setting.name} setting)" if setting.name else ""
    if report.fits:
        if report.short and laid_out.lines_left is not None:
            fit += (
                f"; set at {setting.body_size:g} pt{named}, "
                f"{_count(laid_out.lines_left, 'line')} left on page 2"
            )
        return fit
    if laid_out.lines_over:
        over = ", ".join(
            f"about {_count(o.lines, 'line')} at {o.body_size:g} pt ({o.setting})"
            if o.setting
            else f"about {_count(o.lines, 'line')} at {o.body_size:g} pt"
            for o in laid_out.lines_over
        )
        fit += f"; to fit, cut {over}"
    cut = laid_out.marks.cut
    if cut is not None:
        fit += f"; page {cut.page} ends at the red line, after \u201c{cut.text.strip()}\u201d"
    past = [b for b in laid_out.beyond if b.whole]
    noun = "paragraph" if all(b.kind == "paragraph" for b in past) else "block"
    if len(past) == 1:
        fit += f"; the {noun} \u201c{past[0].words}\u201d falls past it"
    elif past:
        fit += f"; {len(past)} {noun}s from \u201c{past[0].words}\u201d fall past it"
    return fit


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _setting(result: FitResult, bounds: FitBounds) -> Setting:
    chosen = result.setting
    name = setting_name(bounds, chosen.step)
    return Setting(chosen.step, chosen.body_size, chosen.leading, name)


def _past(block: int, whole: bool, located: Located) -> PastBlock:
    """Return a block past the last page, named by its kind, first words and line."""
    body = located.article.body
    if block >= len(body):
        return PastBlock(block, "notes", "", 0, whole)
    node: model.Block = body[block]
    line = located.body_lines[block] if block < len(located.body_lines) else 0
    return PastBlock(block, node.kind, first_words(plain_text([node])), line, whole)


def first_words(text: str) -> str:
    """Return the first words of a text, with an ellipsis when there is more."""
    words = text.split()
    shown = " ".join(words[:FIRST_WORDS])
    if len(shown) > FIRST_CHARACTERS:
        shown = shown[:FIRST_CHARACTERS].rstrip()
    return shown + ("\u2026" if shown != " ".join(words) else "")


def draw_pages(pdf: bytes, dpi: int, marks: Marks, only: int | None = None) -> tuple[bytes, ...]:
    """Return a PNG of each page of a PDF (or of page `only`, from 1), at `dpi`, marked.

    zlib's fastest level: it takes half the time of the default, and the pictures of
    text pages come out no larger.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pictures = []
    try:
        numbers = range(1, len(document) + 1) if only is None else (only,)
        for number in numbers:
            picture = document[number - 1].render(scale=dpi / 72).to_pil()
            picture = _marked(picture, number, marks, dpi)
            out = io.BytesIO()
            picture.save(out, format="PNG", compress_level=PNG_LEVEL)
            pictures.append(out.getvalue())
    finally:
        document.close()
    return tuple(pictures)


def page_picture(pdf: bytes, number: int, dpi: int, marks: Marks) -> bytes:
    """Return a PNG of one page of a proof's PDF at `dpi`, with the proof's marks."""
    return draw_pages(pdf, dpi, marks, number)[0]


def _marked(picture: Any, number: int, marks: Marks, dpi: int) -> Any:
    """Return a page's picture with the marks of its page drawn on it."""
    from PIL import Image, ImageDraw

    scale = dpi / 72
    places = [place for place in marks.beyond if place.page == number]
    cut = marks.cut if marks.cut is not None and marks.cut.page == number else None
    if not places and cut is None:
        return picture
    picture = picture.convert("RGB")
    if places:
        wash = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(wash)
        bar = max(2, dpi // 30)
        for place in places:
            box = [place.left * scale, place.top * scale, place.right * scale, place.bottom * scale]
            draw.rectangle(box, fill=(*CUT_COLOUR, WASH_ALPHA))
            left = max(box[0] - 3 * bar, 0)  # a bar in the margin, seen at a glance
            draw.rectangle([left, box[1], left + bar, box[3]], fill=(*CUT_COLOUR, 255))
        picture = Image.alpha_composite(picture.convert("RGBA"), wash).convert("RGB")
    if cut is not None:
        draw = ImageDraw.Draw(picture)
        y = round((cut.bottom + 2) * scale)
        width = max(2, dpi // 40)
        draw.line([(0, y), (picture.width, y)], fill=CUT_COLOUR, width=width)
        draw.text((4, y + width + 1), f"page {cut.page} ends here", fill=CUT_COLOUR)
    return picture

"""The proof a worker makes of an article: its pages as pictures, and how it fills them.

An article that fits gives both bulletin pages and the fill ("fills 94% of page 2 at
11.75 pt", or so many words short). One too long gives every page of its layout at the
tightest setting, with a red line on page 2 where the printed bulletin would stop, so
that the editor sees where to cut.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from exporter.build import BuildOptions, prepare
from exporter.errors import ExportError, RefusedError
from exporter.report import collect_warnings
from exporter.serve.store import version_of
from exporter.serve.workers import known_layout, renamed
from exporter.writers.fitreport import FitReport
from exporter.writers.pagefill import LinePlace
from exporter.writers.pdf import fit_report, overflow_proof, proof_pdf

PNG_LEVEL = 1
CUT_COLOUR = (200, 16, 46)
"""The red of the line that marks where page 2 ends on the proof of an article too long."""


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
    """The version of the file laid out (it may have changed since it was asked for)."""
    short: int = 0
    """About how many words (or characters) it lacks to fill page 2; 0 when it fills it."""
    over: int = 0
    """About how many words (or characters) too long it is; 0 when it fits."""
    unit: str = "words"
    """The unit of `short` and `over`."""
    cut: str = ""
    """For an article too long: the last line page 2 holds, after which it is cut."""
    step: int | None = None
    """The step of the fit's scale the article was set at (the tightest when too long):
    where the proof of its next version starts."""


def proof_article(path: str, dpi: int, start: int | None = None) -> Proof:
    """Lay out an article file and return pictures of its pages and the fitting's figures.

    `start` is the step the article's last proof was set at: after an edit, most often
    the answer again, so that the proof takes one layout.
    """
    started = time.perf_counter()
    source = Path(path)
    data = source.read_bytes()
    # Laid out from a copy of the bytes read, so that the proof is of the version it
    # names even if the file changes meanwhile; the copy sits beside the article (a
    # hidden file) so that its images are found as they are when it is built.
    handle, name = tempfile.mkstemp(dir=source.parent, prefix=f".{source.stem}.", suffix=".md")
    copy = Path(name)
    version = version_of(data)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        with collect_warnings() as messages:
            try:
                options = BuildOptions(("pdf",), source.parent, fit_start=start)
                article, context = prepare(copy, options)
                known_layout(article.series)
                report = fit_report(article, context)
                if report.fits:
                    pdf, result = proof_pdf(article, context)
                    pages = page_pngs(pdf, dpi)
                    cut = None
                    step = result.setting.step
                else:
                    overflow = overflow_proof(article, context)
                    assert overflow is not None
                    pages = page_pngs(overflow.pdf, dpi)
                    cut = overflow.last_line
                    pages = _with_cut(pages, cut, dpi)
                    step = None
            except RefusedError as error:  # far too long to lay out at all
                seconds = time.perf_counter() - started
                return Proof((), False, error.what, tuple(messages), seconds, version)
            except ExportError as error:
                raise renamed(error, copy, source.name) from None
    finally:
        copy.unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    return _proof(report, pages, tuple(messages), seconds, version, cut, step)


def _proof(
    report: FitReport,
    pages: tuple[bytes, ...],
    warnings: tuple[str, ...],
    seconds: float,
    version: str,
    cut: LinePlace | None,
    step: int | None,
) -> Proof:
    fit = report.summary()
    if cut is not None:
        fit += f"; page {cut.page} ends at the red line, after \u201c{cut.text.strip()}\u201d"
    return Proof(
        pages,
        report.fits,
        fit,
        warnings,
        seconds,
        version,
        short=report.short,
        over=report.over,
        unit=report.unit,
        cut=cut.text.strip() if cut is not None else "",
        step=step,
    )


def page_pngs(pdf: bytes, dpi: int) -> tuple[bytes, ...]:
    """Return a PNG of each page of a PDF, at `dpi`.

    zlib's fastest level: it takes half the time of the default, and the pictures of
    text pages come out no larger.
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pictures = []
    try:
        for index in range(len(document)):
            out = io.BytesIO()
            picture = document[index].render(scale=dpi / 72).to_pil()
            picture.save(out, format="PNG", compress_level=PNG_LEVEL)
            pictures.append(out.getvalue())
    finally:
        document.close()
    return tuple(pictures)


def _with_cut(pages: tuple[bytes, ...], cut: LinePlace | None, dpi: int) -> tuple[bytes, ...]:
    """Return the pages with a red line drawn under the last line of `cut`'s page."""
    if cut is None or not 1 <= cut.page <= len(pages):
        return pages
    from PIL import Image, ImageDraw

    picture = Image.open(io.BytesIO(pages[cut.page - 1])).convert("RGB")
    y = round((cut.bottom + 2) * dpi / 72)
    draw = ImageDraw.Draw(picture)
    width = max(2, dpi // 40)
    draw.line([(0, y), (picture.width, y)], fill=CUT_COLOUR, width=width)
    draw.text((4, y + width + 1), f"page {cut.page} ends here", fill=CUT_COLOUR)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    marked = list(pages)
    marked[cut.page - 1] = out.getvalue()
    return tuple(marked)

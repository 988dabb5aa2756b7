"""The cover's picture: the laid-out page drawn by pdfium in the series' palette, as a PNG.

Outside <main> a cover shows what every cover of its edition shows (masthead band,
rule, white paper, foot band): that frame is drawn, mapped to the palette and
compressed once per worker, in runs of RUN_ROWS rows. A cover then draws only the runs
of rows its own text may reach (`boxes.extent` of <main>) and splices them between the
frame's other runs (`png`). A page whose boxes outside <main> are not where the
frame's are (a layout in which the text moves the rest) is drawn whole.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from exporter.recent import Recent
from exporter.writers import subsetarrays
from exporter.writers.epub.cover.boxes import elements, extent, outside
from exporter.writers.epub.cover.palette import palette_image
from exporter.writers.epub.cover.png import Run, deflate, palette_png

PIXELS = (1600, 2560)
"""The picture's size: the 1:1.6 that stores ask for, at the resolution of a tablet."""
RUN_ROWS = 32
"""The rows of a frame's run: the text's rows are drawn in whole runs."""
FRAME_LEVEL = 9
"""zlib's level for a frame, compressed once per worker: the smallest."""
FRAME_RUNS_KEPT = 64
"""Different frame runs a worker keeps compressed (a run is 51 kB of rows as its key)."""
_frames: Recent[Frame] = Recent(8)
_frame_runs: Recent[Run] = Recent(FRAME_RUNS_KEPT)


@dataclass(frozen=True, slots=True)
class FrameSource:
    """A cover's page without the article's text, to be laid out, and what it depends on."""

    key: tuple[Hashable, ...]
    """Everything its picture depends on."""
    lay_out: Callable[[], Any]
    """Return WeasyPrint's document of the page."""


@dataclass(frozen=True, slots=True)
class Frame:
    """The picture of a page without the article's text, in compressed runs of rows."""

    runs: tuple[Run, ...]
    """Runs of RUN_ROWS rows, top to bottom; none where the page is not PIXELS in size."""
    outside: tuple[Any, ...]
    """Where its boxes outside <main> are laid out: a cover's must be the same."""


def draw(document: Any, colours: dict[str, str], source: FrameSource | None) -> bytes:
    """Return page 1 of a laid-out cover as a PNG of PIXELS in the palette of the colours."""
    palette = palette_image(colours)
    frame = _frame(source, palette) if source is not None else None
    with _Rasteriser(document) as pdf:
        span = _text_runs(document.pages[0]._page_box, frame) if frame is not None else None
        if frame is None or span is None:
            return palette_png(PIXELS, _plte(palette), [_run(pdf.whole(), palette)])
        first, last = span
        rows = pdf.rows(first * RUN_ROWS, min(last * RUN_ROWS, PIXELS[1]))
        runs = [*frame.runs[:first], _run(rows, palette), *frame.runs[last:]]
        return palette_png(PIXELS, _plte(palette), runs)


def _text_runs(page: Any, frame: Frame) -> tuple[int, int] | None:
    """Return the runs of rows (from, to) that the article's text may draw on, or None
    where the frame does not serve the page."""
    mains = list(elements(page, "main"))
    if not frame.runs or len(mains) != 1 or outside(page, "main") != frame.outside:
        return None
    scale = PIXELS[0] / page.margin_width()
    top, bottom = extent(mains[0])
    first = max(0, math.floor(top * scale) // RUN_ROWS)
    last = min(len(frame.runs), math.ceil(math.ceil(bottom * scale) / RUN_ROWS))
    return (first, max(first + 1, last)) if first < len(frame.runs) else None


def clear_frames() -> None:
    """Forget the frames drawn so far."""
    _frames.clear()
    _frame_runs.clear()


def _frame(source: FrameSource, palette: Any) -> Frame:
    """Return the frame of a source, drawn once per worker.

    A cover is the same bytes whatever the worker drew before: its frame's runs are the
    same whether drawn now or kept, and whether the frame serves depends on the page.
    """
    found = _frames.get(source.key)
    if found is None:
        document = source.lay_out()
        page = document.pages[0]._page_box
        with _Rasteriser(document) as pdf:
            if pdf.size() != PIXELS:
                return _frames.put(source.key, Frame((), ()))
            rows = _filtered_rows(_mapped(pdf.whole(), palette))
        stride = RUN_ROWS * (PIXELS[0] + 1)
        pieces = [rows[start : start + stride] for start in range(0, len(rows), stride)]
        runs = tuple(_frame_run(piece) for piece in pieces)
        found = _frames.put(source.key, Frame(runs, outside(page, "main")))
    return found


def _frame_run(rows: bytes) -> Run:
    """Return a frame's run of rows compressed, once per worker for the same rows.

    Most runs of a frame are white paper or the band, the same rows again, and the
    frames of an edition's languages differ in few runs if any: deflate gives the same
    bytes for the same rows, so each different run is compressed once.
    """
    found = _frame_runs.get(rows)
    return found if found is not None else _frame_runs.put(rows, deflate(rows, FRAME_LEVEL))


def _run(image: Any, palette: Any) -> Run:
    """Return an RGB or RGBX picture's rows in the palette, filtered and compressed."""
    # Runs of one index are most of a flat picture: zlib's run-length strategy finds them
    # in two fifths of the time of its default (level 6), for a PNG 6% larger; the
    # default at level 9, as the frame is, takes twenty times as long for 15% less.
    return deflate(_filtered_rows(_mapped(image, palette)), 9, zlib.Z_RLE)


def _mapped(image: Any, palette: Any) -> Any:
    """Return an RGB or RGBX picture in the palette: each pixel its nearest colour, undithered."""
    from PIL import Image

    if image.mode == "RGBX":
        # Pillow holds an RGB pixel in four bytes, as RGBX, and its mapping to a palette
        # reads the first three of either. `quantize` takes RGB alone, and the copy to
        # RGB costs about as much as the mapping: the mapping `quantize` calls is called
        # on the RGBX picture as pdfium drew it (the same indices, `test_cover_drawing`).
        palette.load()  # its colours to Pillow's core, as `quantize` does first
        return image._new(image.im.convert("P", Image.Dither.NONE, palette.im))
    return image.quantize(palette=palette, dither=Image.Dither.NONE)


def _filtered_rows(picture: Any) -> bytes:
    """Return a palette picture's rows as PNG stores them: each after a filter type 0 (none)."""
    from PIL import Image

    # A column of zeros at the left puts the filter type before each row, in C.
    rows = Image.new("P", (picture.width + 1, picture.height), 0)
    rows.paste(picture, (1, 0))
    data: bytes = rows.tobytes()
    return data


def _plte(palette: Any) -> bytes:
    return bytes(palette.getpalette())


class _Rasteriser:
    """A laid-out page as pdfium draws it, at the scale of PIXELS."""

    def __init__(self, document: Any) -> None:
        import pypdfium2

        subsetarrays.install()  # its fonts subset without parsing new C types
        # The PDF is only a way to pdfium: uncompressed, it is written and read sooner.
        self._pdf = pypdfium2.PdfDocument(document.write_pdf(uncompressed_pdf=True))
        self._page = self._pdf[0]
        self._scale = PIXELS[0] / self._page.get_width()

    def __enter__(self) -> _Rasteriser:
        return self

    def __exit__(self, *exception: object) -> None:
        self._pdf.close()

    def size(self) -> tuple[int, int]:
        """Return the size of the page drawn, in pixels (pdfium's rounding)."""
        return (
            math.ceil(self._page.get_width() * self._scale),
            math.ceil(self._page.get_height() * self._scale),
        )

    def whole(self) -> Any:
        """Return the page as an RGBX picture of PIXELS."""
        from PIL import Image

        image = self._draw((0, 0, 0, 0))
        return image if image.size == PIXELS else image.resize(PIXELS, Image.Resampling.LANCZOS)

    def rows(self, top: int, bottom: int) -> Any:
        """Return the rows from `top` to `bottom` (excluded) as an RGBX picture."""
        # pypdfium2 rounds a crop up to whole pixels: half a pixel less makes it exact.
        height = self.size()[1]
        crop = (0, (height - bottom - 0.5) / self._scale, 0, (top - 0.5) / self._scale)
        return self._draw(crop)

    def _draw(self, crop: tuple[float, float, float, float]) -> Any:
        # pdfium draws 4-byte pixels faster than 3-byte ones; Pillow reads them in place.
        bitmap = self._page.render(
            scale=self._scale, crop=crop, rev_byteorder=True, prefer_bgrx=True
        )
        return bitmap.to_pil()

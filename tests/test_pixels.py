"""Pixel tests: the seed example's two pages against stored pictures, within a tolerance.

On a failure the actual, expected and difference images are written to
test-artifacts/pixels/. After an intended change of the design, store new pictures with
`python -m tests.test_pixels --update` and look at them before committing.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image, ImageChops

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.pdf import write_pdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
STORED = Path(__file__).resolve().parent / "pixels"
ARTIFACTS = ROOT / "test-artifacts" / "pixels"
DPI = 40
# A pixel counts as changed when its grey level moves by more than this (of 255) ...
PIXEL_THRESHOLD = 48
# ... and a page fails when more than this share of its pixels changed.
MAX_CHANGED_SHARE = 0.005


def render_pages(pdf: bytes) -> list[Image.Image]:
    """Return the PDF's pages as greyscale pictures at DPI."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [
            document[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            for i in range(len(document))
        ]
    finally:
        document.close()


def example_pages() -> list[Image.Image]:
    article = load(EXAMPLE)
    return render_pages(write_pdf(article, RenderContext(find_layout(None), EXAMPLE.parent)))


def changed_share(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """Return the share of pixels that differ beyond the threshold, and the difference."""
    difference = ImageChops.difference(actual, expected)
    changed = sum(difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).histogram()[255:])
    return changed / (actual.width * actual.height), difference


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    return example_pages()


Comparison = Callable[[Image.Image, Image.Image], tuple[float, Image.Image]]


def assert_page_matches(
    actual: Image.Image, stored: str, prefix: str, compare: Comparison | None = None
) -> None:
    """Compare a page with the stored picture `stored`; keep the three pictures on a fault.

    `compare` gives the share of pixels changed and the difference (by default in grey).
    """
    expected = Image.open(STORED / stored).convert(actual.mode)
    assert actual.size == expected.size
    share, difference = (compare or changed_share)(actual, expected)
    if share > MAX_CHANGED_SHARE:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        actual.save(ARTIFACTS / f"{prefix}-actual.png")
        expected.save(ARTIFACTS / f"{prefix}-expected.png")
        difference.save(ARTIFACTS / f"{prefix}-difference.png")
    assert share <= MAX_CHANGED_SHARE, (
        f"{prefix}: {share:.2%} of pixels changed; pictures in {ARTIFACTS}"
    )


@pytest.mark.parametrize("number", [1, 2])
def test_example_page_matches_the_stored_picture(number: int, pages: list[Image.Image]) -> None:
    assert len(pages) == 2
    assert_page_matches(pages[number - 1], f"japan-rok-relations-{number}.png", f"page-{number}")


def test_the_comparison_sees_a_changed_page(pages: list[Image.Image]) -> None:
    expected = Image.open(STORED / "japan-rok-relations-1.png").convert("L")
    shifted = Image.new("L", expected.size, 255)
    shifted.paste(expected, (0, 6))  # the whole page moved down by a line's height or so
    assert changed_share(shifted, expected)[0] > MAX_CHANGED_SHARE


def update() -> None:
    """Store the current rendering as the expected pictures."""
    STORED.mkdir(exist_ok=True)
    for number, page in enumerate(example_pages(), start=1):
        out = io.BytesIO()
        page.save(out, format="PNG", optimize=True)
        (STORED / f"japan-rok-relations-{number}.png").write_bytes(out.getvalue())


if __name__ == "__main__" and "--update" in sys.argv:
    update()

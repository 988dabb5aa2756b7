"""Pixel tests of the EPUB cover: the fixtures' covers against stored pictures, within a tolerance.

The covers are compared at a fifth of their size (320 x 512), in colour: a pixel counts
as changed when one of its channels moves by more than the threshold of `test_pixels`,
and a cover fails when more than its share of pixels changed. The stored pictures were
first made from the covers as drawn before the palette was fixed per series (median cut
over each whole cover, at commit 30c91b4): the look the faster drawing keeps. On a
failure the actual, expected and difference pictures are written to
test-artifacts/pixels/. After an intended change of the design, store new pictures with
`python -m tests.test_cover_pixels --update` and look at them before committing.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers.epub.cover import PIXELS, cover_image
from tests.cjk import TRANSLATIONS
from tests.test_pixels import (
    EXAMPLE,
    MAX_CHANGED_SHARE,
    PIXEL_THRESHOLD,
    ROOT,
    STORED,
    assert_page_matches,
)

REDUCTION = 5
COVERS = {
    "japan-rok-relations": EXAMPLE,
    "rich-article": ROOT / "tests" / "fixtures" / "rich-article.md",
    "japan-rok-relations-ja": TRANSLATIONS["ja"],
}
"""The covers compared: the example (a long title, no kicker), one with every part, and a
Japanese edition (lines broken between phrases)."""


def stored_name(name: str) -> str:
    return f"{name}-cover.png"


def cover(path: Path) -> Image.Image:
    """Return an article's cover as the EPUB has it."""
    article = load(path)
    context = RenderContext(find_layout(None).for_language(article.lang), path.parent)
    with Image.open(io.BytesIO(cover_image(article, context).data)) as picture:
        assert picture.size == PIXELS
        return reduced(picture)


def reduced(picture: Image.Image) -> Image.Image:
    """Return a cover at the size it is compared at, in RGB (each pixel a box's mean)."""
    return picture.convert("RGB").reduce(REDUCTION)


def changed_share(actual: Image.Image, expected: Image.Image) -> tuple[float, Image.Image]:
    """Return the share of pixels one of whose channels moved beyond the threshold."""
    red, green, blue = ImageChops.difference(actual, expected).split()
    difference = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    changed = difference.point(lambda v: 255 if v > PIXEL_THRESHOLD else 0).histogram()[255]
    return changed / (actual.width * actual.height), difference


@pytest.mark.parametrize("name", list(COVERS))
def test_cover_matches_the_stored_picture(name: str) -> None:
    assert_page_matches(cover(COVERS[name]), stored_name(name), f"{name}-cover", changed_share)


def test_the_comparison_sees_a_changed_cover() -> None:
    with Image.open(STORED / stored_name("rich-article")) as stored:
        expected = stored.convert("RGB")
    # The title a line lower, as a title size too small by a step would set it.
    moved = expected.copy()
    moved.paste(expected.crop((0, 60, expected.width, 160)), (0, 66))
    assert changed_share(moved, expected)[0] > MAX_CHANGED_SHARE
    # The band in a colour of the same lightness.
    recoloured = Image.merge("RGB", expected.split()[::-1])
    assert changed_share(recoloured, expected)[0] > MAX_CHANGED_SHARE


def update() -> None:
    """Store the current covers as the expected pictures."""
    STORED.mkdir(exist_ok=True)
    for name, path in COVERS.items():
        out = io.BytesIO()
        cover(path).save(out, format="PNG", optimize=True)
        (STORED / stored_name(name)).write_bytes(out.getvalue())


if __name__ == "__main__" and "--update" in sys.argv:
    update()

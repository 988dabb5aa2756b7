"""Pixel test of the Japanese edition: its two pages against stored pictures.

Uses the mechanism of `test_pixels` (same resolution and tolerance). A proof of the
edition (both pages side by side) is kept in test-artifacts/cjk/ on every run, to be
looked at by eye. After an intended change of the design, store new pictures with
`python -m tests.test_cjk_pixels --update` and look at them before committing.
"""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image

from exporter.build import BuildOptions, render_file
from exporter.proof import proof_png
from tests.cjk import TRANSLATIONS
from tests.test_pixels import ROOT, STORED, assert_page_matches, render_pages

NAME = "japan-rok-relations-ja"
PROOFS = ROOT / "test-artifacts" / "cjk"


def edition_pdf() -> bytes:
    """Return the Japanese edition's PDF, built as `exporter build` builds it."""
    options = BuildOptions(formats=("pdf",), out_dir=PROOFS)
    return render_file(TRANSLATIONS["ja"], options)["pdf"]


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    pdf = edition_pdf()
    PROOFS.mkdir(parents=True, exist_ok=True)
    (PROOFS / f"{NAME}-proof.png").write_bytes(proof_png(pdf, dpi=100))
    return render_pages(pdf)


@pytest.mark.parametrize("number", [1, 2])
def test_japanese_page_matches_the_stored_picture(number: int, pages: list[Image.Image]) -> None:
    assert len(pages) == 2
    assert_page_matches(pages[number - 1], f"{NAME}-{number}.png", f"{NAME}-{number}")


def update() -> None:
    """Store the current rendering as the expected pictures."""
    for number, page in enumerate(render_pages(edition_pdf()), start=1):
        out = io.BytesIO()
        page.save(out, format="PNG", optimize=True)
        (STORED / f"{NAME}-{number}.png").write_bytes(out.getvalue())


if __name__ == "__main__" and "--update" in sys.argv:
    update()

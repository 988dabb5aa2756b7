"""A figure that would leave a hole at the foot of a column is set elsewhere, as a float."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers.figureplaces import other_placements
from exporter.writers.pdf import write_pdf
from tests.articles import T, full_article

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIGURE = model.Figure("basin.png", "A map of the Mekong basin", (T("The Mekong basin"),))
LINE = 11 * 1.3
"""About a line of body text at the settings these articles fit at, in points."""


def column_feet(data: bytes) -> tuple[float, float, int]:
    """Return the lowest point of what page 1 draws in each column, and its pictures."""
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        width = page.get_width()
        feet = [float("inf"), float("inf")]
        pictures = 0
        for found in page.get_objects():
            if found.type not in (pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_IMAGE):
                continue
            pictures += found.type == pdfium_c.FPDF_PAGEOBJ_IMAGE
            left, bottom, right, _ = found.get_bounds()
            column = 0 if (left + right) / 2 < width / 2 else 1
            feet[column] = min(feet[column], bottom)
        return feet[0], feet[1], pictures
    finally:
        document.close()


@pytest.mark.parametrize(("seed", "place"), [(0, 2), (1, 6), (2, 6)])
def test_no_column_of_page_1_ends_short_for_a_figure(tmp_path: Path, seed: int, place: int) -> None:
    shutil.copy(FIXTURES / "basin.png", tmp_path / "basin.png")
    article = full_article(900, seed=seed)
    article = dataclasses.replace(
        article, body=(*article.body[:place], FIGURE, *article.body[place:])
    )
    data = write_pdf(article, RenderContext(find_layout(None), tmp_path))
    left, right, _ = column_feet(data)
    assert abs(left - right) <= 3 * LINE, f"the columns end {abs(left - right):.0f} pt apart"


def test_a_figure_moves_past_text_only_within_its_section() -> None:
    article = full_article(900, seed=0)
    kinds = [type(block).__name__ for block in article.body]
    heading = kinds.index("Heading")
    article = dataclasses.replace(
        article, body=(*article.body[:heading], FIGURE, *article.body[heading:])
    )
    placements = [placed.body for placed in other_placements(article)]
    # Before the heading it cannot go down; it goes up past the paragraph before it.
    assert [body.index(FIGURE) for body in placements] == [heading - 1]
    assert all(sorted(map(id, body)) == sorted(map(id, article.body)) for body in placements)

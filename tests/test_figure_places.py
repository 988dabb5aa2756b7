"""A figure that would leave a hole at the foot of a column is set elsewhere, as a float."""

from __future__ import annotations

import dataclasses
import io
import shutil
from pathlib import Path

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import pdf
from exporter.writers.figureplaces import other_placements
from exporter.writers.pdf import write_pdf
from tests.articles import T, full_article
from tests.test_cli import run

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
    placements = [p.article.body for p in other_placements(article) if not p.figure_classes]
    # Before the heading it cannot go down; it goes up past the paragraph before it.
    assert [body.index(FIGURE) for body in placements] == [heading - 1]
    assert all(sorted(map(id, body)) == sorted(map(id, article.body)) for body in placements)


def pictures_and_column(data: bytes) -> tuple[list[tuple[float, float]], float, float]:
    """Return the left and right edges of each picture on page 1, the page's width, and
    the width of its left column (the span of its lines, which are justified)."""
    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        width = page.get_width()
        pictures = []
        left_edges, right_edges = [], []
        for found in page.get_objects():
            left, _, right, _ = found.get_bounds()
            if found.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                pictures.append((left, right))
            elif found.type == pdfium_c.FPDF_PAGEOBJ_TEXT and right < width / 2:
                left_edges.append(left)
                right_edges.append(right)
        return pictures, width, max(right_edges) - min(left_edges)
    finally:
        document.close()


def build_with_explain(source: Path, out: Path) -> tuple[bytes, str]:
    """Build the PDF of an article with --explain; return it and the line of the fitting."""
    code, _, err = run("build", str(source), "--to", "pdf", "-o", str(out), "--explain")
    assert code == 0, err
    fitted = [line for line in err.splitlines() if line.startswith("info: fitted at ")]
    assert len(fitted) == 1, err
    return (out / f"{source.stem}.pdf").read_bytes(), fitted[0]


@pytest.mark.parametrize(
    ("name", "placement"),
    [
        ("figure-hole-narrower", "figure 1 (“The Mekong basin”) set at 60% of the column's width"),
        ("figure-hole-span", "figure 1 (“The Mekong basin”) set across both columns"),
    ],
)
def test_a_figure_no_move_places_is_set_narrower_or_across_both_columns(
    tmp_path: Path, name: str, placement: str
) -> None:
    for file in (f"{name}.md", "basin.png"):
        shutil.copy(FIXTURES / file, tmp_path / file)
    source = tmp_path / f"{name}.md"
    article = load(source)
    context = RenderContext(find_layout(None), tmp_path)
    as_written = pdf._fit_layout(article, context)
    assert as_written.chosen.fits and not as_written.chosen.clean, (
        "the fixture's figure no longer leaves a column short: " + as_written.explain()
    )
    for moved in (p for p in other_placements(article) if not p.figure_classes):
        fitting = pdf._fit_layout(moved.article, context)
        assert not fitting.chosen.clean, f"{moved.description} fills the hole: {fitting.explain()}"

    data, fitted = build_with_explain(source, tmp_path / "out")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2
    left, right, _ = column_feet(data)
    assert abs(left - right) <= 3 * LINE, f"the columns end {abs(left - right):.0f} pt apart"
    assert f"full, {placement} (step " in fitted, fitted
    pictures, page_width, column = pictures_and_column(data)
    assert len(pictures) == 1, pictures
    ((picture_left, picture_right),) = pictures
    if "60%" in placement:
        assert picture_right - picture_left == pytest.approx(0.6 * column, rel=0.02)
        middle = (picture_left + picture_right) / 2
        assert middle < page_width / 2
    else:
        assert picture_left < page_width / 2 < picture_right
        assert picture_right - picture_left > column


def test_a_figure_that_fits_is_set_as_written(tmp_path: Path) -> None:
    for file in ("rich-article.md", "basin.png"):
        shutil.copy(FIXTURES / file, tmp_path / file)
    source = tmp_path / "rich-article.md"
    context = RenderContext(find_layout(None), tmp_path)
    assert pdf._fit_layout(load(source), context).chosen.clean
    data, fitted = build_with_explain(source, tmp_path / "out")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 2
    assert " full (step " in fitted, fitted
    pictures, page_width, column = pictures_and_column(data)
    assert len(pictures) == 1, pictures
    ((picture_left, picture_right),) = pictures
    assert picture_right - picture_left == pytest.approx(column, rel=0.02)
    assert picture_right < page_width / 2 or picture_left > page_width / 2

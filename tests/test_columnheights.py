"""Columns balanced by halving and laid out once: WeasyPrint's pages, in fewer layouts."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from weasyprint.layout import block, column

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import columnheights, pdf

ROOT = Path(__file__).resolve().parent.parent
# Runs of columns above a table across both (WeasyPrint tries them a pixel higher each
# time), and an article of text alone (whose first page's columns it lays out twice).
ARTICLES = [
    ("docx-oxsdk-drinking-water.md", 0.8),
    ("docx-docx4j-output-conversion.md", 0.85),
    ("example-japan-rok-relations.md", 0.9),
]


@pytest.fixture
def counted_columns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the columns laid out (not the peeks at the next box, at no height)."""
    laid_out = [0]
    lay_out = block.block_box_layout

    def counting(context: Any, box: Any, bottom_space: float, *rest: Any, **named: Any) -> Any:
        if getattr(box, "is_column", False) and bottom_space != math.inf:
            laid_out[0] += 1
        return lay_out(context, box, bottom_space, *rest, **named)

    monkeypatch.setattr(block, "block_box_layout", counting)
    yield laid_out


def _pdf(name: str) -> bytes:
    """Return the article's PDF, laid out afresh."""
    source = ROOT / "benchmarks" / "articles" / name
    pdf._layouts.clear()
    return pdf.write_pdf(load(source), RenderContext(find_layout(None), source.parent))


@pytest.mark.parametrize(("name", "share"), ARTICLES)
def test_weasyprints_pages_in_fewer_column_layouts(
    name: str, share: float, counted_columns: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    columnheights.install()
    assert block.columns_layout is columnheights.columns_layout
    ours = _pdf(name)
    by_ours = counted_columns[0]
    counted_columns[0] = 0
    monkeypatch.setattr(block, "columns_layout", column.columns_layout)
    stepped = _pdf(name)
    by_steps = counted_columns[0]
    assert ours == stepped
    assert by_ours <= by_steps * share, (by_ours, by_steps)


def test_halving_steps_through_whole_pixels_to_the_least_that_fits() -> None:
    fits_from = 17.0
    search = columnheights._Halving(10.4, 60.2)
    tried = []
    while not search.found():
        height = search.next_height()
        tried.append(height)
        search.tried(fits=height >= fits_from)
    assert search.height() == (pytest.approx(17.4), False)
    assert len(tried) <= math.ceil(math.log2(60.2 - 10.4)) + 1
    assert all(round(h - 10.4, 6) == round(h - 10.4) for h in tried), "whole steps only"


def test_a_run_that_never_fits_goes_on_at_the_pages_height() -> None:
    search = columnheights._Halving(10.0, 30.5)
    while not search.found():
        search.next_height()
        search.tried(fits=False)
    assert search.height() == (30.5, True)

"""Tests of how the EPUB cover is made fast: the search for the title's size."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.writers.epub.cover import TITLE_LINES, TITLE_SIZES, layout
from tests.articles import rich_article

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture
def layouts_made(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the cover layouts WeasyPrint makes, by title size."""
    made: list[int] = []
    lay_out = layout.CoverRenderer.__call__

    def counted(self: layout.CoverRenderer, title_size: int, *args: object) -> layout.CoverLayout:
        made.append(title_size)
        return lay_out(self, title_size, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(layout.CoverRenderer, "__call__", counted)
    return made


def context_for(lang: str = "en", layout_folder: str | None = None) -> RenderContext:
    return RenderContext(find_layout(layout_folder).for_language(lang), REPOSITORY)


@pytest.mark.parametrize(
    ("title", "lang"),
    [
        (
            "Strengthening Japan-ROK Relations: The Prime Time to Rebuild Relations Through "
            "Young Parliamentary Diplomacy",
            "en",
        ),
        (
            "Mekong Water Diplomacy and the Politics of Rivers: Upstream Dams, Downstream "
            "Doubts and the Interoperability of Regional Institutions",
            "en",
        ),
        ("Semiconductor Supply Chains Between Washington, Tokyo and Seoul", "en"),
        ("日韓関係の強化：若手議員外交で関係を立て直す絶好の時", "ja"),
        ("한일 관계 강화: 젊은 의원 외교로 관계를 재건할 절호의 시기와 그 조건들", "ko"),
    ],
)
def test_the_title_is_as_large_as_fits_found_in_few_layouts(
    title: str, lang: str, layouts_made: list[int]
) -> None:
    article = dataclasses.replace(rich_article(), title=title, lang=lang)
    render = layout.CoverRenderer(article, context_for(lang))
    found = layout.lay_out(render, article)
    # The largest size, the size it predicts, and the size above that to confirm it.
    assert len(layouts_made) <= 3
    every = [render(size) for size in TITLE_SIZES]
    largest = next(laid for laid in every if laid.fits and len(laid.title_lines) <= TITLE_LINES)
    assert (found.title_size, found.title_lines) == (largest.title_size, largest.title_lines)

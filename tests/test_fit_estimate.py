"""The fitter's estimate of pages used, and the layout passes it saves."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from exporter import model
from exporter.context import RenderContext
from exporter.layouts import find_layout
from exporter.readers import load
from exporter.writers import copyfit, pdf
from exporter.writers.copyfit import read_bounds
from tests.articles import rich_article
from tests.varied import FIXTURES, LANGUAGES, varied_article

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "japan-rok-relations.md"
CJK = sorted((FIXTURES / "cjk").glob("*.md"))
BOUNDS = read_bounds(find_layout(None).path("fit.yaml"))


@pytest.fixture(scope="module")
def context() -> RenderContext:
    return RenderContext(find_layout(None), FIXTURES)


def test_the_estimate_grows_with_the_text_and_shrinks_with_the_type() -> None:
    predicted = [BOUNDS.predictor(varied_article(words, seed=3)) for words in (500, 900, 1300)]
    assert all(p is not None for p in predicted)
    at_ideal = [p(8) for p in predicted if p is not None]
    assert at_ideal == sorted(at_ideal) and at_ideal[-1] - at_ideal[0] > 0.5
    for p in predicted:
        assert p is not None
        pages = [p(step) for step in range(BOUNDS.steps + 1)]
        assert pages == sorted(pages, reverse=True), "tighter type takes fewer pages"


def test_every_kind_of_block_takes_room() -> None:
    article = rich_article()
    predictor = BOUNDS.predictor(article)
    assert predictor is not None
    for index in range(len(article.body)):
        fewer = dataclasses.replace(article, body=article.body[:index] + article.body[index + 1 :])
        smaller = BOUNDS.predictor(fewer)
        assert smaller is not None and smaller(8) < predictor(8), article.body[index]


def test_lines_broken_by_hand_each_take_a_line() -> None:
    """A paragraph of short lines (an address, a list of dates) is as long as its lines:
    twelve lines of 20 characters take more than twice the room of their text run on."""
    article = varied_article(500, seed=5)
    lines = [f"Item {index:02}: a short line" for index in range(12)]
    broken: list[model.Inline] = [model.Text(lines[0])]
    for line in lines[1:]:
        broken += [model.LineBreak(), model.Text(line)]
    run_on = model.Paragraph((model.Text(" ".join(lines)),))
    without = BOUNDS.predictor(article)
    assert without is not None
    added = []
    for paragraph in (model.Paragraph(tuple(broken)), run_on):
        predictor = BOUNDS.predictor(dataclasses.replace(article, body=(*article.body, paragraph)))
        assert predictor is not None
        added.append(predictor(BOUNDS.steps) - without(BOUNDS.steps))
    assert added[0] > 2 * added[1] > 0, added


def test_a_run_of_spaces_counts_as_the_one_space_the_page_sets() -> None:
    """Manuscripts space sentences twice and indent code with spaces; HTML sets one."""
    article = varied_article(500, seed=6)
    words = [f"word{index}" for index in range(200)]
    predicted = []
    for gap in (" ", "    "):
        paragraph = model.Paragraph((model.Text("  " + gap.join(words) + "  "),))
        predictor = BOUNDS.predictor(dataclasses.replace(article, body=(*article.body, paragraph)))
        assert predictor is not None
        predicted.append(predictor(BOUNDS.steps))
    assert predicted[0] == predicted[1], predicted


@pytest.mark.parametrize("path", [EXAMPLE, *CJK], ids=lambda p: p.stem)
def test_the_estimate_is_close_to_the_layout_of_the_fixtures(
    path: Path, context: RenderContext
) -> None:
    article = load(path)
    result = pdf.layout_bulletin(article, dataclasses.replace(context, source_dir=path.parent))
    predictor = BOUNDS.predictor(article)
    assert predictor is not None
    chosen = result.chosen
    if chosen.measure.fill > 0.3:
        assert abs(predictor(chosen.setting.step) - chosen.pages_used) < 0.08, result.explain()


def test_the_fixtures_and_varied_articles_take_few_layout_passes(context: RenderContext) -> None:
    """Counted, as the benchmark does: every layout of the bulletin, a short article's
    layout with its closing on page 2 included."""
    fixtures = [pdf.layout_bulletin(load(path), context).passes for path in (EXAMPLE, *CJK)]
    assert sum(fixtures) / len(fixtures) <= 1.5, fixtures
    for index in range(8):
        lang = LANGUAGES[index % len(LANGUAGES)]
        article = varied_article(600 + 110 * index, seed=500 + index, lang=lang)
        result = pdf._fitted(article, context)
        assert result.passes <= 4, result.explain()


def test_a_short_article_is_laid_out_once_with_its_closing_on_page_2(
    context: RenderContext,
) -> None:
    zh = load(FIXTURES / "cjk" / "japan-rok-relations-zh-Hans.md")
    result = pdf.layout_bulletin(zh, context)
    assert result.passes == 1 and result.extra_layouts == 0, result.explain()
    assert len(result.document.pages) == BOUNDS.pages
    assert result.report is not None and result.report.short > 0


def test_a_start_from_the_last_fit_lays_out_once(context: RenderContext) -> None:
    article = varied_article(1000, seed=77)
    first = pdf._fit_layout(article, context)
    again = pdf._fit_layout(article, context, start=first.setting.step)
    assert again.passes == 1 and again.setting == first.setting
    # A small edit after it: the start is still right.
    edited = dataclasses.replace(article, title=article.title + " Again")
    assert pdf._fit_layout(edited, context, start=first.setting.step).passes <= 2
    # The editor's proofs and downloads give it in the context.
    started = dataclasses.replace(context, fit_start=first.setting.step)
    result = pdf.layout_bulletin(article, started)
    assert result.passes == 1 and result.setting == first.setting


def test_after_a_first_pass_that_overflows_the_next_is_the_corrected_estimate() -> None:
    """An estimate 3% low: the first pass overflows, the next is one or two steps on."""
    laid_out: list[int] = []
    loosest = BOUNDS.setting(0).area()

    def layout(setting: copyfit.FitSetting) -> tuple[object, copyfit.Measure]:
        laid_out.append(setting.step)
        used = BOUNDS.fixed_pages + 1.3 * setting.area() / loosest
        pages = 3 if used > 2 else 2
        fill = 1.0 if pages > 2 else min(max((used - 1.12) / 0.88, 0), 1)
        measure = copyfit.Measure(pages, min(used - pages + 1, 1.0), fill, 0.88, 0, 2)
        return None, measure

    def low(step: int) -> float:
        return 0.97 * (BOUNDS.fixed_pages + 1.3 * BOUNDS.setting(step).area() / loosest)

    result = copyfit.fit(layout, BOUNDS, 1000, low)
    assert laid_out[0] == BOUNDS.first_step(low)
    assert len(laid_out) <= 3 and laid_out[1] - laid_out[0] <= 2, laid_out
    assert result.report is not None and result.report.fits

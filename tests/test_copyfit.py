"""The copyfitting search: on layouts of known capacity, then against every real setting."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.context import RenderContext
from exporter.errors import RefusedError
from exporter.layouts import find_layout
from exporter.writers import copyfit, pdf
from exporter.writers.copyfit import FitBounds, FitSetting, fit, read_bounds, text_length
from tests.articles import full_article

BOUNDS = read_bounds(find_layout(None).path("fit.yaml"))


def synthetic_layout(
    bounds: FitBounds, body_pages: float, noise: float = 0.0, seed: int = 0
) -> tuple[copyfit.Layout, list[int]]:
    """Return a layout whose pages follow the fitter's own model, give or take `noise`.

    `body_pages` is what the body fills at the largest setting; the noise is fixed per
    step, as line breaks are. The list records the steps laid out.
    """
    jitter = random.Random(seed)
    offsets = [jitter.uniform(-noise, noise) for _ in range(bounds.steps + 1)]
    largest = bounds.setting(0).area()
    laid_out: list[int] = []

    def layout(setting: FitSetting) -> tuple[Any, int, float]:
        laid_out.append(setting.step)
        used = bounds.fixed_pages + body_pages * setting.area() / largest
        used += offsets[setting.step]
        pages = max(1, math.ceil(used))
        return f"document at step {setting.step}", pages, used - (pages - 1)

    return layout, laid_out


def largest_fitting_step(layout: copyfit.Layout, bounds: FitBounds) -> int | None:
    """Return the smallest step (largest type) whose layout fits, trying every one."""
    for step in range(bounds.steps + 1):
        if layout(bounds.setting(step))[1] <= bounds.pages:
            return step
    return None


def characters_for(bounds: FitBounds, body_pages: float) -> int:
    """Return the text length the layout's estimate says fills `body_pages`."""
    assert bounds.pages_per_1000_characters
    return round(body_pages / bounds.pages_per_1000_characters * 1000)


@settings(max_examples=200, deadline=None)
@given(body_pages=st.floats(0.3, 1.55), estimate_error=st.floats(-0.15, 0.15))
def test_an_exact_layout_gets_the_largest_fitting_setting(
    body_pages: float, estimate_error: float
) -> None:
    layout, _ = synthetic_layout(BOUNDS, body_pages)
    expected = largest_fitting_step(layout, BOUNDS)
    layout, laid_out = synthetic_layout(BOUNDS, body_pages)
    characters = characters_for(BOUNDS, body_pages * (1 + estimate_error))
    if expected is None:
        with pytest.raises(RefusedError, match="words over"):
            fit(layout, BOUNDS, 2000, characters)
        return
    result = fit(layout, BOUNDS, 1000, characters)
    assert result.setting.step == expected, result.explain()
    assert result.document == f"document at step {expected}"
    assert len(laid_out) == len(set(laid_out)), "a setting was laid out twice"
    assert len(laid_out) <= 3, result.explain()


@settings(max_examples=200, deadline=None)
@given(
    body_pages=st.floats(0.3, 1.45),
    estimate_error=st.floats(-0.3, 0.3),
    seed=st.integers(0, 10_000),
)
def test_a_noisy_layout_still_fits_and_loses_at_most_one_step(
    body_pages: float, estimate_error: float, seed: int
) -> None:
    # Line breaks move pages by up to 0.03 around the model (measured: 0.04 typical).
    layout, _ = synthetic_layout(BOUNDS, body_pages, noise=0.03, seed=seed)
    expected = largest_fitting_step(layout, BOUNDS)
    assert expected is not None
    layout, laid_out = synthetic_layout(BOUNDS, body_pages, noise=0.03, seed=seed)
    characters = characters_for(BOUNDS, body_pages * (1 + estimate_error))
    result = fit(layout, BOUNDS, 1000, characters)
    assert result.document == f"document at step {result.setting.step}"
    assert len(laid_out) == len(set(laid_out)) <= 5, result.explain()
    assert layout(result.setting)[1] <= BOUNDS.pages, "the chosen setting must fit"
    assert expected <= result.setting.step <= expected + 1, result.explain()


def test_without_an_estimate_the_first_pass_is_the_largest_setting() -> None:
    bounds = dataclasses.replace(BOUNDS, pages_per_1000_characters=None)
    layout, laid_out = synthetic_layout(bounds, 1.1)
    result = fit(layout, bounds, 1000, characters=6000)
    assert laid_out[0] == 0
    assert result.setting.step == largest_fitting_step(synthetic_layout(bounds, 1.1)[0], bounds)


def test_an_article_over_the_smallest_setting_is_refused_in_one_pass() -> None:
    layout, laid_out = synthetic_layout(BOUNDS, 3.0)
    with pytest.raises(RefusedError, match=r"about [\d,]+ words over"):
        fit(layout, BOUNDS, 3000, characters_for(BOUNDS, 3.0))
    assert laid_out == [BOUNDS.steps]


def test_wide_characters_count_twice() -> None:
    assert text_length("Seoul") == 5
    assert text_length("日韓関係") == 8
    assert text_length("한국 Korea") == 2 * 2 + 1 + 5


def test_the_fitting_chooses_what_trying_every_setting_chooses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On real layouts, the predictions skip passes but never change the answer."""
    seen: list[tuple[copyfit.Layout, FitBounds, copyfit.FitResult]] = []

    def recording_fit(
        layout: copyfit.Layout, bounds: FitBounds, *args: Any, **kwargs: Any
    ) -> copyfit.FitResult:
        result = fit(layout, bounds, *args, **kwargs)
        seen.append((layout, bounds, result))
        return result

    monkeypatch.setattr(pdf, "fit", recording_fit)
    context = RenderContext(find_layout(None), tmp_path)
    for words, seed in ((850, 31), (1250, 32)):
        pdf.layout_bulletin(full_article(words, seed=seed), context)
    assert len(seen) == 2
    for layout, bounds, result in seen:
        assert len(result.attempts) <= 3, result.explain()
        assert result.setting.step == largest_fitting_step(layout, bounds), result.explain()

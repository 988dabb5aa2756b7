"""Copyfitting: find the largest type setting that keeps an article to its page count.

The first pass is at the setting the layout's estimate predicts from the body's length;
each pass then predicts the pages of every other setting from its own measurement, and
the fitter jumps to the largest setting predicted to fit, narrowing down between two
measurements by interpolation; it never walks step by step. A fitting pass whose step
above is predicted to overflow clearly is the answer without laying that step out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

import yaml

from exporter.errors import LayoutError, RefusedError
from exporter.yamlfile import read_yaml

MIN_BODY_SIZE = 9.5
# How the page area of the text grows with a setting: measured over generated articles
# of 400 to 1,500 words, pages used follow (body size squared times leading) to the
# power 1.2 better than to the power 1 (0.04 pages of error against 0.06).
AREA_EXPONENT = 1.2
# Predicted room (pages) a step must leave to be tried on a prediction alone.
JUMP_MARGIN = 0.02
# Predicted overflow (pages) beyond which the step above a fitting one is not tried.
# Measured on 62 generated articles of 850 to 1,450 words: a prediction from one pass
# was never more than 0.032 pages above the real overflow of the step above (on average
# 0.035 below it); at 0.04, 38 of the 62 skip that pass and none is set smaller than
# it could be.
SURE_MARGIN = 0.04
# Pages of the bulletin that do not grow with the body type (masthead, title, summary,
# closing block), when the layout does not say.
FIXED_PAGES = 0.7
# Estimated pages, as a multiple of the pages, beyond which an article is refused before
# any layout: the estimate errs by well under a tenth of a page, not by a factor of two.
FAR_OVER = 2.0


@dataclass(frozen=True, slots=True)
class FitBounds:
    """The range of settings a layout allows, from `fit.yaml`."""

    pages: int
    """The number of pages every article must fill exactly."""
    steps: int
    """The number of steps between the largest and the smallest setting."""
    body_size: tuple[float, float]
    """Body size in points, largest first."""
    leading: tuple[float, float]
    """Line height as a multiple of the body size, largest first."""
    paragraph_space: tuple[float, float]
    """Space between paragraphs in em, largest first."""
    fixed_pages: float = FIXED_PAGES
    """Pages taken by what does not grow with the body type."""
    pages_per_1000_characters: float | None = None
    """Pages 1,000 characters of body text take at the largest setting; None: unknown."""

    def first_step(self, characters: int) -> int:
        """Return the step the estimate predicts for a body of `characters`, or 0."""
        if not self.pages_per_1000_characters or characters <= 0:
            return 0
        used = self.fixed_pages + self.pages_per_1000_characters * characters / 1000
        largest = self.setting(0)
        for step in range(self.steps + 1):
            body = (used - self.fixed_pages) * self.setting(step).area() / largest.area()
            if self.fixed_pages + body - self.pages <= -JUMP_MARGIN:
                return step
        return self.steps

    def far_over(self, characters: int) -> float | None:
        """Return the pages the estimate predicts at the smallest setting, when far over.

        Far over is more than FAR_OVER times the pages: no layout pass could fit it, and
        laying out a body that long takes minutes.
        """
        if not self.pages_per_1000_characters or characters <= 0:
            return None
        body = self.pages_per_1000_characters * characters / 1000
        smallest = body * self.setting(self.steps).area() / self.setting(0).area()
        used = self.fixed_pages + smallest
        return used if used > FAR_OVER * self.pages else None

    def predict(self, measured: Attempt, step: int) -> float:
        """Return the overflow (pages; negative: room) predicted at `step` from one pass."""
        body = measured.pages_used - self.fixed_pages
        ratio = self.setting(step).area() / measured.setting.area()
        return self.fixed_pages + body * ratio - self.pages

    def setting(self, step: int) -> FitSetting:
        """Return the setting at `step` (0 is the largest)."""
        share = step / self.steps

        def between(pair: tuple[float, float]) -> float:
            return round(pair[0] + (pair[1] - pair[0]) * share, 3)

        return FitSetting(
            step, between(self.body_size), between(self.leading), between(self.paragraph_space)
        )


@dataclass(frozen=True, slots=True)
class FitSetting:
    """One type setting the fitter may try."""

    step: int
    """Its step between the largest (0) and the smallest setting."""
    body_size: float
    """Body size in points."""
    leading: float
    """Line height as a multiple of the body size."""
    paragraph_space: float
    """Space between paragraphs in em."""

    def area(self) -> float:
        """Return a number proportional to the page area the body takes at this setting."""
        return float(
            (self.body_size**2 * (self.leading + self.paragraph_space / 8)) ** AREA_EXPONENT
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one layout pass gave."""

    setting: FitSetting
    """The setting laid out."""
    pages: int
    """The number of pages it filled."""
    last_fill: float
    """How much of its last page it filled (0 to 1)."""
    allowed: int
    """The number of pages allowed."""

    @property
    def fits(self) -> bool:
        """Return True when the layout stays within the allowed pages."""
        return self.pages <= self.allowed

    @property
    def pages_used(self) -> float:
        """Return the pages filled, the last one counted by its fill."""
        return self.pages - 1 + self.last_fill

    @property
    def overflow(self) -> float:
        """Return the pages of content beyond the allowed ones."""
        return self.pages - self.allowed - 1 + self.last_fill


@dataclass(slots=True)
class FitResult:
    """The chosen setting, the laid-out document, and the passes that led to it."""

    setting: FitSetting
    """The setting chosen."""
    document: Any
    """The laid-out document at that setting."""
    attempts: list[Attempt] = field(default_factory=list)
    """Every layout pass, in order."""

    def explain(self) -> str:
        """Return one line saying what the fitting chose and how it got there."""
        trail = ", ".join(f"{a.setting.body_size:g} pt: {a.pages} p" for a in self.attempts)
        s = self.setting
        return (
            f"fitted at {s.body_size:g} pt body, leading {s.leading:g}, paragraph space "
            f"{s.paragraph_space:g} em (step {s.step}) in {len(self.attempts)} passes ({trail})"
        )


Layout = Callable[[FitSetting], tuple[Any, int, float]]
"""Lay out at a setting; return the document, its page count and its last page's fill."""


def read_bounds(path: Path) -> FitBounds:
    """Read and check a layout's `fit.yaml`."""
    try:
        data = read_yaml(path)
        bounds = FitBounds(
            pages=int(data["pages"]),
            steps=max(int(data["steps"]), 1),
            body_size=_pair(data["body_size"]),
            leading=_pair(data["leading"]),
            paragraph_space=_pair(data["paragraph_space"]),
            **_estimate(data.get("estimate")),
        )
    except FileNotFoundError:
        raise LayoutError("the layout has no fit.yaml", file=str(path.parent)) from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise LayoutError(f"invalid copyfitting bounds ({error})", file=str(path)) from None
    if min(bounds.body_size) < MIN_BODY_SIZE:
        raise LayoutError(f"body size below {MIN_BODY_SIZE} pt", file=str(path))
    return bounds


def _estimate(data: Any) -> dict[str, float]:
    """Return the optional estimate of `fit.yaml` as FitBounds fields."""
    if data is None:
        return {}
    return {
        "fixed_pages": float(data["fixed_pages"]),
        "pages_per_1000_characters": float(data["pages_per_1000_characters"]),
    }


def text_length(text: str) -> int:
    """Return the length of a text in Latin-width characters: a wide (CJK) one counts two."""
    return len(text) + sum(1 for char in text if east_asian_width(char) in "WF")


def _pair(value: Any) -> tuple[float, float]:
    first, second = value
    return float(first), float(second)


def fit(
    layout: Layout, bounds: FitBounds, words: int, characters: int = 0, unit: str = "words"
) -> FitResult:
    """Return the largest setting whose layout fills exactly `bounds.pages` pages.

    The first pass is at the setting the layout's estimate predicts for `characters`
    (the body's text length, see `text_length`); each pass then predicts the pages of
    the others from its own measurement. Raise RefusedError, saying by about how many
    words the article is over, when even the smallest setting overflows.
    """
    attempts: list[Attempt] = []
    documents: dict[int, Any] = {}

    def attempt(step: int) -> Attempt:
        setting = bounds.setting(step)
        document, pages, fill = layout(setting)
        documents[step] = document
        result = Attempt(setting, pages, fill, bounds.pages)
        attempts.append(result)
        return result

    if (far := bounds.far_over(characters)) is not None:
        raise RefusedError(_far_over_message(bounds, far, words, unit))
    step: int | None = bounds.first_step(characters)
    too_big: Attempt | None = None
    fitting: Attempt | None = None
    while step is not None:
        current = attempt(step)
        if current.fits:
            fitting = current
        elif step == bounds.steps:
            raise RefusedError(_over_message(current, words, unit))
        else:
            too_big = current
        step = _next_step(bounds, too_big, fitting)
    assert fitting is not None
    return FitResult(fitting.setting, documents[fitting.setting.step], attempts)


def _next_step(bounds: FitBounds, too_big: Attempt | None, fitting: Attempt | None) -> int | None:
    """Return the next step to lay out, or None when the fitting one is the answer.

    With one side measured, the measurement predicts the others (`FitBounds.predict`);
    with both, the two predict every step between them nearly linearly. The largest
    step predicted to fit is tried; when that is the fitting step itself and the step
    above it is predicted to overflow clearly, the fitting step is the answer.
    """
    if fitting is not None:
        step = fitting.setting.step
        if step == 0 or (too_big is not None and step - too_big.setting.step <= 1):
            return None
    if fitting is None:
        assert too_big is not None
        for step in range(too_big.setting.step + 1, bounds.steps + 1):
            if bounds.predict(too_big, step) <= -JUMP_MARGIN:
                return step
        return bounds.steps
    if too_big is None:
        for step in range(0, fitting.setting.step):
            if bounds.predict(fitting, step) <= -JUMP_MARGIN:
                return step
        above = fitting.setting.step - 1
        return None if bounds.predict(fitting, above) > SURE_MARGIN else above
    big_area, fit_area = too_big.setting.area(), fitting.setting.area()
    slope = (too_big.overflow - fitting.overflow) / max(big_area - fit_area, 1e-9)

    def predicted(step: int) -> float:
        return fitting.overflow + slope * (bounds.setting(step).area() - fit_area)

    for step in range(too_big.setting.step + 1, fitting.setting.step):
        if predicted(step) <= -0.01:
            return step
    above = fitting.setting.step - 1
    return None if predicted(above) > 0.03 else above


def _over_message(smallest: Attempt, words: int, unit: str = "words") -> str:
    # `words` counts in `unit`: words, or characters for Chinese, Japanese and Korean.
    body_pages = smallest.allowed - FIXED_PAGES
    capacity = words * body_pages / (body_pages + smallest.overflow)
    over = max(10, int(math.ceil((words - capacity) / 10) * 10))
    return (
        f"too long for two pages: about {over:,} {unit} over at the smallest type "
        f"({smallest.setting.body_size:g} pt); cut the text or split the article"
    )


def _far_over_message(bounds: FitBounds, used: float, words: int, unit: str) -> str:
    """Return the refusal of a body the estimate puts far over, in `_over_message` words."""
    body_pages = bounds.pages - bounds.fixed_pages
    capacity = words * body_pages / max(used - bounds.fixed_pages, 1e-9)
    over = max(10, int(math.ceil((words - capacity) / 10) * 10))
    smallest = bounds.setting(bounds.steps)
    return (
        f"too long for two pages: about {over:,} {unit} over at the smallest type "
        f"({smallest.body_size:g} pt); cut the text or split the article"
    )

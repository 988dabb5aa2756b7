"""Copyfitting: find the largest type setting that keeps an article to its page count.

The fitter measures how far a layout overflows and jumps to the setting whose type
area covers the overflow, then narrows down by bisection; it never walks step by step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exporter.errors import LayoutError, RefusedError

# The share of the two pages that the body fills (page 1 also holds the masthead, title
# and summary, page 2 the publisher block): turns overflow into a capacity ratio.
BODY_PAGES = 1.3
MIN_BODY_SIZE = 9.5


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
        """Return a number proportional to the page area one word takes at this setting."""
        return self.body_size**2 * (self.leading + self.paragraph_space / 8)


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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        bounds = FitBounds(
            pages=int(data["pages"]),
            steps=max(int(data["steps"]), 1),
            body_size=_pair(data["body_size"]),
            leading=_pair(data["leading"]),
            paragraph_space=_pair(data["paragraph_space"]),
        )
    except FileNotFoundError:
        raise LayoutError("the layout has no fit.yaml", file=str(path.parent)) from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as error:
        raise LayoutError(f"invalid copyfitting bounds ({error})", file=str(path)) from None
    if min(bounds.body_size) < MIN_BODY_SIZE:
        raise LayoutError(f"body size below {MIN_BODY_SIZE} pt", file=str(path))
    return bounds


def _pair(value: Any) -> tuple[float, float]:
    first, second = value
    return float(first), float(second)


def fit(layout: Layout, bounds: FitBounds, words: int) -> FitResult:
    """Return the largest setting whose layout fills exactly `bounds.pages` pages.

    Raise RefusedError, saying by about how many words the article is over, when even
    the smallest setting overflows.
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

    too_big = attempt(0)
    if too_big.fits:
        return FitResult(too_big.setting, documents[0], attempts)
    fitting: Attempt | None = None
    while True:
        if fitting is None:
            step: int | None = _jump(bounds, too_big)
        elif fitting.setting.step - too_big.setting.step <= 1:
            break
        else:
            step = _interpolate(bounds, too_big, fitting)
        if step is None:
            break
        current = attempt(step)
        if current.fits:
            fitting = current
        elif step == bounds.steps:
            raise RefusedError(_over_message(current, words))
        else:
            too_big = current
    assert fitting is not None
    return FitResult(fitting.setting, documents[fitting.setting.step], attempts)


def _jump(bounds: FitBounds, overflowing: Attempt) -> int:
    """Return the step whose type area shrinks by the measured overflow, plus a margin."""
    ratio = (BODY_PAGES + overflowing.overflow) / BODY_PAGES * 1.03
    target = overflowing.setting.area() / ratio
    for step in range(overflowing.setting.step + 1, bounds.steps + 1):
        if bounds.setting(step).area() <= target:
            return step
    return bounds.steps


def _interpolate(bounds: FitBounds, too_big: Attempt, fitting: Attempt) -> int | None:
    """Return the next step to try between two measured ones, or None when none is worth it.

    Overflow (negative: room left) changes nearly linearly with the type area, so the
    two measurements predict the overflow of every step between them. The largest step
    predicted to fit is tried; when that is the fitting step itself and the step above
    it is predicted to overflow clearly, the fitting step is the answer.
    """
    big_area, fit_area = too_big.setting.area(), fitting.setting.area()
    slope = (too_big.overflow - fitting.overflow) / max(big_area - fit_area, 1e-9)

    def predicted(step: int) -> float:
        return fitting.overflow + slope * (bounds.setting(step).area() - fit_area)

    between = range(too_big.setting.step + 1, fitting.setting.step)
    for step in between:
        if predicted(step) <= -0.01:
            return step
    above = fitting.setting.step - 1
    return None if predicted(above) > 0.03 else above


def _over_message(smallest: Attempt, words: int) -> str:
    capacity = words * BODY_PAGES / (BODY_PAGES + smallest.overflow)
    over = max(10, int(math.ceil((words - capacity) / 10) * 10))
    return (
        f"too long for two pages: about {over:,} words over at the smallest type "
        f"({smallest.setting.body_size:g} pt); cut the text or split the article"
    )

"""The scale of type settings a layout allows (`fit.yaml`), and what a layout pass measures.

A layout names a few settings (the loosest, its ideal, the tightest) with the number of
even steps between them; every value of a setting is interpolated along the scale.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from exporter import model
from exporter.errors import LayoutError
from exporter.walk import plain_text, text_length
from exporter.writers.fitestimate import Estimate, Language, Shape
from exporter.yamlfile import read_yaml

__all__ = ["Predicted", "text_length"]

MIN_BODY_SIZE = 9.5
# How the page area of the text grows with a setting: measured over generated articles
# of 400 to 1,500 words, pages used follow (body size squared times leading) to the
# power 1.2 better than to the power 1 (0.04 pages of error against 0.06).
AREA_EXPONENT = 1.2
# Room (pages) in the middle of the layouts that fill page 2 to its target: page 2's
# body from 90% of its type area to its foot is about 0.09 pages. The first pass is at
# the step the layout's estimate puts nearest it, as the estimate errs by about 0.04
# pages either way; over 111 laid-out articles (the benchmark's set and 80 others), that
# gave fewer passes than the loosest step predicted to leave any fixed room.
MIDDLE_ROOM = 0.045
# Pages of the bulletin that do not grow with the body type (masthead, title, summary,
# closing block), when the layout does not say.
FIXED_PAGES = 0.7
# Estimated pages, as a multiple of the pages, beyond which an article is refused before
# any layout: the estimate errs by well under a tenth of a page, not by a factor of two.
FAR_OVER = 2.0
# The values every setting must give: the area model of the fitter reads them.
REQUIRED_VALUES = ("body_size", "leading", "paragraph_space")

Predicted = Callable[[int], float]
"""The pages an article is predicted to take at each step of the scale."""


@dataclass(frozen=True, slots=True)
class FitSetting:
    """One type setting the fitter may try: named values the layout's CSS prints."""

    step: int
    """Its step on the scale, from the loosest (0) to the tightest."""
    values: tuple[tuple[str, float], ...]
    """Every value of the setting by name (body_size in pt, leading as a multiple of
    it, spaces in em), in the order `fit.yaml` gives them."""

    def __getitem__(self, name: str) -> float:
        """Return the value called `name` (templates read `fit.heading_space` so)."""
        for key, value in self.values:
            if key == name:
                return value
        raise KeyError(name)

    @property
    def body_size(self) -> float:
        """Body size in points."""
        return self["body_size"]

    @property
    def leading(self) -> float:
        """Line height as a multiple of the body size."""
        return self["leading"]

    @property
    def paragraph_space(self) -> float:
        """Space between paragraphs in em."""
        return self["paragraph_space"]

    def area(self) -> float:
        """Return a number proportional to the page area the body takes at this setting."""
        return float(
            (self.body_size**2 * (self.leading + self.paragraph_space / 8)) ** AREA_EXPONENT
        )

    def describe(self) -> str:
        """Return the body size, leading and paragraph space in words."""
        return (
            f"{self.body_size:g} pt body, leading {self.leading:g}, paragraph space "
            f"{self.paragraph_space:g} em"
        )


@dataclass(frozen=True, slots=True)
class FitBounds:
    """The scale of settings a layout allows and the fill it asks for, from `fit.yaml`."""

    pages: int
    """The number of pages every article must fill exactly."""
    anchors: tuple[tuple[int, tuple[tuple[str, float], ...]], ...]
    """The settings the layout names (loosest first, ideal, tightest), each at its step;
    the steps between interpolate evenly."""
    fill_target: float = 0.9
    """The share of the last page's type area the text must reach, where it can."""
    fill_enough: float = 0.96
    """The share at which a fitting setting is taken without trying a looser one."""
    short_column_lines: int = 3
    """The most lines by which a column before the last page may end short."""
    paragraph_indent: tuple[float, float] = (0.0, 0.0)
    """Below a paragraph space of the first value (em), a paragraph that follows another
    is indented by the second (em): at the tight end a space alone is too small to see.
    Each setting gives it as `paragraph_indent` (0 where the space suffices)."""
    fixed_pages: float = FIXED_PAGES
    """Pages taken by what does not grow with the body type: the share of a pass's pages
    that stays when the fitter predicts the other settings from it."""
    pages_per_1000_characters: float | None = None
    """The older estimate: pages 1,000 characters of body text take at the loosest
    setting; None: unknown."""
    estimate: Estimate | None = None
    """The estimate of pages used from the article's parts; None: the older one, if any."""
    names: tuple[str, ...] = ()
    """The names of the anchors (loosest, ideal, tightest), for messages."""

    @property
    def steps(self) -> int:
        """Return the step of the tightest setting (the loosest is step 0)."""
        return self.anchors[-1][0]

    def setting(self, step: int) -> FitSetting:
        """Return the setting at `step` (0 is the loosest)."""
        for (first, low), (last, high) in itertools.pairwise(self.anchors):
            if first <= step <= last:
                share = (step - first) / (last - first)
                values = tuple(
                    (name, round(a + (b - a) * share, 3))
                    for (name, a), (_, b) in zip(low, high, strict=True)
                )
                below, indent = self.paragraph_indent
                space = dict(values).get("paragraph_space", below)
                values += (("paragraph_indent", indent if space < below else 0.0),)
                return FitSetting(step, values)
        raise ValueError(f"step {step} is outside 0-{self.steps}")

    def predictor(
        self,
        article: model.Article,
        fonts: Path | None = None,
        column_characters: int = 0,
        shape: Shape | None = None,
    ) -> Predicted | None:
        """Return the estimate's pages of `article` at each step, or None without one.

        `fonts` is the layout's fonts folder, whose body face measures the text;
        `column_characters` and `shape` as for `Estimate.parts`.
        """
        if self.estimate is not None:
            estimate = self.estimate
            width = estimate.width(fonts)
            parts = estimate.parts(article, width, column_characters, shape)
            return lambda step: estimate.pages(parts, self.setting(step))
        if self.pages_per_1000_characters:
            characters = text_length(plain_text(article.body))
            return self.character_estimate(characters)
        return None

    def character_estimate(self, characters: int) -> Predicted | None:
        """Return the older estimate: pages in proportion to the body's characters."""
        if not self.pages_per_1000_characters or characters <= 0:
            return None
        body = self.pages_per_1000_characters * characters / 1000
        loosest = self.setting(0).area()
        return lambda step: self.fixed_pages + body * self.setting(step).area() / loosest

    def first_step(self, predicted: Predicted | None) -> int:
        """Return the step predicted to leave nearest MIDDLE_ROOM pages of room, or 0."""
        if predicted is None:
            return 0
        aim = self.pages - MIDDLE_ROOM
        return min(range(self.steps + 1), key=lambda step: (abs(predicted(step) - aim), step))

    def far_over(self, predicted: Predicted | None) -> float | None:
        """Return the pages predicted at the tightest setting, when far over.

        Far over is more than FAR_OVER times the pages: no layout pass could fit it, and
        laying out a body that long takes minutes.
        """
        if predicted is None:
            return None
        used = predicted(self.steps)
        return used if used > FAR_OVER * self.pages else None

    def predict(self, measured: Attempt, step: int) -> float:
        """Return the overflow (pages; negative: room) predicted at `step` from one pass."""
        body = measured.pages_used - self.fixed_pages
        ratio = self.setting(step).area() / measured.setting.area()
        return self.fixed_pages + body * ratio - self.pages


@dataclass(frozen=True, slots=True)
class Measure:
    """What a layout pass measured of its pages."""

    pages: int
    """The number of pages laid out."""
    last_fill: float
    """How much of the last page's content area is used, the footnote area included."""
    fill: float = 1.0
    """How far down the type area of the layout's last page (page 2; above the bio and
    the publisher block) the body reaches, 0 to 1; 1 when the text runs past it."""
    type_area: float = 0.8
    """That type area's height, as a share of the page's content area."""
    short_lines: int = 0
    """The most whole lines by which a column ends short on a page before the one the
    body ends on."""
    columns: int = 1
    """The number of columns the body is set in."""
    body_used: float = 0.0
    """The column length the body's text takes, all columns of all pages added, as a
    share of a page's content area."""
    body_free: float = 0.0
    """The column length the body leaves empty down to the foot of the type area of the
    last page allowed, in the same unit."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one layout pass gave."""

    setting: FitSetting
    """The setting laid out."""
    measure: Measure
    """What the pass measured."""
    allowed: int
    """The number of pages allowed."""
    short_column_lines: int = 3
    """The most lines a column before the last page may end short."""

    @property
    def pages(self) -> int:
        """Return the number of pages the layout filled."""
        return self.measure.pages

    @property
    def fits(self) -> bool:
        """Return True when the layout stays within the allowed pages."""
        return self.measure.pages <= self.allowed

    @property
    def clean(self) -> bool:
        """Return True when it fits and no column before the last page ends too short."""
        return self.fits and self.measure.short_lines <= self.short_column_lines

    @property
    def pages_used(self) -> float:
        """Return the pages filled, the last one counted by its fill."""
        return self.measure.pages - 1 + self.measure.last_fill

    @property
    def overflow(self) -> float:
        """Return the pages of content beyond the allowed ones (negative: room left)."""
        return self.pages_used - self.allowed


def read_bounds(path: Path) -> FitBounds:
    """Read and check a layout's `fit.yaml` (once per version of the file)."""
    try:
        changed = path.stat().st_mtime_ns
    except OSError:
        changed = 0
    return _read_bounds(path, changed)


def _paragraph_indent(data: Any) -> tuple[float, float]:
    """Return `paragraph_indent` of fit.yaml as (below, indent); none: (0, 0)."""
    if data is None:
        return (0.0, 0.0)
    below, indent = float(data["below"]), float(data["indent"])
    if below < 0 or not 0 <= indent <= 4:
        raise ValueError("paragraph_indent: 0 <= below and 0 <= indent <= 4 em are wanted")
    return (below, indent)


@functools.lru_cache(maxsize=16)
def _read_bounds(path: Path, changed: int) -> FitBounds:
    """Read and check a layout's `fit.yaml`; `changed` (its modification time) is a key."""
    del changed
    try:
        data = read_yaml(path)
        anchors, names = _anchors(data["settings"])
        fill = data.get("fill") or {}
        bounds = FitBounds(
            pages=int(data["pages"]),
            anchors=anchors,
            names=names,
            fill_target=float(fill.get("target", 0.9)),
            fill_enough=float(fill.get("enough", 0.96)),
            short_column_lines=int(data.get("short_column_lines", 3)),
            paragraph_indent=_paragraph_indent(data.get("paragraph_indent")),
            **_estimate(data.get("estimate")),
        )
    except FileNotFoundError:
        raise LayoutError("the layout has no fit.yaml", file=str(path.parent)) from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise LayoutError(f"invalid copyfitting bounds ({error})", file=str(path)) from None
    tightest = bounds.setting(bounds.steps)
    if tightest.body_size < MIN_BODY_SIZE:
        raise LayoutError(f"body size below {MIN_BODY_SIZE} pt", file=str(path))
    if not 0 < bounds.fill_target <= bounds.fill_enough <= 1:
        raise LayoutError("fill: 0 < target <= enough <= 1 is wanted", file=str(path))
    areas = [bounds.setting(step).area() for step in range(bounds.steps + 1)]
    if any(later >= earlier for earlier, later in itertools.pairwise(areas)):
        raise LayoutError("settings must run from the loosest to the tightest", file=str(path))
    return bounds


def _anchors(
    data: Any,
) -> tuple[tuple[tuple[int, tuple[tuple[str, float], ...]], ...], tuple[str, ...]]:
    """Return the named settings of `fit.yaml` at their steps, and their names."""
    if not isinstance(data, list) or len(data) < 2:
        raise ValueError("'settings' must list at least the loosest and the tightest")
    anchors = []
    names = []
    step = 0
    keys: list[str] | None = None
    for index, entry in enumerate(data):
        entry = dict(entry)
        names.append(str(entry.pop("name", f"setting {index + 1}")))
        steps = int(entry.pop("steps", 0))
        if index and steps < 1:
            raise ValueError(f"setting {names[-1]!r} needs steps: 1 or more")
        step += steps
        values = tuple((str(k), float(v)) for k, v in entry.items())
        if keys is None:
            keys = [k for k, _ in values]
            missing = [k for k in REQUIRED_VALUES if k not in keys]
            if missing:
                raise ValueError(f"setting {names[-1]!r} lacks {', '.join(missing)}")
        elif [k for k, _ in values] != keys:
            raise ValueError(f"setting {names[-1]!r} must give {', '.join(keys)}, in order")
        anchors.append((step, values))
    return tuple(anchors), tuple(names)


def _estimate(data: Any) -> dict[str, Any]:
    """Return the optional estimate of `fit.yaml` as FitBounds fields."""
    if data is None:
        return {}
    fields: dict[str, Any] = {"fixed_pages": float(data["fixed_pages"])}
    if "pages_per_1000_characters" in data:
        fields["pages_per_1000_characters"] = float(data["pages_per_1000_characters"])
    if "characters_per_line" in data:
        languages = {
            str(tag): Language(float(spec.get("width", 1.0)), float(spec.get("leading", 0.0)))
            for tag, spec in (data.get("languages") or {}).items()
        }
        fields["estimate"] = Estimate(
            characters_per_line=float(data["characters_per_line"]),
            column_pages=float(data["pages_per_column_point"]),
            page_pages=float(data["pages_per_page_point"]),
            base_pages=float(data["base_pages"]),
            languages=languages,
            face=str(data.get("face", "")),
        )
    return fields

"""The fitting's figures in words: how full page 2 is, how many words short or over."""

from __future__ import annotations

import math
from dataclasses import dataclass

from exporter.writers.fitscale import Attempt, FitBounds


@dataclass(frozen=True, slots=True)
class FitReport:
    """The fitting's figures, for the command line and the editor's app."""

    body_size: float
    """The body size chosen (or, when over, the tightest), in points."""
    fill: float
    """How far down page 2's type area (above the bio and publisher block) the text
    reaches, 0 to 1."""
    target: float
    """The fill the layout asks for."""
    short: int = 0
    """About how many words (or characters) the article lacks to reach the target
    at the loosest setting; 0 when it reaches it."""
    over: int = 0
    """About how many words (or characters) too long it is at the tightest setting;
    0 when it fits."""
    unit: str = "words"
    """The unit of `short` and `over`: words, or characters for CJK text."""
    passes: int = 0
    """The layout passes the fitting took."""

    @property
    def fits(self) -> bool:
        """Return True when the article fits its pages."""
        return self.over == 0

    def summary(self) -> str:
        """Return the fill in words: "fills 94% of page 2 at 11.75 pt"."""
        if self.over:
            return f"about {self.over:,} {self.unit} over two pages at {self.body_size:g} pt"
        text = f"fills {self.fill:.0%} of page 2 at {self.body_size:g} pt"
        return text + (f", about {self.short:,} {self.unit} short" if self.short else "")

    def short_message(self) -> str:
        """Return the warning of an article too short to fill its pages."""
        return (
            f"about {self.short:,} {self.unit} short of filling two pages: at the loosest "
            f"setting ({self.body_size:g} pt) the text fills {self.fill:.0%} of page 2 "
            f"(the layout asks for {self.target:.0%})"
        )


def report_of(
    bounds: FitBounds, chosen: Attempt, words: int, unit: str, passes: int, over: bool = False
) -> FitReport:
    """Return the figures of the chosen pass: fill, and words short or over."""
    measure = chosen.measure
    body = max(chosen.pages_used - bounds.fixed_pages, 1e-9)
    short = 0
    if over:
        capacity = words * (bounds.pages - bounds.fixed_pages) / body
        amount = max(10, int(math.ceil((words - capacity) / 10) * 10))
        return FitReport(
            chosen.setting.body_size, 1.0, bounds.fill_target, over=amount, unit=unit, passes=passes
        )
    if chosen.setting.step == 0 and measure.fill < bounds.fill_target:
        # What the body would have to take to reach the target, from what it takes now.
        slack = measure.columns * (1 - bounds.fill_target) * measure.type_area
        missing = max(measure.body_free - slack, 0.0)
        short = max(10, int(math.ceil(words * missing / max(measure.body_used, 1e-9) / 10) * 10))
    return FitReport(
        chosen.setting.body_size,
        measure.fill,
        bounds.fill_target,
        short=short,
        unit=unit,
        passes=passes,
    )


def over_message(report: FitReport) -> str:
    """Return the refusal of an article too long for its pages."""
    return (
        f"too long for two pages: about {report.over:,} {report.unit} over at the smallest "
        f"type ({report.body_size:g} pt); cut the text or split the article"
    )


def far_over_message(bounds: FitBounds, used: float, words: int, unit: str) -> str:
    """Return the refusal of a body the estimate puts far over, in `_over_message` words."""
    body_pages = bounds.pages - bounds.fixed_pages
    capacity = words * body_pages / max(used - bounds.fixed_pages, 1e-9)
    over = max(10, int(math.ceil((words - capacity) / 10) * 10))
    tightest = bounds.setting(bounds.steps)
    return over_message(
        FitReport(tightest.body_size, 1.0, bounds.fill_target, over=over, unit=unit)
    )

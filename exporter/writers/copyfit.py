"""Copyfitting: find a type setting whose layout fills the article's pages.

The layout declares a scale of settings in `fit.yaml`, from the loosest through its ideal
to the tightest. The first pass is at the setting the layout's estimate predicts from
the body's length; each pass then predicts the pages of every other setting from its
own measurement, and the fitter jumps to the setting predicted to land in the middle of
the fill wanted, narrowing down between two measurements by interpolation; it never
walks step by step. It stops at a setting that fits once page 2 is full enough (a
setting that reaches the layout's `fill.enough` is kept though a looser one might fit
too: each pass costs a whole layout), or once the setting above it overflows (measured,
or predicted clearly). A short article ends at the loosest setting and is reported
short, in words; a long one that overflows at the tightest is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exporter.errors import RefusedError
from exporter.writers.fitreport import FitReport, far_over_message, over_message, report_of
from exporter.writers.fitscale import (
    MIDDLE_ROOM,
    Attempt,
    FitBounds,
    FitSetting,
    Measure,
    Predicted,
    read_bounds,
    text_length,
)

__all__ = [
    "Attempt",
    "FitBounds",
    "FitReport",
    "FitResult",
    "FitSetting",
    "Layout",
    "Measure",
    "Predicted",
    "fit",
    "fit_or_overflow",
    "over_message",
    "read_bounds",
    "text_length",
]

# Pages beyond its pages an overflowing layout is taken to reach, at the least.
OVER_MARGIN = 0.01
# Predicted room (pages) a looser step must leave to be tried after a pass that fitted
# short of the fill target: the middle of the layouts that reach it, so that the step
# tried next most often lands among them rather than on their edge, where a line more
# overflows.
ROOM_MARGIN = MIDDLE_ROOM
# Predicted room (pages) the step tried after an overflowing pass must leave: less than
# ROOM_MARGIN, as the estimate corrected by an overflow errs on the side of room.
AFTER_OVER_MARGIN = 0.03
# Predicted overflow (pages) beyond which the step above a fitting one is not tried:
# a one-pass prediction was measured never more than 0.032 pages above the real
# overflow of the step above.
SURE_MARGIN = 0.04
# Passes that fit with a column short, none fitting without, after which the fitter
# stops: one step tighter most often pulls the block that left the gap back up; where
# it does not, the gap stays over many steps (a table that fits nowhere in the column).
SHORT_COLUMN_TRIES = 2


@dataclass(slots=True)
class FitResult:
    """The chosen setting, the laid-out document, and the passes that led to it."""

    setting: FitSetting
    """The setting chosen (the tightest when the article is over)."""
    document: Any
    """The laid-out document at that setting."""
    attempts: list[Attempt] = field(default_factory=list)
    """Every layout pass, in order."""
    report: FitReport | None = None
    """The fitting's figures."""
    extra_layouts: int = 0
    """Layouts besides the passes: a short article's again with its closing on page 2,
    or one laid out so at once whose body reached page 2."""
    placement: str = ""
    """How a figure was set otherwise than as written, in words (`figureplaces`): none
    when every figure is as the text puts it."""

    @property
    def passes(self) -> int:
        """Return how many times the bulletin was laid out."""
        return len(self.attempts) + self.extra_layouts

    @property
    def chosen(self) -> Attempt:
        """Return the pass of the chosen setting (its last, if laid out twice)."""
        return [a for a in self.attempts if a.setting == self.setting][-1]

    def explain(self) -> str:
        """Return one line saying what the fitting chose and how it got there.

        It starts "fitted at SETTING, page 2 N% full" and the passes follow " (step":
        the editor's app shows the part between.
        """
        trail = ", ".join(
            f"{a.setting.body_size:g} pt: {a.pages} p, {a.measure.fill:.0%}"
            + (f", a column {a.measure.short_lines} lines short" if not a.clean and a.fits else "")
            for a in self.attempts
        )
        fill = self.report.fill if self.report is not None else self.chosen.measure.fill
        placement = f", {self.placement}" if self.placement else ""
        return (
            f"fitted at {self.setting.describe()}, page 2 {fill:.0%} full{placement} "
            f"(step {self.setting.step}) in {self.passes} passes ({trail})"
        )


Layout = Callable[[FitSetting], tuple[Any, Measure]]
"""Lay out at a setting; return the document and what was measured of it."""


def fit(
    layout: Layout,
    bounds: FitBounds,
    words: int,
    predicted: Predicted | None = None,
    unit: str = "words",
    start: int | None = None,
) -> FitResult:
    """Return the loosest setting measured whose layout fills exactly `bounds.pages` pages.

    The first pass is at `start` when given (the setting an earlier version of the
    article was fitted at), else at the setting the layout's estimate (`predicted`,
    see `FitBounds.predictor`) says leaves a little room; each pass then predicts the
    pages of the others from its own measurement, until one fills the last page enough
    (`FitBounds.fill_enough`). A setting whose columns before the last page
    end too short counts as just too big, unless no other setting fits or reaches the
    fill target. Raise
    RefusedError, saying by about how many words the article is over, when even the
    tightest setting overflows.
    """
    result = fit_or_overflow(layout, bounds, words, predicted, unit, start)
    if result.report is not None and not result.report.fits:
        raise RefusedError(over_message(result.report))
    return result


def fit_or_overflow(
    layout: Layout,
    bounds: FitBounds,
    words: int,
    predicted: Predicted | None = None,
    unit: str = "words",
    start: int | None = None,
) -> FitResult:
    """Return what `fit` returns, or for an article too long, its tightest layout.

    The report of an article too long says by how much (`FitReport.over`); the result's
    document is then the overflowing layout at the tightest setting. An article the
    estimate puts far over is refused (RefusedError) without a layout.
    """
    attempts: list[Attempt] = []
    documents: dict[int, Any] = {}

    def attempt(step: int) -> Attempt:
        setting = bounds.setting(step)
        document, measure = layout(setting)
        documents[step] = document
        result = Attempt(setting, measure, bounds.pages, bounds.short_column_lines)
        attempts.append(result)
        return result

    if (far := bounds.far_over(predicted)) is not None:
        raise RefusedError(far_over_message(bounds, far, words, unit))
    first = bounds.first_step(predicted) if start is None else start
    step: int | None = min(max(first, 0), bounds.steps)
    while step is not None:
        current = attempt(step)
        if not current.clean and step == bounds.steps:
            break
        step = _next_step(bounds, attempts, predicted)
    fits = [a for a in attempts if a.fits]
    fitting = _loosest_clean(attempts)
    if not fits:
        tightest = attempts[-1]
        report = report_of(bounds, tightest, words, unit, len(attempts), over=True)
        return FitResult(tightest.setting, documents[tightest.setting.step], attempts, report)
    if fitting is None or fitting.measure.fill < bounds.fill_target:
        # A column ending short is the lesser fault than a page 2 short of its target:
        # the loosest setting that fits at all and reaches it, else the clean one.
        full = [a for a in fits if a.measure.fill >= bounds.fill_target]
        loosest = min(full or fits, key=lambda a: a.setting.step)
        if fitting is None or full:
            fitting = loosest
    report = report_of(bounds, fitting, words, unit, len(attempts))
    return FitResult(fitting.setting, documents[fitting.setting.step], attempts, report)


def _next_step(
    bounds: FitBounds, attempts: list[Attempt], predicted: Predicted | None = None
) -> int | None:
    """Return the next step to lay out, or None when the loosest clean one is the answer.

    The loosest clean pass predicts the others (`FitBounds.predict`), and the loosest
    step predicted to leave ROOM_MARGIN, between it and the tightest step measured too
    big looser than it, is tried; once such a prediction failed, never looser than
    halfway between the two, so that predictions that fail still narrow the search. It
    is the answer when it fills its last page enough, when the step above it was
    measured too big, or when that step is predicted to overflow clearly. Before any
    pass fits cleanly: after an overflow, the estimate `predicted` corrected by it (after
    two, or the further of that and what the tightest overflow's pages predict: an
    overflowing layout's last page holds what overflowed, so it errs on the side of
    room); after a pass that fits with a column short, the step below, until
    SHORT_COLUMN_TRIES such passes.
    """
    fitting = _loosest_clean(attempts)
    faults = [
        a
        for a in attempts
        if not a.clean and (fitting is None or a.setting.step < fitting.setting.step)
    ]
    too_big = max(faults, key=lambda a: a.setting.step) if faults else None
    if fitting is None:
        assert too_big is not None
        if attempts[-1].fits:  # a column short, and no pass without
            short = sum(a.fits for a in attempts)
            if short >= SHORT_COLUMN_TRIES or too_big.setting.step == bounds.steps:
                return None
            return too_big.setting.step + 1
        overs = [a for a in attempts if not a.fits]
        over = max(overs, key=lambda a: a.setting.step)
        after = range(over.setting.step + 1, bounds.steps + 1)
        measured = next(
            (s for s in after if bounds.predict(over, s) <= -AFTER_OVER_MARGIN), bounds.steps
        )
        if predicted is None:
            return measured
        corrected = _past_overflow(bounds, over, predicted)
        # After two overflows the estimate is far out: the pages measured move further.
        return corrected if len(overs) == 1 else max(corrected, measured)
    step = fitting.setting.step
    if step == 0 or fitting.measure.fill >= bounds.fill_enough:
        return None
    low = too_big.setting.step + 1 if too_big is not None else 0
    if step - low < 1:
        return None
    found = next((s for s in range(low, step) if bounds.predict(fitting, s) <= -ROOM_MARGIN), None)
    if found is None:
        found = step - 1
        if bounds.predict(fitting, found) > SURE_MARGIN:
            return None
    if too_big is not None and attempts.index(too_big) > attempts.index(fitting):
        # This pass's prediction already failed once: halve the search at least.
        found = max(found, (too_big.setting.step + step) // 2)
    return found


def _loosest_clean(attempts: list[Attempt]) -> Attempt | None:
    """Return the loosest pass that fits with no column short, or None."""
    clean = [a for a in attempts if a.clean]
    return min(clean, key=lambda a: a.setting.step) if clean else None


def _past_overflow(bounds: FitBounds, too_big: Attempt, predicted: Predicted) -> int:
    """Return the step to try after a layout that overflowed, none having fitted yet.

    An overflowing layout's pages say little of the others (its last page holds what
    the allowed pages could not). It overflowed where the estimate put it within its
    pages, so the estimate is low there by at least as much: corrected so, the estimate
    gives the loosest step that leaves room.
    """
    start = too_big.setting.step
    low = max(bounds.pages + OVER_MARGIN - predicted(start), 0.0)
    for step in range(start + 1, bounds.steps + 1):
        if predicted(step) + low - bounds.pages <= -AFTER_OVER_MARGIN:
            return step
    return bounds.steps

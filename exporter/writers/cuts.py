"""Where to cut an article too long for its pages, and the room one that fits leaves.

Counted in lines of body text, the unit an editor cuts by. At the tightest setting the
lines over are measured on its layout; at a looser one they are predicted from it: the
body's column length grows with the body size squared times the line spacing (within
about 3% of layouts measured at the ideal setting and between).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exporter.writers.copyfit import FitBounds, FitResult, FitSetting
from exporter.writers.fitscale import AREA_EXPONENT
from exporter.writers.pagefill import (
    BlockPlace,
    blocks_from,
    body_length,
    lines_left,
    overflow_length,
)

IDEAL = "ideal"
"""The name `fit.yaml` gives the setting the design is drawn for."""


@dataclass(frozen=True, slots=True)
class LinesOver:
    """How many lines of body text an article must lose to fit at one setting."""

    setting: str
    """The setting's name in `fit.yaml` (tightest, ideal)."""
    body_size: float
    """Its body size, in points."""
    lines: int
    """About how many lines over the article is at that setting."""
    measured: bool
    """True when measured on a layout at that setting; False when predicted."""


@dataclass(frozen=True, slots=True)
class Beyond:
    """A block of the body (or the notes) that falls, whole or in part, past the last page."""

    block: int
    """Its index among the body's blocks; the body's length for the notes."""
    whole: bool
    """True when none of it is on the allowed pages."""
    places: tuple[BlockPlace, ...]
    """Where its parts stand past the last allowed page."""


@dataclass(frozen=True, slots=True)
class Cuts:
    """Where an article too long runs past its pages, and by how many lines."""

    beyond: tuple[Beyond, ...]
    """The blocks past the last allowed page, in order."""
    lines_over: tuple[LinesOver, ...]
    """The lines over at the tightest setting, then at the ideal one when the layout
    names one."""


def cuts_of(result: FitResult, bounds: FitBounds) -> Cuts:
    """Return where the overflowing layout of `result` (at the tightest setting) runs over."""
    document = result.document
    allowed = bounds.pages
    inside = {place.block for place in blocks_from(document, 1) if place.page <= allowed}
    past: dict[int, list[BlockPlace]] = {}
    for place in blocks_from(document, allowed + 1):
        past.setdefault(place.block, []).append(place)
    beyond = tuple(
        Beyond(block, block not in inside, tuple(places)) for block, places in past.items()
    )
    tightest = result.setting
    over = overflow_length(document, allowed)
    name = _name(bounds, tightest.step)
    lines_over = [LinesOver(name, tightest.body_size, _lines(over, tightest), True)]
    ideal = _ideal(bounds)
    if ideal is not None and ideal.step != tightest.step:
        # The column length that fits stays; the body's grows with the setting.
        body = body_length(document)
        grown = body * _column_area(ideal) / _column_area(tightest)
        lines_over.append(
            LinesOver(IDEAL, ideal.body_size, _lines(grown - (body - over), ideal), False)
        )
    return Cuts(beyond, tuple(lines_over))


def room_of(result: FitResult, bounds: FitBounds) -> int:
    """Return the whole lines of body text the last page of a fitting layout could still take."""
    setting = result.setting
    return lines_left(result.document, bounds.pages, _pitch(setting))


def setting_name(bounds: FitBounds, step: int) -> str:
    """Return the name `fit.yaml` gives the setting at `step`, or "" between named ones."""
    return _name(bounds, step)


def _name(bounds: FitBounds, step: int) -> str:
    for (anchor, _), name in zip(bounds.anchors, bounds.names, strict=False):
        if anchor == step:
            return name
    return ""


def _ideal(bounds: FitBounds) -> FitSetting | None:
    for (step, _), name in zip(bounds.anchors, bounds.names, strict=False):
        if name == IDEAL:
            return bounds.setting(step)
    return None


def _column_area(setting: FitSetting) -> float:
    """Return a number proportional to the column length a body takes at `setting`.

    The fitter's `area` is raised to a power fitted for whole pages, with what does not
    grow with the type; the body alone follows the plain product.
    """
    return float(setting.area() ** (1 / AREA_EXPONENT))


def _pitch(setting: FitSetting) -> float:
    """Return the height of a line of body text, in points."""
    return setting.body_size * setting.leading


def _lines(length: float, setting: FitSetting) -> int:
    """Return the column length `length` (pt) in whole lines of `setting`, rounded up."""
    return max(math.ceil(length / _pitch(setting) - 0.05), 0)

"""The cover's palette: the series' colours and the anti-aliased edges between them.

A cover is flat: each colour of the series printed on white paper or on the band, and
at the edges of letters and bands the blends of the two that anti-aliasing draws. So
the palette is fixed per series, made once per worker: white, the series' colours, and
steps along each ink's ramp to each paper, as many as the ink is far from the paper, so
that the steps are even across ramps. Mapping a picture to a palette it is given is
several times faster than finding one for it (median cut), and the same colour gets
the same index on every cover, which lets covers share rows (`png`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

PALETTE_COLOURS = 64
"""A flat design in a few colours and their anti-aliased edges: 64 lose nothing visible,
and the PNG is a third of an RGB one's size and half a JPEG's (quality 80)."""
WHITE = (255, 255, 255)
PAPERS = ("band",)
"""The series colours that text is printed on besides the white page."""

Colour = tuple[int, int, int]


def palette_image(colours: dict[str, str]) -> Any:
    """Return a Pillow palette image for `quantize(palette=...)`: the palette of the colours."""
    return _palette_image(tuple(sorted(colours.items())))


@functools.lru_cache(maxsize=8)
def _palette_image(colours: tuple[tuple[str, str], ...]) -> Any:
    from PIL import Image

    named = {name: rgb for name, value in colours if (rgb := _rgb(value)) is not None}
    papers = [WHITE, *(named[name] for name in PAPERS if name in named)]
    image = Image.new("P", (1, 1))
    image.putpalette([value for colour in ramps(papers, list(named.values())) for value in colour])
    return image


def _rgb(value: str) -> Colour | None:
    """Return a CSS colour's red, green and blue; None for one Pillow does not read (its
    pixels then take their nearest colours of the palette)."""
    from PIL import ImageColor

    try:
        red, green, blue = ImageColor.getrgb(value)[:3]
    except ValueError:
        return None
    return (red, green, blue)


def ramps(papers: Sequence[Colour], inks: Sequence[Colour]) -> list[Colour]:
    """Return the papers, the inks and even steps between each ink and each paper."""
    ends = list(dict.fromkeys([*papers, *inks]))
    # A ramp runs both ways: one between two papers (white and the band) is made once.
    pairs = list(
        dict.fromkeys(
            (min(paper, ink), max(paper, ink)) for paper in papers for ink in ends if ink != paper
        )
    )
    steps = _shares(PALETTE_COLOURS - len(ends), [math.dist(*pair) for pair in pairs])
    colours = list(ends)
    for (start, end), count in zip(pairs, steps, strict=True):
        colours += [_blend(start, end, step / (count + 1)) for step in range(1, count + 1)]
    return list(dict.fromkeys(colours))[:PALETTE_COLOURS]


def _shares(total: int, weights: Sequence[float]) -> list[int]:
    """Return `total` split in proportion to the weights, the largest remainders rounded up."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    exact = [total * weight / whole for weight in weights]
    shares = [math.floor(value) for value in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: shares[i] - exact[i])
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _blend(start: Colour, end: Colour, share: float) -> Colour:
    red, green, blue = (round(s + (e - s) * share) for s, e in zip(start, end, strict=True))
    return (red, green, blue)

"""WCAG contrast of colours, and the nearest colour of a hue that is readable on a ground."""

from __future__ import annotations

import colorsys
import re

HEX_COLOUR = re.compile(r"#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")
RGB_COLOUR = re.compile(r"rgb\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*\)")
MARGIN = 0.05
"""How far above the minimum contrast a derived colour lands, so that rounding never fails it."""


def parse(colour: str) -> tuple[int, int, int] | None:
    """Return a CSS colour (#rgb, #rrggbb, rgb()) as 0-255 channels; None for other forms."""
    colour = colour.strip()
    if match := HEX_COLOUR.fullmatch(colour):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(2 * d for d in digits)
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    if match := RGB_COLOUR.fullmatch(colour):
        channels = tuple(min(int(v), 255) for v in match.groups())
        return channels[0], channels[1], channels[2]
    return None


def luminance(rgb: tuple[int, int, int]) -> float:
    """Return the WCAG 2 relative luminance of a colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """Return the WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str, grounds: tuple[str, ...], minimum: float = 4.5) -> str:
    """Return `colour`, or the colour of its hue and saturation nearest in lightness to it
    that has at least `minimum` contrast on every one of `grounds` (all light or all dark).

    A colour CSS names otherwise (a keyword) is returned as it is.
    """
    rgb = parse(colour)
    backgrounds = [parse(ground) for ground in grounds]
    if rgb is None or None in backgrounds:
        return colour
    known = [b for b in backgrounds if b is not None]

    def passes(candidate: tuple[int, int, int]) -> bool:
        return all(contrast(candidate, ground) >= minimum + MARGIN for ground in known)

    if passes(rgb):
        return colour
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    towards_white = max(luminance(b) for b in known) < 0.5
    low, high = (lightness, 1.0) if towards_white else (0.0, lightness)
    # Bisect the lightness: the nearest to the colour's own that passes.
    for _ in range(24):
        middle = (low + high) / 2
        candidate = _rgb(hue, middle, saturation)
        if passes(candidate) == towards_white:
            high = middle
        else:
            low = middle
    found = _rgb(hue, high if towards_white else low, saturation)
    return "#{:02x}{:02x}{:02x}".format(*found)


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


LIGHT_GROUNDS = ("#ffffff",)
"""The page of a reading system in its day mode."""
DARK_GROUNDS = ("#121212", "#000000")
"""The pages of night modes: the dark grey of Material and Chromium's dark scheme, and black."""
TEXT_CONTRAST = 4.5
"""WCAG 2 AA for text of any size."""
NIGHT_CONTRAST = 7.0
"""WCAG 2 AAA: on black, colours a notch lighter than AA read more calmly beside white text."""


def text_colours(colours: dict[str, str]) -> dict[str, str]:
    """Return the series colours as text on a white page: each darkened where it must be."""
    return {name: readable(value, LIGHT_GROUNDS, TEXT_CONTRAST) for name, value in colours.items()}


def night_colours(colours: dict[str, str]) -> dict[str, str]:
    """Return the series colours as text on a night mode's page, lightened to NIGHT_CONTRAST."""
    return {name: readable(value, DARK_GROUNDS, NIGHT_CONTRAST) for name, value in colours.items()}

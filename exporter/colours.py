"""WCAG contrast of colours, and the nearest colour of a hue that holds on every theme's page."""

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


def _rgb(hue: float, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
    return round(r * 255), round(g * 255), round(b * 255)


def holding(colour: str, grounds: tuple[str, ...], minimum: float) -> str:
    """Return `colour`, or the colour of its hue and saturation nearest in lightness to it
    that has at least `minimum` contrast on every one of `grounds`, light and dark alike.

    Contrast on a light and a dark ground at once bounds the luminance from both sides;
    where no luminance is left between the bounds, the exception names the colour.
    """
    rgb = parse(colour)
    known = [parse(ground) for ground in grounds]
    if rgb is None:
        raise ValueError(f"{colour!r} is not a #rgb, #rrggbb or rgb() colour")
    luminances = [luminance(g) for g in known if g is not None]
    target = minimum + MARGIN
    darks = [g for g in luminances if g < 0.5]
    lights = [g for g in luminances if g >= 0.5]
    lowest = max((target * (g + 0.05) - 0.05 for g in darks), default=0.0)
    highest = min(((g + 0.05) / target - 0.05 for g in lights), default=1.0)
    if lowest > highest:
        raise ValueError(f"no colour has {minimum}:1 on all of {', '.join(grounds)}")
    wanted = min(max(luminance(rgb), lowest), highest)
    if wanted == luminance(rgb):
        return colour
    hue, _, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb))
    low, high = 0.0, 1.0
    # Bisect the lightness (luminance grows with it) to the bound nearest the colour's own.
    for _ in range(24):
        middle = (low + high) / 2
        if luminance(_rgb(hue, middle, saturation)) < wanted:
            low = middle
        else:
            high = middle
    found = _rgb(hue, high if wanted == lowest else low, saturation)
    return "#{:02x}{:02x}{:02x}".format(*found)


THEME_GROUNDS = ("#ffffff", "#faf4e8", "#121212", "#000000")
"""The pages of reading systems' themes: day, sepia (Readium's), and the two nights."""
TEXT_CONTRAST = 4.5
"""WCAG 2 AA for text of any size."""
RULE_CONTRAST = 3.0
"""WCAG 2 AA for graphics that carry meaning (a table's rules, a link's underline)."""


def rule_colours(colours: dict[str, str]) -> dict[str, str]:
    """Return the series colours as rules seen in every theme: 3:1 on all THEME_GROUNDS.

    No text colour reads at 4.5:1 on both white and #121212, so text keeps the reading
    system's colour; a rule needs 3:1, which one colour of each hue has on all of them.
    A colour CSS names otherwise (a keyword) is kept as it is.
    """
    return {
        name: holding(value, THEME_GROUNDS, RULE_CONTRAST) if parse(value) else value
        for name, value in colours.items()
    }

"""The colours a stylesheet declares, and those that read too faintly on a page's colour.

Parsed with tinycss2, every rule at any depth (inside `@media`, `@supports` and the like
too: a reading system may apply them all, as calibre does), contrast computed here by
WCAG 2, not by the code under test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import tinycss2
import tinycss2.color3

TEXT_PROPERTIES = frozenset(
    {"color", "-webkit-text-fill-color", "-webkit-text-stroke-color", "text-emphasis-color"}
)
"""Properties that colour text itself."""
LEFT_TO_THE_READER = frozenset(
    {"inherit", "currentcolor", "initial", "unset", "revert", "transparent"}
)
"""Values that leave a colour to the reading system or to the text's own colour."""
THEME_PAGES = {"white": "#ffffff", "sepia": "#faf4e8", "night grey": "#121212", "black": "#000000"}
"""The pages of reading systems' themes: day, Readium's sepia, and two nights."""


@dataclass(frozen=True)
class Declared:
    """One colour-bearing declaration of a stylesheet."""

    selectors: tuple[str, ...]
    """The rule's selectors, whitespace collapsed."""
    name: str
    """The property, lower case."""
    value: str
    """The value as written."""


def declarations(css: str) -> Iterator[Declared]:
    """Yield every declaration of a stylesheet, in nested at-rules too."""

    def walk(rules: list[object]) -> Iterator[Declared]:
        for rule in rules:
            content = getattr(rule, "content", None)
            if rule.type == "at-rule" and content is not None:  # type: ignore[attr-defined]
                inner = tinycss2.parse_blocks_contents(content, True, True)
                yield from walk(inner)
                yield from own(("@" + rule.lower_at_keyword,), inner)  # type: ignore[attr-defined]
            elif rule.type == "qualified-rule":  # type: ignore[attr-defined]
                prelude = tinycss2.serialize(rule.prelude)  # type: ignore[attr-defined]
                selectors = tuple(" ".join(part.split()) for part in prelude.split(","))
                yield from own(selectors, tinycss2.parse_blocks_contents(content, True, True))

    def own(selectors: tuple[str, ...], items: list[object]) -> Iterator[Declared]:
        for item in items:
            if item.type == "declaration":  # type: ignore[attr-defined]
                value = tinycss2.serialize(item.value).strip()  # type: ignore[attr-defined]
                yield Declared(selectors, item.lower_name, value)  # type: ignore[attr-defined]

    yield from walk(tinycss2.parse_stylesheet(css, True, True))


def channels(value: str) -> tuple[float, float, float] | None:
    """Return a CSS colour as 0-1 channels, None for a keyword left to the reader; a colour
    of another form raises, so that no declared colour escapes the check."""
    value = value.replace("!important", "").strip()
    if value.lower() in LEFT_TO_THE_READER:
        return None
    parsed = tinycss2.color3.parse_color(value)
    if parsed is None or isinstance(parsed, str):
        raise AssertionError(f"{value!r} is not a colour this check can read")
    assert parsed.alpha == 1, f"{value!r} is translucent: its contrast depends on the page"
    return parsed.red, parsed.green, parsed.blue


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """Return the WCAG 2 contrast ratio of two colours."""

    def luminance(colour: tuple[float, float, float]) -> float:
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def faint(declared: Declared, pages: dict[str, str], minimum: float) -> list[str]:
    """Return, for a colour declaration, each page it reads on under `minimum`:1."""
    colour = channels(declared.value)
    if colour is None:
        return []
    found = []
    for page_name, page in pages.items():
        ground = channels(page)
        assert ground is not None
        ratio = contrast(colour, ground)
        if ratio < minimum:
            rule = f"{', '.join(declared.selectors)} {{{declared.name}: {declared.value}}}"
            found.append(f"{rule} on {page_name}: {ratio:.2f}:1")
    return found


def faint_text(css: str, pages: dict[str, str], minimum: float = 4.5) -> list[str]:
    """Return every text colour of a stylesheet that reads under `minimum`:1 on a page."""
    return [
        problem
        for declared in declarations(css)
        if declared.name in TEXT_PROPERTIES
        for problem in faint(declared, pages, minimum)
    ]

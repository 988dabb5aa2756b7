"""Lines of a publication page that are page furniture, not article text."""

from __future__ import annotations

import re

# Drupal-style system message headings, and the screen-reader link before the menu.
SYSTEM_MESSAGE = re.compile(
    r"^(?:(?:error|status|warning) messages?|skip to (?:main )?content)$", re.IGNORECASE
)
# The alt text of a banner or logo image, kept by scrapers as a line of its own.
LOGO_CAPTION = re.compile(r"^(?P<name>.{0,80}?)\s*\b(?:banner\s+)?logo$", re.IGNORECASE)
# The series link under the summary: "for additional titles in the" + "Asia Pacific Bulletin".
SERIES_LINK = re.compile(
    r"^(?:for )?(?:additional|more|other) (?:titles|issues|publications) in (?:the|this)\b\s*"
    r"(?P<series>.*)$",
    re.IGNORECASE,
)
# Labels of the publication's catalogue fields, each followed by its value on the next line.
FIELD_LABELS = frozenset(
    {"format", "pages", "binding", "price", "publisher", "series", "language", "isbn", "issn"}
)


def is_noise(text: str) -> bool:
    """Tell whether a whole line or paragraph is page furniture: a message, logo or series link."""
    text = " ".join(text.split())
    return bool(SYSTEM_MESSAGE.match(text) or LOGO_CAPTION.match(text) or SERIES_LINK.match(text))


def series_name(text: str) -> str:
    """Return the series named by a logo caption or series link line, or ''."""
    text = " ".join(text.split())
    match = LOGO_CAPTION.match(text) or SERIES_LINK.match(text)
    if match is None:
        return ""
    return str(match.group("name") if "name" in match.groupdict() else match.group("series"))


def undoubled(line: str) -> str:
    """Return X if `line` is "X X" (a heading a scraper saved twice on one line), else ''."""
    text = " ".join(line.split())
    half, odd = divmod(len(text), 2)
    if odd and text[half] == " " and text[:half] == text[half + 1 :]:
        return text[:half]
    return ""

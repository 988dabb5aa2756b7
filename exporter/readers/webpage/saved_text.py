"""Read a publication page as a web scraper saved its text: one line per paragraph.

The rules are written by hand because no library parses a scraper's text dump: the
markup that told title, summary, subheads and lists apart is gone, and what is left
(a title saved twice on one line, catalogue fields as label and value lines, the whole
body repeated) is particular to such dumps. Each rule is small and has its own test.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from exporter import model
from exporter.readers.webpage.assemble import article_from_page
from exporter.readers.webpage.noise import (
    FIELD_LABELS,
    SERIES_LINK,
    is_noise,
    series_name,
    undoubled,
)

log = logging.getLogger("exporter")

LIST_ITEM = re.compile(r"^\s*(?:(?P<number>\d{1,3})[.)]|(?P<bullet>[*•◦▪‣·–-]))\s+(?P<text>\S.*)$")
# A line that ends like a sentence, and a quote or bracket that may close it.
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
SUBHEAD_MAX_WORDS = 12
# A line this long is running text even if the scraper dropped its final full stop.
PARAGRAPH_MIN_WORDS = 20


@dataclass(frozen=True, slots=True)
class _Line:
    """A line of the page that carries article text, with what the rules learnt of it."""

    text: str
    """The line without its marker and surrounding spaces."""
    number: int | None = None
    """The number of a numbered list item."""
    bullet: bool = False
    """True for a bulleted list item."""


def read_saved_page(text: str) -> model.Article:
    """Return the article in a saved page's text; warn of the front-matter keys to fill."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = _without_series_links(lines)
    start = _first_running_text(lines)
    header, rest = lines[:start], lines[start:]
    title = _title(header)
    summary = ""
    if rest and _followed_by_series_link(text, rest[0]):
        summary, rest = _clean(rest[0]), rest[1:]
    return article_from_page(title, _blocks(_text_lines(rest)), summary=summary)


def _without_series_links(lines: list[str]) -> list[str]:
    """Blank the series link lines; a link text cut after "in the" takes the next line too.

    Blanked rather than removed, so that the line that precedes a link stays findable.
    """
    kept = list(lines)
    for index, line in enumerate(lines):
        match = SERIES_LINK.match(line.strip())
        if match is None:
            continue
        kept[index] = ""
        if not match["series"]:
            following = _next_filled(lines, index + 1)
            if following is not None and _is_short_label(lines[following]):
                kept[following] = ""
    return kept


def _followed_by_series_link(text: str, line: str) -> bool:
    """Tell whether `line` stands right above a series link in the page: the teaser does."""
    lines = [raw.strip() for raw in text.split("\n")]
    for index, raw in enumerate(lines):
        if raw == line.strip():
            following = _next_filled(lines, index + 1)
            if following is not None and SERIES_LINK.match(lines[following]):
                return True
    return False


def _next_filled(lines: list[str], start: int) -> int | None:
    return next((i for i in range(start, len(lines)) if lines[i].strip()), None)


def _first_running_text(lines: list[str]) -> int:
    """Return the index of the first line of running text: the header ends there."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if is_noise(stripped) or undoubled(stripped):
            continue
        if LIST_ITEM.match(line) or _is_running_text(stripped):
            return index
    return len(lines)


def _is_running_text(line: str) -> bool:
    words = len(line.split())
    return words >= PARAGRAPH_MIN_WORDS or (words >= 6 and bool(SENTENCE_END.search(line)))


def _is_short_label(line: str) -> bool:
    stripped = line.strip()
    return 0 < len(stripped.split()) <= SUBHEAD_MAX_WORDS and not SENTENCE_END.search(stripped)


def _title(header: list[str]) -> str:
    """Return the title: the last heading saved twice that is not the series name.

    Without such a line, the last short line of the header that is not furniture.
    """
    series = {series_name(line.strip()) for line in header} - {""}
    doubled = [undoubled(line) for line in header if undoubled(line)]
    titles = [line for line in doubled if line not in series]
    if titles:
        return titles[-1]
    candidates = [
        line.strip()
        for index, line in enumerate(_without_fields(header))
        if _is_short_label(line) and not is_noise(line.strip()) and line.strip() not in series
    ]
    return candidates[-1] if candidates else ""


def _without_fields(header: list[str]) -> list[str]:
    """Return the header without catalogue fields: a label line and the value line after it."""
    kept: list[str] = []
    skip_value = False
    for line in header:
        stripped = line.strip()
        if not stripped:
            continue
        if skip_value:
            skip_value = False
            log.debug("dropped catalogue field value %r", stripped)
            continue
        if stripped.casefold() in FIELD_LABELS:
            # The model has no field for these ("Pages / 2" included): they are dropped.
            skip_value = True
            continue
        kept.append(line)
    return kept


def _text_lines(lines: list[str]) -> list[_Line | None]:
    """Return the body's lines of text, None where a blank or furniture line stood."""
    result: list[_Line | None] = []
    for line in lines:
        stripped = line.strip()
        if not stripped or is_noise(stripped):
            result.append(None)
            continue
        match = LIST_ITEM.match(line)
        if match is None:
            result.append(_Line(_clean(stripped)))
        elif match["number"]:
            result.append(_Line(_clean(match["text"]), number=int(match["number"])))
        else:
            result.append(_Line(_clean(match["text"]), bullet=True))
    return result


def _clean(text: str) -> str:
    return " ".join(text.split())


def _blocks(lines: list[_Line | None]) -> list[model.Block]:
    """Group the lines into paragraphs, subheads and lists (blank lines inside a list allowed)."""
    blocks: list[model.Block] = []
    filled = [line for line in lines if line is not None]
    index = 0
    while index < len(filled):
        line = filled[index]
        if line.number is not None or line.bullet:
            ordered = line.number is not None
            items: list[model.ListItem] = []
            while index < len(filled) and _same_list(filled[index], ordered):
                paragraph = model.Paragraph((model.Text(filled[index].text),))
                items.append(model.ListItem((paragraph,)))
                index += 1
            blocks.append(model.ListBlock(ordered, tuple(items), line.number or 1))
            continue
        is_last = index == len(filled) - 1
        if not is_last and _is_subhead(line.text):
            blocks.append(model.Heading(2, (model.Text(line.text),)))
        else:
            blocks.append(model.Paragraph((model.Text(line.text),)))
        index += 1
    return blocks


def _same_list(line: _Line, ordered: bool) -> bool:
    return (line.number is not None) if ordered else line.bullet


def _is_subhead(text: str) -> bool:
    """Tell whether a line is a subhead: short, capitalised, no closing punctuation.

    A question mark is allowed ("What Comes Next?"); a full stop, comma or colon is not.
    """
    words = text.split()
    return (
        0 < len(words) <= SUBHEAD_MAX_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and not re.search(r"[.,;:!…][\"'”’)\]]*$", text)
    )

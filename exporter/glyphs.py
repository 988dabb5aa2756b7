"""Find the characters of an article that no available font can show.

The layout's own fonts are read with HarfBuzz; for the rest, the fonts the system
offers as fallback are listed once per process with their character sets by
fontconfig's `fc-list` (the same fonts WeasyPrint's Pango falls back to).
"""

from __future__ import annotations

import bisect
import functools
import shutil
import unicodedata
from array import array
from collections.abc import Iterable
from pathlib import Path

from exporter import fontcache, model
from exporter.layouts import Series, issue_line
from exporter.walk import plain_text

# Characters that draw nothing, so no font needs them: spaces, controls, joiners, marks
# of direction, variation selectors.
INVISIBLE_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf", "Mn")


def article_text(article: model.Article) -> str:
    """Return every text of the article a renderer prints."""
    parts = [article.title, article.subtitle, article.kicker, article.summary]
    for author in article.authors:
        parts += [author.name, author.bio, author.affiliation]
    parts.append(plain_text(article.body))
    parts.append(plain_text(note for note in article.notes))
    return "\n".join(parts)


def edition_text(article: model.Article, series: Series) -> str:
    """Return every text an edition prints: the article's and the series' (in its language)."""
    line = issue_line(series, article.number, article.date, article.lang)
    texts = [series.name, series.short_name, series.publisher, series.mission, series.statement]
    texts += [*series.editors, series.disclaimer, series.web, series.notes_heading]
    texts += [series.summary_label, series.page_label, series.kicker(article.kicker), line]
    return "\n".join([article_text(article), *texts])


def shipped_coverage(font_files: Iterable[Path]) -> set[int]:
    """Return the code points the given font files show."""
    covered: set[int] = set()
    for path in font_files:
        covered |= font_coverage(path)
    return covered


def missing_characters(text: str, font_files: Iterable[Path]) -> list[str]:
    """Return, sorted, the visible characters of `text` that no font can show."""
    wanted = {ch for ch in text if unicodedata.category(ch) not in INVISIBLE_CATEGORIES}
    shipped: set[int] = set()
    for path in font_files:
        shipped |= font_coverage(path)
    rest = [ch for ch in wanted if ord(ch) not in shipped]
    if not rest:
        return []
    starts, ends = _system_coverage()
    return sorted(ch for ch in rest if not _covered(starts, ends, ord(ch)))


def describe(characters: list[str], limit: int = 12) -> str:
    """Return characters as `윤 (U+C724), 석 (U+C11D)`, the first `limit` of them."""
    shown = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in characters[:limit])
    more = len(characters) - limit
    return shown + (f" and {more} more" if more > 0 else "")


@functools.cache
def font_coverage(path: Path) -> frozenset[int]:
    """Return the code points a font file shows (its best Unicode cmap subtable)."""

    def read() -> bytes:
        from exporter.fontfaces import open_face

        # HarfBuzz reads the best Unicode cmap subtable, as fontTools' getBestCmap does,
        # in C: a fortieth of fontTools' time, which parses the subtables in Python.
        return array("I", sorted(open_face(path).unicodes)).tobytes()

    return frozenset(
        array("I", fontcache.kept("fonts-cmap", path, (), (__name__, "exporter.fontfaces"), read))
    )


@functools.cache
def _system_coverage() -> tuple[list[int], list[int]]:
    """Return the merged code point ranges of every system font, as start and end lists."""
    import subprocess  # on use: most articles need no font but the layout's

    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return [], []
    listing = subprocess.run(
        [fc_list, "--format", "%{charset}\n"], capture_output=True, text=True, check=False
    ).stdout
    ranges: list[tuple[int, int]] = []
    for line in listing.splitlines():
        for item in line.split():
            low, _, high = item.partition("-")
            try:
                ranges.append((int(low, 16), int(high or low, 16)))
            except ValueError:
                continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for first, last in ranges:
        if ends and first <= ends[-1] + 1:
            ends[-1] = max(ends[-1], last)
        else:
            starts.append(first)
            ends.append(last)
    return starts, ends


def _covered(starts: list[int], ends: list[int], code: int) -> bool:
    index = bisect.bisect_right(starts, code) - 1
    return index >= 0 and code <= ends[index]

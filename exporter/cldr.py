"""A language's list and long date patterns from CLDR, through Babel, kept in the cache folder.

Babel gives them by loading its whole locale (English and its root: 360 KB of pickled
data, which bring babel.dates in): about 20 ms of every cold build that prints a date
or a byline of two. What a build uses of it is small: the list patterns, the long date
pattern and the names it takes (months, eras). They are taken from Babel once per
language, Babel and toolkit, and kept in the cache folder (`exporter.cache`); a date
and a list are then made from them by Babel's own rules (`format_date`, `format_list`)
for the fields long date patterns use (y, M, L, d, G). A pattern with any other field
is left to Babel.
"""

from __future__ import annotations

import datetime
import functools
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from exporter import cache

Width = Literal["abbreviated", "wide", "narrow"]
NAME_WIDTHS: dict[int, Width] = {3: "abbreviated", 4: "wide", 5: "narrow"}
"""Babel's widths of a month or era name, by the length of its pattern field."""


@dataclass(frozen=True, slots=True)
class Patterns:
    """What a build takes from CLDR for one language."""

    lists: dict[str, str]
    """The standard list patterns: "2" (two items), "start", "middle" and "end"."""
    date: str
    """The long date pattern as Babel applies it: a %-format of its fields ("%(MMMM)s %(d)s,
    %(y)s"); empty when it has a field this module does not make (Babel makes the date)."""
    names: dict[str, list[str]]
    """The names the date's named fields take, by field ("MMMM": the 12 months)."""


def join_list(items: list[str], lang: str) -> str:
    """Return items joined as the language lists them ("A, B, and C"; "A et B"; "A、B")."""
    # Babel's format_list, step for step.
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    lists = patterns(lang).lists
    if len(items) == 2 and "2" in lists:
        return lists["2"].format(*items)
    result = lists["start"].format(items[0], items[1])
    for item in items[2:-1]:
        result = lists["middle"].format(result, item)
    return lists["end"].format(result, items[-1])


def long_date(date: datetime.date, lang: str) -> str:
    """Return `date` written out in the language ("October 12, 2022")."""
    found = patterns(lang)
    if not found.date:
        from babel.dates import format_date

        return str(format_date(date, format="long", locale=cldr_locale(lang)))
    return found.date % _DateFields(date, found.names)


class _DateFields:
    """The value of each field of a date pattern, as Babel's DateTimeFormat gives it."""

    def __init__(self, date: datetime.date, names: dict[str, list[str]]) -> None:
        self.date = date
        self.names = names

    def __getitem__(self, field: str) -> str:
        char, length = field[0], len(field)
        if char == "G":
            return self.names[field][int(self.date.year >= 0)]
        if char in "ML" and length >= 3:
            return self.names[field][self.date.month - 1]
        value = {"y": self.date.year, "d": self.date.day}.get(char, self.date.month)
        text = "%0*d" % (length, value)  # noqa: UP031 - Babel's own formatting
        return text[-2:] if char == "y" and length == 2 else text


@functools.cache
def patterns(lang: str) -> Patterns:
    """Return the language's patterns: from the cache folder, else from Babel (and kept)."""
    slot = "cldr-" + cache.digest(lang).hex()[:24]
    inputs = _inputs(lang)
    kept = cache.load(slot, inputs) if inputs is not None else None
    if kept is not None:
        try:
            data = json.loads(kept)
            return Patterns(dict(data["lists"]), str(data["date"]), dict(data["names"]))
        except (ValueError, KeyError, TypeError):
            pass
    found = _from_babel(lang)
    if inputs is not None:
        data = {"lists": found.lists, "date": found.date, "names": found.names}
        cache.store(slot, inputs, json.dumps(data, ensure_ascii=False).encode())
    return found


def _inputs(lang: str) -> bytes | None:
    """Return the digest of what a language's patterns are made from, None if unknown."""
    spec = importlib.util.find_spec("babel")
    if spec is None or spec.origin is None:
        return None
    try:
        # Babel's data changes only with Babel, whose files then change.
        babel = Path(spec.origin).stat()
        code = Path(__file__).read_bytes()
    except OSError:
        return None
    return cache.digest(code, spec.origin, str(babel.st_size), str(babel.st_mtime_ns), lang)


def _from_babel(lang: str) -> Patterns:
    """Return the language's patterns, read from Babel's locale data."""
    from babel.dates import get_date_format, get_era_names, get_month_names, tokenize_pattern

    locale = cldr_locale(lang)
    # The standard style: CLDR's root defines it, so every locale has it (format_list).
    lists = {str(k): str(v) for k, v in locale.list_patterns["standard"].items()}
    pattern = get_date_format("long", locale=locale)
    names: dict[str, list[str]] = {}
    for kind, value in tokenize_pattern(pattern.pattern):
        if kind != "field" or not isinstance(value, tuple):
            continue
        char, length = str(value[0]), int(value[1])
        field = char * length
        if char == "G" and length <= 5:
            eras = get_era_names(NAME_WIDTHS[max(3, length)], locale=locale)
            names[field] = [str(eras[0]), str(eras[1])]
        elif char in "ML" and 3 <= length <= 5:
            context: Literal["format", "stand-alone"] = "format" if char == "M" else "stand-alone"
            months = get_month_names(NAME_WIDTHS[length], context, locale=locale)
            names[field] = [str(months[month]) for month in range(1, 13)]
        elif not (char in "yd" or (char in "ML" and length <= 2)):
            return Patterns(lists, "", {})
    return Patterns(lists, str(pattern.format), names)


@functools.cache
def cldr_locale(lang: str) -> Any:
    """Return Babel's locale for a language tag; English where CLDR does not know it."""
    from babel.core import Locale, UnknownLocaleError

    for tag in (lang, lang.split("-")[0].lower(), "en"):
        try:
            return Locale.parse(tag.replace("-", "_"))
        except (ValueError, UnknownLocaleError):
            continue
    raise AssertionError("CLDR knows English")

"""Dates and lists from the cached CLDR patterns are Babel's own, in every locale it knows."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel import localedata
from babel.dates import format_date
from babel.lists import format_list

from exporter import cache, cldr

DATES = (
    datetime.date(2022, 10, 12),
    datetime.date(1999, 1, 1),
    datetime.date(2024, 2, 29),
    datetime.date(2031, 5, 9),
    datetime.date(7, 12, 31),
)
TAGS = (
    *(name.replace("_", "-") for name in localedata.locale_identifiers()),
    # Tags CLDR resolves (or does not know): the language, then English, stand in.
    *("zh-TW", "zh-HK", "sr-Latn", "pt-BR", "ja-JP", "qaa", "x-private", "en-GB"),
)


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(cache.CACHE_VARIABLE, str(tmp_path))
    cldr.patterns.cache_clear()
    yield tmp_path
    cldr.patterns.cache_clear()


def test_every_locale_dates_and_lists_as_babel_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_VARIABLE, "")  # straight from Babel, nothing kept
    cldr.patterns.cache_clear()
    left_to_babel = []
    for tag in TAGS:
        locale = cldr.cldr_locale(tag)
        if not cldr.patterns(tag).date:
            left_to_babel.append(tag)
        for date in DATES:
            assert cldr.long_date(date, tag) == format_date(date, "long", locale=locale), tag
        for count in range(1, 5):
            names = [f"Name {n}" for n in range(count)]
            assert cldr.join_list(names, tag) == format_list(names, locale=locale), tag
    assert cldr.join_list([], "fr") == ""
    assert not left_to_babel  # every long date pattern of CLDR has fields made here
    cldr.patterns.cache_clear()


@pytest.mark.parametrize("tag", ["en", "fr", "ja", "ko", "zh-Hant", "th", "vi"])
def test_patterns_kept_in_the_cache_folder_read_back_the_same(tag: str, cache_folder: Path) -> None:
    made = cldr.patterns(tag)
    assert [entry.name[:5] for entry in cache_folder.iterdir()] == ["cldr-"]
    cldr.patterns.cache_clear()
    assert cldr.patterns(tag) == made
    assert cldr.long_date(DATES[0], tag) == format_date(
        DATES[0], "long", locale=cldr.cldr_locale(tag)
    )


def test_a_pattern_with_a_field_not_made_here_is_left_to_babel(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from babel.dates import DateTimePattern

    weekday = DateTimePattern("EEEE d MMMM y", "%(EEEE)s %(d)s %(MMMM)s %(y)s")
    monkeypatch.setattr("babel.dates.get_date_format", lambda *_args, **_kw: weekday)
    assert cldr.patterns("en").date == ""
    assert cldr.long_date(DATES[0], "en") == "Wednesday 12 October 2022"  # Babel's own

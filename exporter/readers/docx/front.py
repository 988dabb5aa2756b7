"""The article's metadata from a DOCX: issue line, byline and bios, properties, language."""

from __future__ import annotations

import datetime
import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from exporter import model
from exporter.docx_styles import METADATA_PROPERTY, SOURCE_PROPERTY, SOURCE_VERSION_PROPERTY
from exporter.editions import is_file_name, is_version
from exporter.layouts import join_list, long_date
from exporter.readers.docx.package import NS, Package, w
from exporter.validate import LANGUAGE_TAG
from exporter.walk import cjk_character

log = logging.getLogger("exporter")

ISSUE_LINE_SEPARATORS = re.compile(r"\s*[|｜]\s*")
BYLINE_PUNCTUATION = "[,;、，；]"
"""Marks that separate names in any language's byline."""
SPACED_WORD = re.compile(r"\s+(\w+)\s+")
"""A joining word set off by spaces in a list pattern (" et ", ", dan ", " 및 ")."""
EAST_ASIAN_LANGUAGES = ("ja", "ko", "zh")
SCRIPT_NAMES = {"ja": "Japanese", "ko": "Korean", "zh": "Chinese"}
KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af]")
KANA_SHARE = 0.05
"""Japanese prose is a third kana or more; a Chinese text quoting a Japanese name, far less."""
DEFAULT_LANGUAGE = "w:docDefaults/w:rPrDefault/w:rPr/w:lang"
YEAR = re.compile(r"(?<!\d)(1[89]\d\d|2\d\d\d)(?!\d)")
NUMBER = re.compile(r"(?<!\d)(\d{1,6})(?!\d)")


def parse_issue_line(text: str, lang: str) -> tuple[int | None, datetime.date | None]:
    """Return the number and date of an issue line ("Number 600 | October 12, 2022").

    The date may be written in the article's language or in English; it is found by
    writing every day of the year it names the way the writer would, and comparing.
    """
    number: int | None = None
    date: datetime.date | None = None
    for segment in ISSUE_LINE_SEPARATORS.split(text.strip()):
        found_date = _parse_long_date(segment, lang) if date is None else None
        if found_date is not None:
            date = found_date
            continue
        match = NUMBER.search(segment)
        if number is None and match and not YEAR.fullmatch(match.group(1)):
            number = int(match.group(1))
    return number, date


def _parse_long_date(text: str, lang: str) -> datetime.date | None:
    years = YEAR.findall(text)
    if len(years) != 1:
        return None
    wanted = " ".join(text.split()).casefold()
    year = int(years[0])
    day = datetime.date(year, 1, 1)
    languages = dict.fromkeys((lang, lang.split("-")[0], "en"))
    while day.year == year:
        for language in languages:
            if " ".join(long_date(day, language).split()).casefold() == wanted:
                return day
        day += datetime.timedelta(days=1)
    return None


def byline_names(byline: str, creator: str, languages: list[str]) -> list[str]:
    """Return the author names of a manuscript's byline, as the author property lists
    them if it can, else split by the joining words of `languages` in turn (the
    edition's, then the document's): the first that finds more than one name.

    Where the byline is the property's names ("; "-separated), in order, between
    separators only, they are taken whole, so that a name with a joining word in it
    ("José Ortega y Gasset") stays one.
    """
    languages = list(dict.fromkeys(languages or ["en"]))
    listed = [name.strip() for name in creator.split(";") if name.strip()]
    if listed and any(_only_separators(byline, listed, lang) for lang in languages):
        return listed
    splits = [split_byline(byline, lang) for lang in languages]
    return next((names for names in splits if len(names) > 1), splits[0])


def known_byline(byline: str, known: list[str], languages: list[str]) -> list[str]:
    """Return the author names of a byline, matched against the names the document
    records (`known`, the article's authors as the writer kept them).

    Names are usually kept in a translation: where every known name is in the byline,
    in order, with at most one word or mark between two (any language's "and": "et",
    "y", "und", "、"), they are the authors. A transliterated byline ("フトリ・ヒデシ")
    is split by the joining words of `languages` (the edition's, the document's) and,
    where it has as many names, taken name for name. A byline that names more or fewer
    authors than the record says is taken as written, with a warning naming both.
    """
    if not known:
        return split_byline(byline, languages[0] if languages else "en")
    if _names_kept(byline, known):
        return list(known)
    # The split that finds the most names: each language's joining words are none of
    # another's names, and names not kept are matched by position.
    splits = [split_byline(byline, lang) for lang in dict.fromkeys(languages or ["en"])]
    names = [name.strip() for name in max(splits, key=len)]
    if len(names) == len(known):
        return names
    log.warning(
        "the byline names %s, the document was written for %s: took the byline's",
        "; ".join(names),
        "; ".join(known),
    )
    return names


def _names_kept(byline: str, names: list[str]) -> bool:
    """Return True if the byline is the names, in order, with a joiner at most between."""
    return _names_in_order(byline, names, _joiner, left_after=" .")


def _joiner(text: str) -> bool:
    """Return True for what may join two names: marks, and at most one word between them."""
    words = re.sub(BYLINE_PUNCTUATION, " ", text).split()
    return len(words) <= 1 and (bool(words) or bool(text))


def _only_separators(byline: str, names: list[str], lang: str) -> bool:
    """Return True if the byline is the names, in order, with only separators between."""
    separators = re.compile(f"(?:{_byline_separators(lang).pattern})+")
    return _names_in_order(byline, names, lambda between: bool(separators.fullmatch(between)))


def _names_in_order(
    byline: str, names: list[str], joins: Callable[[str], bool], left_after: str | None = None
) -> bool:
    """Return True if the byline is the names, in order, each pair joined as `joins` allows.

    Nothing stands before the first name; after the last, only the characters of
    `left_after` (white space if None).
    """
    position = 0
    for index, name in enumerate(names):
        found = byline.find(name, position)
        if found < 0:
            return False
        between = byline[position:found]
        if between.strip() if index == 0 else not joins(between):
            return False
        position = found + len(name)
    return not byline[position:].strip(left_after)


def split_byline(byline: str, lang: str = "en") -> list[str]:
    """Return the author names of a byline ("A, B and C", "甲、乙", "A et B" in French)."""
    return [name for name in _byline_separators(lang).split(byline) if name.strip()]


@functools.cache
def _byline_separators(lang: str) -> re.Pattern[str]:
    """Return what separates names: punctuation, "and", and the words with which the
    language's list pattern (CLDR) joins names, as the DOCX writer's byline does."""
    words = {"and"}
    for count in (2, 3):
        joined = join_list([f"\x00{index}\x00" for index in range(count)], lang)
        for joiner in re.split("\x00\\d\x00", joined):
            # Only words set off by spaces: an unspaced joiner (Chinese 和) may be in a name.
            words.update(SPACED_WORD.findall(joiner.replace(",", " ")))
    alternatives = "|".join(sorted(map(re.escape, words)))
    return re.compile(rf"\s*(?:{BYLINE_PUNCTUATION}|\b(?:{alternatives})\b)\s*")


def authors_with_bios(
    names: list[str], bios: list[str], affiliations: list[str]
) -> tuple[model.Author, ...]:
    """Return the authors, each bio given to the author it names, else to the next in order."""
    assigned: dict[int, str] = {}
    unplaced: list[str] = []
    for bio in bios:
        index = next((i for i, name in enumerate(names) if i not in assigned and name in bio), None)
        if index is None:
            unplaced.append(bio)
        else:
            assigned[index] = bio
    for bio in unplaced:
        index = next((i for i in range(len(names)) if i not in assigned), None)
        if index is None:
            log.warning("a bio names no author of the byline and was left out: %.60s", bio)
            continue
        assigned[index] = bio
    padded = [*affiliations, *[""] * len(names)]
    return tuple(
        model.Author(name, bio=assigned.get(i, ""), affiliation=padded[i])
        for i, name in enumerate(names)
    )


def core_properties(package: Package) -> dict[str, str]:
    """Return the core properties (title, creator, keywords, language, ...) by local name."""
    name = package.related("", "/core-properties") or (
        "docProps/core.xml" if package.has("docProps/core.xml") else None
    )
    if name is None:
        return {}
    return {
        element.tag.rpartition("}")[2]: (element.text or "").strip()
        for element in package.xml(name)
        if isinstance(element.tag, str)
    }


def custom_properties(package: Package) -> dict[str, str]:
    """Return the document's custom properties as text, by name (the first of a name)."""
    name = package.related("", "/custom-properties")
    if name is None:
        return {}
    found: dict[str, str] = {}
    for prop in package.xml(name).iterfind("op:property", NS):
        found.setdefault(prop.get("name", ""), "".join(prop.itertext()))
    return found


def toolkit_metadata(custom: dict[str, str]) -> dict[str, Any]:
    """Return what the writer kept in its custom property (series, keywords, affiliations)."""
    if METADATA_PROPERTY not in custom:
        return {}
    try:
        data = json.loads(custom[METADATA_PROPERTY])
    except ValueError:
        log.warning("the %r property is damaged; ignored", METADATA_PROPERTY)
        return {}
    return data if isinstance(data, dict) else {}


def source_file(custom: dict[str, str]) -> tuple[str, str]:
    """Return the name and version of the article file the document was written from.

    Empty where the document names none; a name with a folder in it, or a version that
    is not one, is dropped with a warning (the document may come from anywhere).
    """
    name = custom.get(SOURCE_PROPERTY, "").strip()
    version = custom.get(SOURCE_VERSION_PROPERTY, "").strip()
    if name and not is_file_name(name):
        log.warning("the document names its source as %r, not a file name: ignored", name[:80])
        return "", ""
    if version and not (name and is_version(version)):
        log.warning(
            "the document's source version %r is not a version: left out (the edition "
            "cannot tell whether it is outdated)",
            version[:80],
        )
        version = ""
    return name, version


def document_language(package: Package, core: dict[str, str]) -> str:
    """Return the article's language: the core property, else the style defaults, else "".

    Empty means the document names none; the caller assumes English and says so.
    """
    candidates = [core.get("language", "")]
    styles = package.related(package.document_name, "/styles")
    if styles is not None:
        lang = package.xml(styles).find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
        if lang is not None:
            candidates += [lang.get(w("val"), ""), lang.get(w("eastAsia"), "")]
    for candidate in candidates:
        if candidate and LANGUAGE_TAG.match(candidate):
            return candidate
    return ""


def text_language(package: Package, named: str) -> str:
    """Return the language of the document's text, when it is CJK and the document names another.

    A translator overtypes our English DOCX and rarely changes its language, and
    LibreOffice fills the East Asian slot of the style defaults with its own default
    (often zh-CN). So the script decides: kana make it Japanese, Hangul Korean, Han
    alone Chinese (the East Asian slot's variant of Chinese, when it names one).
    """
    if named.split("-")[0].lower() in EAST_ASIAN_LANGUAGES:
        return named
    text = "".join(package.xml(package.document_name).itertext())
    characters = len(cjk_character().findall(text))
    if characters <= len(cjk_character().sub(" ", text).split()):
        return named
    if len(KANA.findall(text)) >= characters * KANA_SHARE:
        found = "ja"
    elif len(HANGUL.findall(text)) * 2 > characters:
        found = "ko"
    else:
        styles = package.related(package.document_name, "/styles")
        lang = None if styles is None else package.xml(styles).find(DEFAULT_LANGUAGE, NS)
        slot = lang.get(w("eastAsia"), "") if lang is not None else ""
        found = slot if slot.lower().startswith("zh") and LANGUAGE_TAG.match(slot) else "zh"
    log.warning(
        "the text reads as %s (%s), the document says %s: took %r (use --lang to set another)",
        SCRIPT_NAMES[found[:2]],
        found,
        repr(named) if named else "nothing (English assumed)",
        found,
    )
    return found

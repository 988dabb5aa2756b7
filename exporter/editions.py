"""Translations as editions: the article file a DOCX was written from, and its edition's name.

A DOCX written from an article file records the file's name and version (the SHA-256 of
its bytes, the version the web app's store gives a file). A translation returned in that
DOCX reads back with `translation_of` and `translated_from`, and is imported as that
article's edition: the source's number, date and series, its own language, a file named
after the source with the language (`japan-rok-relations.ja.md`). An edition is outdated
once its source's version is no longer `translated_from`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from exporter import model

VERSION = re.compile(r"^[0-9a-f]{64}$")
"""A file's version: the SHA-256 of its bytes, in lower-case hexadecimal."""
MAX_NAME_LENGTH = 255
"""The longest file name most file systems take (in characters, near enough)."""
UNSAFE_NAME_CHARACTERS = re.compile(r"[\x00-\x1f\x7f/\\]")
"""Control characters, and the folder separators of POSIX and Windows."""


def version_of(data: bytes) -> str:
    """Return the version of a file's bytes (as `exporter.serve.store.version_of` does)."""
    return hashlib.sha256(data).hexdigest()


def is_file_name(name: str) -> bool:
    """Return True for a bare file name: no folder, no drive, nothing a path could climb by."""
    if not name or len(name) > MAX_NAME_LENGTH or name in (".", ".."):
        return False
    if UNSAFE_NAME_CHARACTERS.search(name) or name != name.strip():
        return False
    # "C:x.md" names a file on another drive of Windows.
    return PureWindowsPath(name).name == name and PurePosixPath(name).name == name


def is_version(version: str) -> bool:
    """Return True for a version as `version_of` makes it."""
    return bool(VERSION.match(version))


def edition_name(source_name: str, lang: str) -> str:
    """Return the file name of a source's edition in a language: `NAME.LANG.md`."""
    stem = PurePosixPath(source_name).stem
    return f"{stem}.{lang}.md"


def same_language(first: str, second: str) -> bool:
    """Return True when two language tags name the same edition (case aside)."""
    return first.lower() == second.lower()


def as_edition(article: model.Article, source: model.Article, source_name: str) -> model.Article:
    """Return a translated article as the source's edition: the source's number, date and
    series; the translation keeps its own text, names, language and `translated_from`."""
    return dataclasses.replace(
        article,
        series=source.series,
        number=source.number,
        date=source.date,
        translation_of=source_name,
    )


def language_name(lang: str) -> str:
    """Return a language's name in English ("Japanese" for ja), else the tag itself."""
    from babel.core import Locale, UnknownLocaleError

    try:
        name = Locale.parse(lang, sep="-").get_display_name("en")
    except (ValueError, TypeError, UnknownLocaleError):
        return lang
    return str(name) if name else lang


def imported_as(lang: str, source_name: str) -> str:
    """Return the import's message for an edition: what it was imported as."""
    return f"imported as the {language_name(lang)} edition of {source_name}"


@dataclass(frozen=True, slots=True)
class Placed:
    """What became of an imported article that names its source."""

    article: model.Article
    """The article to write: the edition, or an article of its own."""
    edition: bool
    """True when it is the source's edition."""
    messages: tuple[str, ...]
    """What was done, for the import's warnings."""


def place_translation(
    article: model.Article, source: model.Article, source_name: str, source_version: str
) -> Placed:
    """Return an imported article as the edition of `source` (the file `source_name`, now at
    `source_version`), or, in the source's own language, as an article of its own."""
    if same_language(article.lang, source.lang):
        # The source returned in its own language (corrections, not a translation): no
        # edition of itself, and no claim to follow it.
        return alone(
            article,
            f"written from {source_name} and in its language ({source.lang}): imported as an "
            "article of its own, not an edition (give the language if it is a translation)",
        )
    edition = as_edition(article, source, source_name)
    messages = [imported_as(edition.lang, source_name)]
    if not edition.translated_from:
        messages.append(f"the document does not say which version of {source_name} it follows")
    elif edition.translated_from != source_version:
        messages.append(
            f"{source_name} changed since the document was written from it: this edition is "
            "outdated"
        )
    return Placed(edition, True, tuple(messages))


def place_beside(article: model.Article, folders: Sequence[Path]) -> Placed:
    """Return an imported article as the edition of the source it names, found in the
    first of `folders` that holds it; as it is when it names none, or none is there."""
    from exporter.errors import ExportError
    from exporter.readers import load

    name = article.translation_of
    if not is_file_name(name):  # none, or (from an unchecked article) a path
        return Placed(article, False, ())
    found = next((folder / name for folder in folders if (folder / name).is_file()), None)
    if found is None:
        where = " or ".join(dict.fromkeys(str(folder) for folder in folders))
        # An edition is claimed only of a source seen in another language: this may be
        # the source itself, returned.
        return alone(
            article,
            f"written from {name}, which is not in {where}: imported as an article of its "
            f"own (beside {name}, a translation is imported as its edition)",
        )
    try:
        version = version_of(found.read_bytes())
        source = load(found)
    except (ExportError, OSError) as error:
        return alone(
            article, f"written from {name}, which cannot be read ({error}): imported as it is"
        )
    return place_translation(article, source, name, version)


def alone(article: model.Article, message: str) -> Placed:
    """Return an imported article as one of its own, naming no source, and say why."""
    return Placed(
        dataclasses.replace(article, translation_of="", translated_from=""), False, (message,)
    )

"""What the library lists of each article file, read once and kept until the file changes."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from exporter.errors import ExportError
from exporter.serve.form import split_front_matter
from exporter.serve.store import ArticleStore, Snapshot


@dataclass(frozen=True, slots=True)
class Listed:
    """One article file as last read."""

    version: str
    """The version read; empty when the file could not be read."""
    front: dict[str, Any] = field(default_factory=dict)
    """Its front matter."""
    problem: str = ""
    """Why it could not be read, if it could not."""
    changed: float = 0.0
    """When the file last changed (seconds since the epoch)."""
    authors: tuple[str, ...] = ()
    """The authors' names."""
    search: str = ""
    """What a search looks in: title, authors, number, language and file name, folded."""


KANA_VOICING = {"\u3099", "\u309a"}
"""Kana's voicing marks: カ and ガ are different sounds, not one letter with an accent."""


def folded(text: str) -> str:
    """Return a text as searches and the title order compare it: case and accents folded.

    "Ōtani" is found by "otani" and "Ärzte" sorts among the A's: editors type names
    without their accents, and the library's order is by letter, not by code point.
    """
    split = unicodedata.normalize("NFKD", text.casefold())
    kept = (c for c in split if c in KANA_VOICING or unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFKC", "".join(kept))


def author_names(front: dict[str, Any]) -> tuple[str, ...]:
    """Return the authors' names of a front matter (a list of names or of mappings)."""
    authors = front.get("authors")
    if not isinstance(authors, list):
        return ()
    names = (a.get("name") if isinstance(a, dict) else a for a in authors)
    return tuple(str(name) for name in names if name)


class Listing:
    """The front matter of every article, re-read only when a file's size or time changes.

    A folder of hundreds of articles is listed from this, not parsed at every request;
    a search reads no file either. The reading lengths are counted when first asked
    for (a sort by length, the API's list), since counting parses the whole article.
    """

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self._read: dict[str, tuple[tuple[int, int, int], Listed]] = {}
        self._lengths: dict[str, tuple[int | None, str]] = {}
        self._lock = threading.Lock()

    def length(self, name: str, listed: Listed) -> tuple[int | None, str]:
        """Return the body's reading length as the fitting counts it, and its unit
        ("words", or "characters" for CJK text); None if the article does not read."""
        if not listed.version:
            return None, ""
        with self._lock:
            known = self._lengths.get(listed.version)
        if known is not None:
            return known
        try:
            found = _reading_length(self.store.read(name))
        except (ExportError, OSError, LookupError):
            return None, ""
        with self._lock:
            self._lengths[found[2]] = found[:2]
        return found[:2]

    def entries(self) -> list[tuple[str, Listed]]:
        """Return every article of the folder with what it holds, in name order."""
        names = self.store.names()
        found = [(name, self._entry(name)) for name in names]
        with self._lock:
            for gone in set(self._read) - set(names):
                del self._read[gone]
            versions = {listed.version for _, listed in found}
            for old in set(self._lengths) - versions:
                del self._lengths[old]
        return found

    def _entry(self, name: str) -> Listed:
        try:
            facts = (self.store.folder / name).stat()  # names() has checked where it leads
        except OSError as error:
            return Listed("", problem=str(error))
        stamp = (facts.st_mtime_ns, facts.st_size, facts.st_ino)
        with self._lock:
            cached = self._read.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            snapshot = self.store.read(name)
            front, _ = split_front_matter(snapshot.text)
            authors = author_names(front)
            number, lang = front.get("number"), front.get("lang") or "en"
            search = "\n".join(
                [str(front.get("title") or ""), *authors, str(number or ""), str(lang), name]
            )
            listed = Listed(
                snapshot.version,
                front,
                changed=facts.st_mtime,
                authors=authors,
                search=folded(search),
            )
        except (ExportError, OSError, LookupError) as error:
            listed = Listed("", problem=str(error), changed=facts.st_mtime)
        with self._lock:
            self._read[name] = (stamp, listed)
        return listed


def _reading_length(snapshot: Snapshot) -> tuple[int | None, str, str]:
    """Return the reading length of an article's body, its unit, and the version counted."""
    from exporter.readers.markdown import read_markdown
    from exporter.walk import reading_length

    try:
        length = reading_length(read_markdown(snapshot.text).body)
    except (ExportError, RecursionError):  # an article that does not read has no length
        return None, "", snapshot.version
    return length.count, length.unit, snapshot.version

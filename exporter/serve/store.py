"""The store: the Markdown files of one folder, read whole and written atomically."""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import InputError
from exporter.output import write_atomic, write_new

ARTICLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(md|markdown)$")
"""An article's file name: letters, digits, dot, dash and underscore; no folders."""
SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")


class ArticleNotFoundError(LookupError):
    """No article of that name in the folder."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An article file as read at one moment."""

    name: str
    """The file name inside the folder."""
    text: str
    """Its text."""
    version: str
    """The SHA-256 of its bytes: a save must name the version it was edited from."""


class VersionConflictError(Exception):
    """The file changed since the editor read it: the save is refused."""

    def __init__(self, current: Snapshot) -> None:
        super().__init__(f"{current.name} changed since it was opened")
        self.current = current


def version_of(data: bytes) -> str:
    """Return the version of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def slug(title: str) -> str:
    """Return a file name stem made from a title: lower case, words joined by dashes."""
    stem = SLUG_CHARACTERS.sub("-", title.lower()).strip("-")[:60].strip("-")
    return stem or "article"


class ArticleStore:
    """The Markdown files directly inside one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder.resolve()
        # Check and write happen under one lock, so two saves of one version cannot
        # both pass the check; the rename makes each write whole.
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Return the article file names, sorted."""
        return sorted(
            entry.name
            for entry in self.folder.iterdir()
            if ARTICLE_NAME.match(entry.name) and entry.is_file()
        )

    def path(self, name: str) -> Path:
        """Return the path of an article, or raise ArticleNotFoundError."""
        if not ARTICLE_NAME.match(name):
            raise ArticleNotFoundError(name)
        path = self.folder / name
        if not path.is_file() or not path.resolve().is_relative_to(self.folder):
            raise ArticleNotFoundError(name)
        return path

    def read(self, name: str) -> Snapshot:
        """Return the article's text and version; raise InputError if it is not UTF-8."""
        data = self.path(name).read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", file=name) from None
        return Snapshot(name, text, version_of(data))

    def save(self, name: str, text: str, edited_version: str) -> Snapshot:
        """Write the article if it is still at `edited_version`, else raise VersionConflictError."""
        data = text.encode("utf-8")
        with self._lock:
            current = self.read(name)
            if current.version != edited_version:
                raise VersionConflictError(current)
            write_atomic(self.path(name), data)
        return Snapshot(name, text, version_of(data))

    def create(self, name: str, text: str) -> Snapshot:
        """Write a new article file; raise FileExistsError if one of that name exists."""
        if not ARTICLE_NAME.match(name):
            raise ValueError(f"{name!r} is not an article file name")
        data = text.encode("utf-8")
        write_new(self.folder / name, data)
        return Snapshot(name, text, version_of(data))

    def free_name(self, stem: str) -> str:
        """Return `stem.md`, or `stem-2.md` and so on if that is taken."""
        stem = slug(stem)
        candidate, number = f"{stem}.md", 1
        while (self.folder / candidate).exists():
            number += 1
            candidate = f"{stem}-{number}.md"
        return candidate

"""The store: the Markdown files of one folder, read whole and written atomically."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import InputError
from exporter.output import write_atomic, write_new

ARTICLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.(md|markdown)$")
"""An article's file name: letters, digits, dot, dash and underscore; no folders."""
SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")
LEFTOVER = re.compile(r"^\.(?P<article>.+?)(?P<md>\.md|\.markdown)?\.[A-Za-z0-9_]{8}\.(tmp|md)$")
"""A file that a killed save (the atomic writer's `.NAME.md.XXXXXXXX.tmp`) or a killed
proof (its hidden copy `.STEM.XXXXXXXX.md`) leaves behind; removed at start-up when the
article it was made for is in the folder."""
log = logging.getLogger("exporter")


class OutsideFolderError(Exception):
    """A path of the folder leads out of it through a link: nothing is written there."""


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
        self._skipped: set[str] = set()
        self._remove_leftovers()

    def _remove_leftovers(self) -> None:
        for entry in self.folder.iterdir():
            match = LEFTOVER.match(entry.name)
            if match is None or entry.is_symlink() or not entry.is_file():
                continue
            article = match["article"] + (match["md"] or ".md")
            if (self.folder / article).exists():
                with contextlib.suppress(OSError):
                    entry.unlink()
                    log.info("removed %s, left by an interrupted save or proof", entry.name)

    def names(self) -> list[str]:
        """Return the article file names, sorted; links that leave the folder are skipped."""
        found = []
        for entry in self.folder.iterdir():
            if not ARTICLE_NAME.match(entry.name):
                continue
            try:
                inside = entry.resolve().is_relative_to(self.folder) and entry.is_file()
            except (OSError, RuntimeError):  # a loop of links (RuntimeError), no permission
                inside = False
            if inside:
                found.append(entry.name)
            elif entry.is_symlink() and entry.name not in self._skipped:
                self._skipped.add(entry.name)
                log.warning("skipped %s: a link that leads out of the folder", entry.name)
        return sorted(found)

    def out_dir(self, name: str) -> Path:
        """Return the folder `name` in this one; raise OutsideFolderError if a link leaves it."""
        path = self.folder / name
        try:
            inside = path.resolve().is_relative_to(self.folder)
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
            raise OutsideFolderError(f"{name}/ leads out of the folder; nothing is written there")
        return path

    def path(self, name: str) -> Path:
        """Return the path of an article, or raise ArticleNotFoundError."""
        if not ARTICLE_NAME.match(name):
            raise ArticleNotFoundError(name)
        path = self.folder / name
        try:
            inside = path.is_file() and path.resolve().is_relative_to(self.folder)
        except (OSError, RuntimeError):  # a loop of links
            inside = False
        if not inside:
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
            # Through a link, the target is written (path() has checked that it lies
            # in the folder) and the link stays a link.
            write_atomic(self.path(name).resolve(), data)
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

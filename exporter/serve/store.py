"""The store: the Markdown files of one folder, read whole and written atomically.

Every change it makes is also a commit of the folder's history (exporter.serve.history),
made under the same lock as the write, so that the commits follow the writes' order.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.editions import version_of as version_of
from exporter.errors import InputError
from exporter.output import write_atomic, write_new
from exporter.serve.history import Action, Change, History, HistoryError

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


class LinkedArticleError(Exception):
    """The article is a link to another file: renamed or deleted in the folder itself."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """An article file as read at one moment."""

    name: str
    """The file name inside the folder."""
    text: str
    """Its text."""
    version: str
    """The SHA-256 of its bytes: a save must name the version it was edited from."""
    commit: str = ""
    """The commit that keeps this version, when the store just made one; else empty."""


class VersionConflictError(Exception):
    """The file changed since the editor read it: the save is refused."""

    def __init__(self, current: Snapshot) -> None:
        super().__init__(f"{current.name} changed since it was opened")
        self.current = current


def slug(title: str) -> str:
    """Return a file name stem made from a title: lower case, words joined by dashes."""
    stem = SLUG_CHARACTERS.sub("-", title.lower()).strip("-")[:60].strip("-")
    return stem or "article"


class ArticleStore:
    """The Markdown files directly inside one folder."""

    def __init__(self, folder: Path, history: History | None = None) -> None:
        self.folder = folder.resolve()
        self.history = history
        """The folder's git history, where every change is committed; None keeps none."""
        # Check, write and commit happen under one lock, so two saves of one version
        # cannot both pass the check, and the commits follow the writes' order; the
        # rename makes each write whole.
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
        return self._snapshot(name, self.path(name).read_bytes())

    def _snapshot(self, name: str, data: bytes) -> Snapshot:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", file=name) from None
        return Snapshot(name, text, version_of(data))

    def _unchanged_since(
        self, name: str, path: Path, edited_version: str
    ) -> tuple[bytes, Snapshot]:
        """Return the file's bytes and snapshot if it is still at `edited_version`, else
        raise VersionConflictError with its version now."""
        before = path.read_bytes()
        current = self._snapshot(name, before)
        if current.version != edited_version:
            raise VersionConflictError(current)
        return before, current

    def _own_file(self, name: str) -> Path:
        """Return the path of an article that is a file of its own, not a link to another."""
        path = self.path(name)
        if path.is_symlink():
            raise LinkedArticleError(f"{name} is a link to another file; change it in the folder")
        return path

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def _commit(self, change: Change) -> str:
        """Commit a change already made on disk; "" when there is no history or it fails."""
        return self.history.record(change) if self.history is not None else ""

    def save(
        self, name: str, text: str, edited_version: str, action: Action = "save", note: str = ""
    ) -> Snapshot:
        """Write the article if it is still at `edited_version`, else raise VersionConflictError.

        `action` and `note` say in the commit what the save was (a merge, a restore).
        """
        data = text.encode("utf-8")
        with self._lock:
            path = self.path(name)
            before, _ = self._unchanged_since(name, path, edited_version)
            # Through a link, the target is written (path() has checked that it lies
            # in the folder) and the link stays a link; the target is what is committed.
            target = path.resolve()
            write_atomic(target, data)
            kept = self._relative(target)
            subject = f"{_SUBJECTS[action].format(name=name)}{note}"
            commit = self._commit(Change(action, name, subject, {kept: data}, found={kept: before}))
        return Snapshot(name, text, version_of(data), commit)

    def create(
        self,
        name: str,
        text: str,
        action: Action = "create",
        note: str = "",
        beside: Sequence[str] = (),
        follows: tuple[str, str] = ("", ""),
    ) -> Snapshot:
        """Write a new article file; raise FileExistsError if one of that name exists.

        `beside` names files already written with it (an import's pictures), committed
        with it; `follows` the article whose history it continues (one brought back),
        and the commit of its last version.
        """
        if not ARTICLE_NAME.match(name):
            raise ValueError(f"{name!r} is not an article file name")
        data = text.encode("utf-8")
        with self._lock:
            write_new(self.folder / name, data)
            files: dict[str, bytes | None] = {name: data}
            for other in beside:
                with contextlib.suppress(OSError):  # removed meanwhile: not committed
                    files[other] = (self.folder / other).read_bytes()
            subject = f"{_SUBJECTS[action].format(name=name)}{note}"
            commit = self._commit(Change(action, name, subject, files, *follows))
        return Snapshot(name, text, version_of(data), commit)

    def create_free(
        self, title: str, text: str, action: Action = "create", note: str = ""
    ) -> Snapshot:
        """Write a new article file named after `title` (free_name), whatever name is free."""
        while True:
            try:
                return self.create(self.free_name(title), text, action, note)
            except FileExistsError:  # taken between the look and the write: the next one
                continue

    def delete(self, name: str, edited_version: str) -> Snapshot:
        """Remove the article if it is still at `edited_version`; return it as it was.

        The deletion is a commit, and the file is removed only once its last version is
        in the history: HistoryError when the history cannot be written.
        """
        with self._lock:
            path = self._own_file(name)
            before, current = self._unchanged_since(name, path, edited_version)
            if self.history is None:
                raise HistoryError("the folder keeps no history")
            change = Change("delete", name, f"Delete {name}", {name: None}, found={name: before})
            commit = self.history.record(change, strict=True)
            path.unlink()
        return Snapshot(name, current.text, current.version, commit)

    def rename(self, name: str, new_name: str, edited_version: str) -> Snapshot:
        """Give the article another file name, if it is still at `edited_version`.

        Raise ValueError for a name that is no article name, FileExistsError when it
        is taken. The commit says which article it follows, so its history goes on.
        """
        if not ARTICLE_NAME.match(new_name):
            raise ValueError(f"{new_name!r} is not an article file name")
        if new_name == name:
            raise ValueError(f"{name} has that name already")
        with self._lock:
            path = self._own_file(name)
            before, current = self._unchanged_since(name, path, edited_version)
            # A second name for the file, then the first one removed: a file of the
            # new name is never overwritten (os.rename would).
            os.link(path, self.folder / new_name)
            path.unlink()
            files = {name: None, new_name: before}
            subject = f"Rename {name} to {new_name}"
            change = Change("rename", new_name, subject, files, name, found={name: before})
            commit = self._commit(change)
        return Snapshot(new_name, current.text, current.version, commit)

    def free_name(self, stem: str) -> str:
        """Return `stem.md`, or `stem-2.md` and so on if that is taken."""
        stem = slug(stem)
        candidate, number = f"{stem}.md", 1
        while (self.folder / candidate).exists():
            number += 1
            candidate = f"{stem}-{number}.md"
        return candidate


_SUBJECTS: dict[Action, str] = {
    "save": "Save {name}",
    "merge": "Save {name}, merged with a save made meanwhile",
    "create": "Create {name}",
    "import": "Import {name}",
    "restore": "Restore {name}",
    "delete": "Delete {name}",
    "rename": "Rename {name}",
    "duplicate": "Create {name}",
    "undelete": "Bring back {name}",
}
"""The first line of a change's commit message; the caller's note follows it."""

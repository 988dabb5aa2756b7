"""What the library lists of each article file, read once and kept until the file changes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from exporter.errors import ExportError
from exporter.serve.form import split_front_matter
from exporter.serve.store import ArticleStore


@dataclass(frozen=True, slots=True)
class Listed:
    """One article file as last read."""

    version: str
    """The version read; empty when the file could not be read."""
    front: dict[str, Any] = field(default_factory=dict)
    """Its front matter."""
    problem: str = ""
    """Why it could not be read, if it could not."""


class Listing:
    """The front matter of every article, re-read only when a file's size or time changes.

    A folder of hundreds of articles is listed from this, not parsed at every request.
    """

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self._read: dict[str, tuple[tuple[int, int, int], Listed]] = {}
        self._lock = threading.Lock()

    def entries(self) -> list[tuple[str, Listed]]:
        """Return every article of the folder with what it holds, in name order."""
        names = self.store.names()
        found = [(name, self._entry(name)) for name in names]
        with self._lock:
            for gone in set(self._read) - set(names):
                del self._read[gone]
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
            listed = Listed(snapshot.version, front)
        except (ExportError, OSError, LookupError) as error:
            listed = Listed("", problem=str(error))
        with self._lock:
            self._read[name] = (stamp, listed)
        return listed

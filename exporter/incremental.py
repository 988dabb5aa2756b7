"""Incremental builds: which outputs of a folder's articles are out of date, and their record.

An output is up to date when the manifest (exporter/manifest.py) has it made from the
same article text, pictures, layout files, toolkit and build options as now, and the
file is still the one written (size and time, else its digest). The main process
decides and records; a worker builds and says what it read and wrote (`Record`).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from exporter import model
from exporter.build import BuildOptions, prepare, render, write_outputs
from exporter.errors import ExportError
from exporter.fingerprint import (
    Stamp,
    digest,
    file_digest,
    layout_digest,
    options_digest,
    stamp_of,
    toolkit_digest,
)
from exporter.layouts import find_layout, layout_folders
from exporter.manifest import Entry, Output, read_manifest, write_manifest
from exporter.walk import query
from exporter.writers import writer_entry

if TYPE_CHECKING:
    from exporter.batch import Outcome

log = logging.getLogger("exporter")
SAVE_INTERVAL = 1.0
"""Seconds between two writes of the manifest while articles finish (and once at the end)."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the build of one article read and wrote, as the worker saw it."""

    text: str
    """The digest of the article file's bytes, read before the build."""
    series: str
    """The series the article names."""
    layout: Path
    """The layout folder it was built with."""
    pictures: dict[str, Stamp | None]
    """The pictures it prints, by path, stamped before rendering; None: not there."""
    outputs: dict[str, tuple[str, Stamp]]
    """Each format's file name and its stamp as written."""


def build_recorded(source: Path, options: BuildOptions) -> tuple[list[Path], Record]:
    """Build one article file as `build_file` does; return the paths and what it read.

    Every input is digested before it is used: an input changed during the build leaves
    a record that no longer matches it, so the output is built again, never kept stale.
    """
    try:
        text = file_digest(source)
    except OSError:
        text = ""  # the reader says why it cannot read it
    article, context = prepare(source, options)
    pictures = picture_stamps(article, context.source_dir)
    rendered = {fmt: render(article, context, fmt) for fmt in options.formats}
    written = write_outputs(source, options, rendered)
    outputs = {
        fmt: (path.name, Stamp(status.st_size, status.st_mtime_ns, _sha256(rendered[fmt])))
        for fmt, (path, status) in written.items()
    }
    record = Record(text, article.series, context.layout.folder, pictures, outputs)
    return [path for path, _status in written.values()], record


def picture_stamps(article: model.Article, folder: Path) -> dict[str, Stamp | None]:
    """Return the stamps of the pictures an article prints from its folder, by path.

    Addresses and paths outside the folder are left out: the build never reads them.
    """
    root = folder.resolve()
    stamps: dict[str, Stamp | None] = {}
    for figure in query(article, model.Figure):
        for path in _picture_paths(figure.src, root):
            try:
                stamps[str(path)] = stamp_of(path) if path.is_file() else None
            except OSError:
                stamps[str(path)] = None
    return stamps


def _picture_paths(reference: str, root: Path) -> list[Path]:
    """Return the files in `root` a picture's reference may name, as the writers read it
    (exporter/resources.py): a path, as written or %-decoded as in a URL, or a file: URL."""
    try:
        parts = urlsplit(reference)
    except ValueError:
        return []
    scheme = parts.scheme.lower()
    if scheme == "file":
        candidates = {unquote(parts.path)}
    elif scheme and len(scheme) > 1:
        return []  # a network or data: URL, never read from the folder
    else:
        candidates = {reference, unquote(reference)}
    found = []
    for candidate in sorted(candidates):
        try:
            path = (root / candidate).resolve()
        except (OSError, RuntimeError):  # a loop of symbolic links: the build refuses it
            continue
        if path.is_relative_to(root):
            found.append(path)
    return found


class Incremental:
    """The manifest of one output folder during a build: what to build, what was built."""

    def __init__(
        self, options: BuildOptions, force: bool = False, always: Collection[Path] = ()
    ) -> None:
        self.options = options
        self.force = force
        self.always = always
        self.entries = read_manifest(options.out_dir)
        self.changed = False
        self.saved_at = time.monotonic()
        self.writable = True
        self.common = digest(toolkit_digest(), options_digest(options))
        # Digested now, before any article is built: a layout edited during the build
        # then no longer matches what is recorded of it, and is built from again.
        self.layouts: dict[Path, str] = {}
        self.found: dict[str, Path | None] = {}
        for folder in self._candidate_layouts():
            self._layout_digest(folder)

    def out_of_date(self, source: Path) -> tuple[str, ...]:
        """Return the formats of an article to build: all with --force, for an article
        named in `always` or without a record; else those whose output is missing,
        altered or made from other inputs."""
        formats = self.options.formats
        entry = self.entries.get(_key(source))
        if self.force or entry is None or source in self.always:
            return formats
        try:
            text = file_digest(source)
        except OSError:
            return formats  # the build says why
        layout = self._layout_of(entry.series)
        pictures = self._pictures_now(entry)
        if layout is None or pictures is None:
            return formats
        stale = []
        for fmt in formats:
            output = entry.outputs.get(fmt)
            name = source.stem + writer_entry(fmt).extension
            if (
                output is None
                or output.name != name
                or output.inputs != self._inputs(text, layout, pictures, fmt)
            ):
                stale.append(fmt)
                continue
            stamp = output.stamp.current(self.options.out_dir / name)
            if stamp is None:
                stale.append(fmt)
            elif stamp != output.stamp:  # touched, not changed: its new time is kept
                entry.outputs[fmt] = Output(output.inputs, name, stamp)
                self.changed = True
        return tuple(stale)

    def record(self, outcome: Outcome, formats: tuple[str, ...]) -> None:
        """Record what became of an article's build of `formats`; save now and then."""
        key = _key(outcome.source)
        built = outcome.record
        entry = self.entries.get(key)
        if outcome.status != "built" or built is None:
            if entry is None:
                return
            for fmt in formats:  # whatever the build left of them is built again
                if entry.outputs.pop(fmt, None) is not None:
                    self.changed = True
        else:
            if entry is None or entry.series != built.series:
                entry = self.entries[key] = Entry(built.series)
            entry.pictures = built.pictures
            pictures = _pictures_digest(
                {path: None if s is None else s.sha256 for path, s in built.pictures.items()}
            )
            # The digest taken when the build began; a layout not among the candidates
            # then (a series found as a folder of the working directory) is digested now.
            layout = (built.layout, self._layout_digest(built.layout))
            for fmt, (name, stamp) in built.outputs.items():
                inputs = self._inputs(built.text, layout, pictures, fmt)
                entry.outputs[fmt] = Output(inputs, name, stamp)
            self.changed = True
        if time.monotonic() - self.saved_at >= SAVE_INTERVAL:
            self.save()

    def save(self, final: bool = False) -> None:
        """Write the manifest if anything changed; at the end, forget deleted articles."""
        if final:
            for key in [key for key in self.entries if not Path(key).is_file()]:
                del self.entries[key]
                self.changed = True
        if not self.changed or not self.writable:
            return
        try:
            write_manifest(self.options.out_dir, self.entries)
        except OSError as error:
            log.warning("cannot write the build manifest: %s", error.strerror or error)
            self.writable = False
            return
        self.changed = False
        self.saved_at = time.monotonic()

    def _pictures_now(self, entry: Entry) -> str | None:
        """Return the digest of an article's recorded pictures if none changed (a missing
        one still missing), else None; a picture touched but not changed keeps its new time."""
        hashes: dict[str, str | None] = {}
        for path, stamp in entry.pictures.items():
            if stamp is None:
                if Path(path).exists():
                    return None
                hashes[path] = None
                continue
            now = stamp.current(Path(path))
            if now is None:
                return None
            if now != stamp:
                entry.pictures[path] = now
                self.changed = True
            hashes[path] = stamp.sha256
        return _pictures_digest(hashes)

    def _inputs(self, text: str, layout: tuple[Path, str], pictures: str, fmt: str) -> str:
        folder, layout_hash = layout
        return digest(text, str(folder), layout_hash, pictures, self.common, fmt)

    def _candidate_layouts(self) -> list[Path]:
        if self.options.layout is not None:
            found = self._layout_of("")
            return [found[0]] if found else []
        return layout_folders()

    def _layout_of(self, series: str) -> tuple[Path, str] | None:
        """Return the layout folder an article of `series` is built with, and its digest."""
        if series not in self.found:
            try:
                self.found[series] = find_layout(self.options.layout, series).folder
            except ExportError:  # the build says why
                self.found[series] = None
        folder = self.found[series]
        return None if folder is None else (folder, self._layout_digest(folder))

    def _layout_digest(self, folder: Path) -> str:
        if folder not in self.layouts:
            self.layouts[folder] = layout_digest(folder)
        return self.layouts[folder]


def _pictures_digest(hashes: dict[str, str | None]) -> str:
    return digest(*(f"{path}\0{sha or ''}" for path, sha in sorted(hashes.items())))


def _key(source: Path) -> str:
    return str(source.resolve())


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

"""Digests of what a build reads: files, layout folders, the toolkit, the build options."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.layouts import PACKAGE_DIR, fonts_folder

if TYPE_CHECKING:
    from exporter.build import BuildOptions

CHUNK = 1 << 20
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
"""The environment variables that change the bytes of an output."""
UNBUILT_PACKAGES = ("serve",)
"""The toolkit's packages a build never runs (the web app): their code is not the build's."""
_REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A file's size, modification time and digest: unchanged if size and time are, else
    if the digest is."""

    size: int
    """The size in bytes."""
    mtime_ns: int
    """The modification time, in nanoseconds."""
    sha256: str
    """The SHA-256 of the bytes, in hexadecimal."""

    def holds(self, path: Path) -> bool:
        """Tell whether the file at `path` still has these bytes: stat first, hash if needed."""
        return self.current(path) is not None

    def current(self, path: Path) -> Stamp | None:
        """Return the stamp of the file at `path` if it still has these bytes (with its time
        now, when only that changed), else None."""
        try:
            status = path.stat()
        except OSError:
            return None
        if status.st_size != self.size:
            return None
        if status.st_mtime_ns == self.mtime_ns:
            return self
        try:
            same = file_digest(path) == self.sha256
        except OSError:
            return None
        # The time is the one seen before reading: a change while it was read moves the
        # time past it, so that the next look reads the file again.
        return Stamp(self.size, status.st_mtime_ns, self.sha256) if same else None


def stamp_of(path: Path) -> Stamp:
    """Return the stamp of a file as it is now (stat before reading: a change while it is
    read leaves a stamp that no longer holds, never one that holds wrongly)."""
    status = path.stat()
    return Stamp(status.st_size, status.st_mtime_ns, file_digest(path))


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, in hexadecimal."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def digest(*parts: str) -> str:
    """Return the digest of some texts, each kept apart from the next by its length."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape")
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


def tree_digest(folders: Iterable[Path], leave_out: Iterable[Path] = ()) -> str:
    """Return the digest of every file under some folders: names and bytes, hidden files,
    Python's caches and the folders `leave_out` left out."""
    skipped = set(leave_out)
    parts: list[str] = []
    for folder in folders:
        parts.append(str(folder))
        for root, dirs, names in os.walk(folder, followlinks=True):
            dirs[:] = sorted(
                d
                for d in dirs
                if not d.startswith(".") and d != "__pycache__" and Path(root, d) not in skipped
            )
            for name in sorted(names):
                if name.startswith(".") or name.endswith(".pyc"):
                    continue
                path = Path(root, name)
                try:
                    parts += [str(path.relative_to(folder)), file_digest(path)]
                except OSError:  # unreadable: the build says so, if it reads it
                    parts += [str(path.relative_to(folder)), "unreadable"]
    return digest(*parts)


def layout_digest(folder: Path) -> str:
    """Return the digest of a layout: its folder's files and the fonts it prints with."""
    fonts = fonts_folder(folder)
    return tree_digest([folder] if fonts.is_relative_to(folder) else [folder, fonts])


def toolkit_digest() -> str:
    """Return the digest of the toolkit that builds: its code and data, the versions of the
    libraries it runs on, and Python's."""
    code = tree_digest([PACKAGE_DIR], leave_out=[PACKAGE_DIR / name for name in UNBUILT_PACKAGES])
    return digest(code, sys.version, *_library_versions())


def options_digest(options: BuildOptions) -> str:
    """Return the digest of the build options that change an output's bytes, and of the
    environment that does (SOURCE_DATE_EPOCH): all but the formats, the output folder and
    the layout's name (the layout is an input of its own: its folder and files)."""
    parts: list[str] = []
    for field in dataclasses.fields(options):
        if field.name in ("formats", "out_dir", "layout"):
            continue
        value = getattr(options, field.name)
        parts += [field.name, repr(value)]
        if isinstance(value, Path):  # a file the build reads (--reference-docx)
            try:
                parts.append(file_digest(value))
            except OSError:
                parts.append("unreadable")
    for name in ENVIRONMENT:
        parts += [name, os.environ.get(name, "")]
    return digest(*parts)


def _library_versions() -> list[str]:
    """Return "name version" of every library the toolkit requires, and theirs, in turn."""
    import importlib.metadata

    installed = {}
    for found in importlib.metadata.distributions():
        name = found.metadata["Name"]
        if name:
            installed[_normal(name)] = found
    wanted = ["exporter"]
    versions: dict[str, str] = {}
    while wanted:
        name = _normal(wanted.pop())
        if name in versions or name not in installed:
            continue
        versions[name] = installed[name].version
        for requirement in installed[name].requires or []:
            matched = _REQUIREMENT_NAME.match(requirement)
            if matched and "extra ==" not in requirement.replace('"', "").replace("'", ""):
                wanted.append(matched.group(1))
    if "exporter" not in versions:  # not installed, run from a checkout: every library
        versions = {name: found.version for name, found in installed.items()}
    return [f"{name} {version}" for name, version in sorted(versions.items())]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()

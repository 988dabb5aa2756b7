"""The build manifest of an output folder: what each output was built from, read and written whole.

It is `.exporter-manifest.json` in the output folder: per article file, the series its
layout was found by, the pictures it printed (each with its stamp), and per format the
digest of everything the output was made from and the stamp of the output as written.
An entry is added only once its output is whole on disk, and the file is replaced whole
(exporter/output.py), so a build killed at any moment leaves a manifest true of the folder.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter.fingerprint import Stamp
from exporter.output import write_atomic

log = logging.getLogger("exporter")
MANIFEST_NAME = ".exporter-manifest.json"
KIND = "exporter build manifest"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Output:
    """One output of an article: what it was made from, and the file as it was written."""

    inputs: str
    """The digest of the article's text, pictures, layout, the toolkit and the options."""
    name: str
    """The file's name in the output folder."""
    stamp: Stamp
    """The file as written."""


@dataclass(slots=True)
class Entry:
    """What the outputs of one article file were built from."""

    series: str
    """The series the article names, which finds its layout."""
    pictures: dict[str, Stamp | None] = field(default_factory=dict)
    """The pictures the article prints, by path; None for one that was not there."""
    outputs: dict[str, Output] = field(default_factory=dict)
    """The outputs built, by format."""


class ManifestError(ValueError):
    """A manifest that cannot be read or is not one."""


def manifest_path(out_dir: Path) -> Path:
    """Return where the manifest of an output folder is."""
    return out_dir / MANIFEST_NAME


def read_manifest(out_dir: Path) -> dict[str, Entry]:
    """Return the entries of an output folder's manifest by article path, none if it has none.

    A manifest that cannot be read, or is damaged, is warned about and taken as empty:
    everything is built again, and the manifest rewritten.
    """
    path = manifest_path(out_dir)
    try:
        data = json.loads(path.read_bytes())
        return _entries(data)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not a build manifest"
        log.warning("%s: %s; every article is built again", path, reason or error)
        return {}


def write_manifest(out_dir: Path, entries: dict[str, Entry]) -> None:
    """Write the manifest of an output folder whole, replacing the one there."""
    data = {
        "kind": KIND,
        "version": VERSION,
        "articles": {source: _entry_data(entry) for source, entry in sorted(entries.items())},
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    write_atomic(manifest_path(out_dir), text.encode("utf-8"))


def _entries(data: Any) -> dict[str, Entry]:
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ManifestError("not a build manifest")
    if data.get("version") != VERSION:  # another version's: built again, silently
        log.info("the build manifest is of another version; every article is built again")
        return {}
    articles = data["articles"]
    if not isinstance(articles, dict):
        raise ManifestError("no articles")
    return {str(source): _entry(value) for source, value in articles.items()}


def _entry(data: dict[str, Any]) -> Entry:
    pictures = {
        str(path): None if stamp is None else _stamp(stamp)
        for path, stamp in dict(data["pictures"]).items()
    }
    outputs = {
        str(fmt): Output(_text(value["inputs"]), _text(value["name"]), _stamp(value["stamp"]))
        for fmt, value in dict(data["outputs"]).items()
    }
    return Entry(_text(data["series"]), pictures, outputs)


def _stamp(data: Any) -> Stamp:
    size, mtime_ns, sha256 = data
    if not (isinstance(size, int) and isinstance(mtime_ns, int) and isinstance(sha256, str)):
        raise ManifestError("a stamp is not a size, a time and a digest")
    return Stamp(size, mtime_ns, sha256)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ManifestError(f"{value!r} is not a text")
    return value


def _stamp_data(stamp: Stamp) -> list[int | str]:
    return [stamp.size, stamp.mtime_ns, stamp.sha256]


def _entry_data(entry: Entry) -> dict[str, Any]:
    return {
        "series": entry.series,
        "pictures": {
            path: None if stamp is None else _stamp_data(stamp)
            for path, stamp in sorted(entry.pictures.items())
        },
        "outputs": {
            fmt: {"inputs": out.inputs, "name": out.name, "stamp": _stamp_data(out.stamp)}
            for fmt, out in sorted(entry.outputs.items())
        },
    }

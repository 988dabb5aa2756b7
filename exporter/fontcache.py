"""What is read or cut from a font file with HarfBuzz, kept in the cache folder.

A cold build would otherwise load HarfBuzz (about 7 ms) only to read the layout's fonts
again and cut the same subsets as the last build. An entry is made again when the font
file's size or time changes, or the code that made it, or HarfBuzz's installed files.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path

from exporter import cache


def kept(
    slot_kind: str,
    path: Path,
    parts: Iterable[str],
    code: Iterable[str],
    make: Callable[[], bytes],
) -> bytes:
    """Return what `make` reads from the font at `path`, from the cache folder if kept.

    `parts` are the other inputs (a face index, the characters of a subset), each its own
    slot; `code` names the modules whose code makes the data (found, not imported).
    """
    inputs_parts = tuple(parts)
    slot = f"{slot_kind}-" + cache.digest(str(path), *inputs_parts).hex()[:24]
    inputs = _inputs(path, inputs_parts, tuple(code))
    if inputs is not None:
        data = cache.load(slot, inputs)
        if data is not None:
            return data
    data = make()
    if inputs is not None:
        cache.store(slot, inputs, data)
    return data


def _inputs(path: Path, parts: tuple[str, ...], code: tuple[str, ...]) -> bytes | None:
    """Return the digest of everything an entry is made from; None if it cannot be told."""
    reader = _reader(code)
    try:
        status = path.stat()
    except OSError:
        return None
    if reader is None:
        return None
    return cache.digest(reader, str(path), str(status.st_size), str(status.st_mtime_ns), *parts)


@functools.cache
def _reader(code: tuple[str, ...]) -> bytes | None:
    """Return the digest of the reading code and of HarfBuzz's files; None if unknown."""
    origins = [_origin(name) for name in ("uharfbuzz", *code)]
    if None in origins:
        return None
    harfbuzz, *modules = [Path(str(origin)) for origin in origins]
    try:
        # HarfBuzz's behaviour changes only with uharfbuzz, whose files then change.
        status = harfbuzz.stat()
        sources = [module.read_bytes() for module in modules]
    except OSError:  # no source to tell a changed toolkit by: made afresh every time
        return None
    return cache.digest(*sources, str(harfbuzz), str(status.st_size), str(status.st_mtime_ns))


def _origin(module: str) -> str | None:
    """Return the file a module is loaded from, without loading it; None if not found."""
    spec = importlib.util.find_spec(module)
    return None if spec is None else spec.origin

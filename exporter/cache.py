"""The toolkit's cache folder: what is costly to make again on every cold start.

An entry is one file per slot (a layout's DOCX styles for a paper, say), holding a
digest of everything it was made from and a checksum of its bytes: an entry whose
inputs changed, or that is damaged or half written, is never used, only made again
and replaced. Entries are written whole, through a temporary file and a rename. The
folder is $EXPORTER_CACHE_DIR, else $XDG_CACHE_HOME/exporter (~/.cache/exporter);
an empty $EXPORTER_CACHE_DIR switches caching off. Nothing is written outside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

CACHE_VARIABLE = "EXPORTER_CACHE_DIR"
DIGEST_SIZE = 32
"""Bytes of a SHA-256 digest: an entry starts with the digest of its inputs, then that
of its data."""


def folder() -> Path | None:
    """Return the cache folder, or None when caching is switched off."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "exporter"


def digest(*parts: bytes | str) -> bytes:
    """Return the digest of some inputs, each kept apart from the next by its length."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.digest()


def load(slot: str, inputs: bytes) -> bytes | None:
    """Return the data kept in `slot` if it was made from `inputs` and is whole, else None."""
    where = folder()
    if where is None:
        return None
    try:
        entry = (where / slot).read_bytes()
    except OSError:
        return None
    kept, checksum, data = (
        entry[:DIGEST_SIZE],
        entry[DIGEST_SIZE : 2 * DIGEST_SIZE],
        entry[2 * DIGEST_SIZE :],
    )
    if kept != inputs or checksum != hashlib.sha256(data).digest():
        return None
    return data


def store(slot: str, inputs: bytes, data: bytes) -> None:
    """Keep `data`, made from `inputs`, in `slot`; a folder that cannot be written is left be."""
    where = folder()
    if where is None:
        return
    with contextlib.suppress(OSError):
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=where, prefix=f".{slot}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(inputs + _checksum(data) + data)
            os.replace(temporary, where / slot)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _checksum(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()

"""Large package parts deflated once, kept in the cache folder and written into the ZIP as kept.

The embedded fonts are most of a DOCX, and deflating them most of writing one (about
11 ms of a cold build). The same subsets come back from the cache folder build after
build (`fontcache`), so their deflated bytes are kept beside them: an entry is written
as `ZipFile.writestr` writes it, byte for byte, its deflated data read instead of made.
"""

from __future__ import annotations

import zipfile
import zlib

from exporter import cache

SLOT_KIND = "deflated"
KEPT_SIZE = 32 * 1024
"""Parts at least this large are kept deflated: the fonts, not the document's XML, which
changes with every edit and deflates in a fraction of a millisecond."""


def write_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, data: bytes) -> None:
    """Write `data` into `archive` as `entry`, as `archive.writestr(entry, data)` would."""
    fp = archive.fp
    level = getattr(entry, "_compresslevel", None)  # None: ZipFile's default level
    plain = entry.compress_type != zipfile.ZIP_DEFLATED or level is not None
    if plain or len(data) < KEPT_SIZE or fp is None or not fp.seekable():
        archive.writestr(entry, data)
        return
    packed = deflated(data)
    # What ZipFile's own writer sets (`_open_to_write`, then its file's `close`), for a
    # seekable archive of entries far under ZIP64's limits.
    entry.flag_bits = 0
    if not entry.external_attr:
        entry.external_attr = 0o600 << 16
    entry.file_size = len(data)
    entry.compress_size = len(packed)
    entry.CRC = zlib.crc32(data)
    if entry.filename in archive.NameToInfo:  # ZipFile warns of a duplicate name; never here
        archive.writestr(entry, data)
        return
    fp.seek(archive.start_dir)
    entry.header_offset = fp.tell()
    fp.write(entry.FileHeader(False))
    fp.write(packed)
    archive.start_dir = fp.tell()
    archive.filelist.append(entry)
    archive.NameToInfo[entry.filename] = entry
    archive._didModify = True  # type: ignore[attr-defined]  # its central directory, on close


def deflated(data: bytes) -> bytes:
    """Return `data` deflated as ZipFile does at its default level, kept in the cache folder."""
    inputs = cache.digest(zlib.ZLIB_RUNTIME_VERSION, str(zlib.Z_DEFAULT_COMPRESSION), data)
    slot = f"{SLOT_KIND}-{inputs.hex()[:24]}"
    kept = cache.load(slot, inputs)
    if kept is not None:
        return kept
    packed = deflate(data)
    cache.store(slot, inputs, packed)
    return packed


def deflate(data: bytes) -> bytes:
    """Return `data` deflated as ZipFile's writer deflates an entry (a raw stream)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()

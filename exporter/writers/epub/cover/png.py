"""PNG files of palette pictures, spliced from runs of rows compressed apart.

Most rows of a cover are the same on every cover of an edition (the masthead, the white
paper, the foot band): they are compressed once per worker, each run on its own, and a
cover's PNG splices them around the rows of its own text, the only ones it compresses.
Raw deflate blocks that end on a byte boundary can follow one another in any order; the
zlib stream's checksum over all rows is put together from the runs' own (zlib's
`adler32_combine`, which Python's zlib does not offer).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZLIB_HEADER = b"\x78\x9c"
"""Deflate with a 32 kB window; every run is compressed within it."""
FINAL_BLOCK = b"\x03\x00"
"""An empty last block (fixed codes): the deflate stream ends after the runs."""
ADLER_BASE = 65521


@dataclass(frozen=True, slots=True)
class Run:
    """Rows of a picture, filtered as PNG stores them, compressed on their own."""

    data: bytes
    """Raw deflate blocks, flushed to a byte boundary and not marked last."""
    adler: int
    """The Adler-32 checksum of the rows."""
    length: int
    """The rows' length in bytes, filter bytes included."""


def deflate(rows: bytes, level: int, strategy: int = zlib.Z_DEFAULT_STRATEGY) -> Run:
    """Return filtered rows compressed as a run that any other run may follow."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, 9, strategy)
    data = compressor.compress(rows) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Run(data, zlib.adler32(rows), len(rows))


def palette_png(size: tuple[int, int], palette: bytes, runs: Sequence[Run]) -> bytes:
    """Return a PNG of 8-bit palette indices whose filtered rows are the runs', in order."""
    width, height = size
    if sum(run.length for run in runs) != height * (width + 1):
        raise ValueError("the runs do not hold the picture's rows")
    checksum = 1
    for run in runs:
        checksum = adler32_combine(checksum, run.adler, run.length)
    stream = b"".join(
        [ZLIB_HEADER, *(run.data for run in runs), FINAL_BLOCK, checksum.to_bytes(4, "big")]
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return b"".join(
        [
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", palette),
            _chunk(b"IDAT", stream),
            _chunk(b"IEND", b""),
        ]
    )


def adler32_combine(first: int, second: int, length: int) -> int:
    """Return the Adler-32 of two texts joined, from their checksums and the second's length."""
    remainder = length % ADLER_BASE
    low = first & 0xFFFF
    high = (remainder * low) % ADLER_BASE
    low += (second & 0xFFFF) + ADLER_BASE - 1
    high += (first >> 16) + (second >> 16) + ADLER_BASE - remainder
    return (low % ADLER_BASE) | ((high % ADLER_BASE) << 16)


def _chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

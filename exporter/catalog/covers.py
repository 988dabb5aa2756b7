"""An issue's cover and its thumbnail as files of the catalogue."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from exporter.catalog.issues import Issue

COVER_FOLDER = "covers"
THUMBNAIL_SIZE = (160, 240)
"""The box a thumbnail fits in, in pixels (an e-reader's list shows them this small)."""
MAX_COVER_PIXELS = 40_000_000
"""The largest cover decoded to make a thumbnail; a bigger one gets none."""
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass(frozen=True, slots=True)
class CoverFiles:
    """Where an issue's cover and thumbnail are in the catalogue, and their bytes."""

    cover: tuple[str, str, bytes] | None
    """The cover's file name, media type and bytes."""
    thumbnail: tuple[str, str, bytes] | None
    """The thumbnail's file name, media type and bytes."""


def cover_files(issue: Issue) -> CoverFiles:
    """Return the issue's cover as its EPUB holds it and a small JPEG of it."""
    if issue.cover is None or issue.cover.media_type not in SUFFIXES:
        return CoverFiles(None, None)
    suffix = SUFFIXES[issue.cover.media_type]
    cover = (f"{COVER_FOLDER}/{issue.name}{suffix}", issue.cover.media_type, issue.cover.data)
    data = thumbnail(issue.cover.data)
    small = (f"{COVER_FOLDER}/{issue.name}-thumbnail.jpg", "image/jpeg", data) if data else None
    return CoverFiles(cover, small)


def thumbnail(data: bytes) -> bytes | None:
    """Return a JPEG of the image `data` that fits THUMBNAIL_SIZE, or None if it cannot be read."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_COVER_PIXELS:
                    return None
                image.thumbnail(THUMBNAIL_SIZE)
                flat = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                flat.paste(rgba, mask=rgba.getchannel("A"))
        out = io.BytesIO()
        flat.save(out, "JPEG", quality=85, optimize=True)
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    return out.getvalue()

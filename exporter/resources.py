"""The resource policy: renderers read only files in the article's folder and the layout."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter.context import RenderContext

log = logging.getLogger("exporter")
MAX_IMAGE_BYTES = 20_000_000


def allowed_roots(context: RenderContext) -> tuple[Path, ...]:
    """Return the folders a renderer may read from."""
    return (
        context.source_dir.resolve(),
        context.layout.folder.resolve(),
        context.layout.fonts.resolve(),
    )


def local_path(reference: str, context: RenderContext) -> Path | None:
    """Return the file a reference names if the policy allows it, else warn and return None.

    A reference is a path relative to the article's folder or a `file:` URL. Network URLs,
    paths that leave the allowed folders (through `..` or a symbolic link) and anything
    that is not a regular file are refused.
    """
    parts = urlsplit(reference)
    if parts.scheme and parts.scheme != "file" and len(parts.scheme) > 1:
        log.warning("refused %r: renderers do not fetch from the network", reference)
        return None
    raw = unquote(parts.path) if parts.scheme == "file" else reference
    candidate = (context.source_dir / raw).resolve()
    if not any(candidate.is_relative_to(root) for root in allowed_roots(context)):
        log.warning("refused %r: outside the article's folder and the layout", reference)
        return None
    if not candidate.is_file():
        log.warning("missing file %r", reference)
        return None
    if candidate.stat().st_size > MAX_IMAGE_BYTES:
        log.warning("refused %r: larger than %d bytes", reference, MAX_IMAGE_BYTES)
        return None
    return candidate


def media_type(path: Path) -> str:
    """Return the media type of a file from its extension."""
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"

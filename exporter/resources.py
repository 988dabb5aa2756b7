"""The resource policy: renderers read only files in the article's folder and the layout."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter.context import RenderContext

log = logging.getLogger("exporter")
MAX_IMAGE_BYTES = 5_000_000
"""The largest image a `data:` URL may carry, decoded."""
MAX_FILE_BYTES = 50_000_000
"""The largest file a renderer reads: a photograph at print resolution, a large font."""
SYSTEM_FOLDERS = (Path("/dev"), Path("/proc"), Path("/sys"))
"""Never read, even when an article lives above them: devices and the kernel's files."""
SHOWN_CHARACTERS = 80
"""How much of a refused reference a warning shows: a data: URL can be megabytes long."""


def allowed_roots(context: RenderContext) -> tuple[Path, ...]:
    """Return the folders a renderer may read from."""
    return (
        context.source_dir.resolve(),
        context.layout.folder.resolve(),
        context.layout.fonts.resolve(),
    )


def shown(reference: str) -> str:
    """Return a reference as a warning names it: quoted, and cut if it is long."""
    if len(reference) > SHOWN_CHARACTERS:
        return repr(reference[: SHOWN_CHARACTERS - 3] + "...")
    return repr(reference)


def local_path(reference: str, context: RenderContext) -> Path | None:
    """Return the file a reference names if the policy allows it, else warn and return None.

    A reference is a path relative to the article's folder or a `file:` URL. Network URLs,
    `data:` URLs (only the PDF renderer reads those, through its fetcher), paths that leave
    the allowed folders (through `..` or a symbolic link), devices and the kernel's files,
    and anything that is not a regular file are refused.
    """
    try:
        parts = urlsplit(reference)
    except ValueError:  # a broken host, such as "http://[x"
        log.warning("refused %s: not a valid address", shown(reference))
        return None
    scheme = parts.scheme.lower()
    # A one-letter scheme is a Windows drive ("C:/x"): a path, which the roots then refuse.
    if scheme == "data":
        log.warning("refused %s: a data: URL, not a file", shown(reference))
        return None
    if scheme and scheme != "file" and len(scheme) > 1:
        log.warning("refused %s: renderers do not fetch from the network", shown(reference))
        return None
    raw = unquote(parts.path) if scheme == "file" else reference
    try:
        candidate = (context.source_dir / raw).resolve()
        inside = any(candidate.is_relative_to(root) for root in allowed_roots(context))
        system = any(candidate.is_relative_to(folder) for folder in SYSTEM_FOLDERS)
        if not inside or system:
            log.warning("refused %s: outside the article's folder and the layout", shown(reference))
            return None
        if not candidate.is_file():
            log.warning("missing file %s", shown(reference))
            return None
        size = candidate.stat().st_size
    except OSError as error:  # a folder the build may not read
        log.warning("refused %s: %s", shown(reference), error.strerror or error)
        return None
    except RuntimeError:  # Path.resolve's word for a loop of symbolic links
        log.warning("refused %s: a loop of symbolic links", shown(reference))
        return None
    if size > MAX_FILE_BYTES:
        log.warning("refused %s: larger than %d bytes", shown(reference), MAX_FILE_BYTES)
        return None
    return candidate


def read_limited(path: Path) -> bytes | None:
    """Return a file's bytes, or None if it grew past the limit since the policy allowed it."""
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        log.warning("refused %s: larger than %d bytes", shown(str(path)), MAX_FILE_BYTES)
        return None
    return data


def media_type(path: Path) -> str:
    """Return the media type of a file from its extension."""
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"

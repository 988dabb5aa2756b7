"""The OPDS catalogue of the folder's built articles (dist/) at /opds, and its search."""

from __future__ import annotations

import logging
import math
import threading
from pathlib import Path
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from exporter.catalog import Catalogue, make_catalogue
from exporter.catalog.covers import SUFFIXES
from exporter.catalog.feeds import (
    ACQUISITION_TYPE,
    FORMATS,
    NAVIGATION_TYPE,
    PAGE_SIZE,
    ROOT_FEED,
    SEARCH_DOCUMENT,
    SEARCH_TYPE,
    Shelf,
)
from exporter.catalog.search import matching, opensearch_description
from exporter.errors import ExportError
from exporter.serve.answers import error_answer
from exporter.serve.editor import editor_of
from exporter.serve.jobs import OUT_FOLDER
from exporter.serve.store import OutsideFolderError

log = logging.getLogger("exporter")

SEARCH_PATH = "search"
"""The search's address within /opds/; its description names it in full."""
MEDIA_TYPES = {suffix: media_type for media_type, suffix in SUFFIXES.items()}
MEDIA_TYPES.update({".jpg": "image/jpeg", ".xml": ACQUISITION_TYPE})
Signature = tuple[tuple[str, int, int], ...]


class CatalogueCache:
    """The catalogue of dist/, made again only when its EPUBs or PDFs change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: tuple[Signature, Catalogue] | None = None

    def get(self, folder: Path) -> Catalogue:
        """Return the catalogue of `folder`; raise ExportError if it has no built article."""
        with self._lock:
            signature = _signature(folder)
            if self._made is None or self._made[0] != signature:
                catalogue = make_catalogue(folder, f"{SEARCH_PATH}?q={{searchTerms}}")
                for warning in catalogue.warnings:
                    log.warning("opds: %s", warning)
                self._made = (signature, catalogue)
            return self._made[1]


def _signature(folder: Path) -> Signature:
    """Return the names, sizes and times of the folder's EPUBs and PDFs."""
    found = []
    for path in sorted(folder.glob("*.*")):
        if path.suffix in (".epub", ".pdf"):
            try:
                status = path.stat()
            except OSError:
                continue
            found.append((path.name, status.st_size, status.st_mtime_ns))
    return tuple(found)


async def _catalogue(request: Request) -> tuple[Catalogue, Path] | Response:
    """Return the catalogue of dist/ and that folder, or the answer saying why there is none."""
    editor = editor_of(request)
    try:
        folder = editor.store.out_dir(OUT_FOLDER)
    except OutsideFolderError as error:
        return error_answer(request.url.path, str(error), 404)
    cache = getattr(request.app.state, "opds", None)
    if cache is None:
        cache = request.app.state.opds = CatalogueCache()
    try:
        catalogue = await editor.off_loop(cache.get, folder)
    except ExportError:
        message = f"no built articles in {OUT_FOLDER}/ yet: build them first (Build all)"
        return error_answer(request.url.path, message, 404)
    return catalogue, folder


async def opds_start(request: Request) -> Response:
    """Send /opds to /opds/, where the root feed's relative links resolve in the catalogue."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{request.url.path}/{query}", status_code=308)


async def opds_root(request: Request) -> Response:
    """Answer the root navigation feed."""
    found = await _catalogue(request)
    if isinstance(found, Response):
        return found
    return Response(found[0].files[ROOT_FEED], media_type=NAVIGATION_TYPE)


async def opds_search_description(request: Request) -> Response:
    """Answer the OpenSearch description, its template a full URL of this server's search."""
    found = await _catalogue(request)
    if isinstance(found, Response):
        return found
    template = f"{request.url_for('opds_search')}?q={{searchTerms}}"
    body = opensearch_description(template, found[0].writer.title)
    return Response(body, media_type=SEARCH_TYPE)


async def opds_search(request: Request) -> Response:
    """Answer an acquisition feed of the issues whose title, authors or summary match ?q=."""
    found = await _catalogue(request)
    if isinstance(found, Response):
        return found
    catalogue = found[0]
    query = request.query_params.get("q", "")
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 0
    issues = matching(catalogue.issues, query)
    count = max(1, math.ceil(len(issues) / PAGE_SIZE))
    if not 1 <= page <= count:
        return error_answer(request.url.path, f"no page {page} of this search", 404)
    shelf = Shelf(SEARCH_PATH, f"Search: {query}", issues)

    def href(number: int) -> str:
        return f"{SEARCH_PATH}?{urlencode({'q': query, 'page': number})}"

    # calibre's OPDS search takes the links of the results as they are: they are absolute.
    base = str(request.url_for("opds_root"))
    body = catalogue.writer.page(shelf, page, count, href, base)
    return Response(body, media_type=ACQUISITION_TYPE)


async def opds_file(request: Request) -> Response:
    """Answer a feed, cover or thumbnail of the catalogue, or an issue's EPUB or PDF."""
    found = await _catalogue(request)
    if isinstance(found, Response):
        return found
    catalogue, folder = found
    name = request.path_params["path"]
    data = catalogue.files.get(name)
    if data is not None:
        suffix = Path(name).suffix
        kind = NAVIGATION_TYPE if name == ROOT_FEED else MEDIA_TYPES.get(suffix)
        kind = SEARCH_TYPE if name == SEARCH_DOCUMENT else kind
        return Response(data, media_type=kind or "application/octet-stream")
    built = {
        f"{issue.name}.{suffix}": kind for issue in catalogue.issues for suffix, kind in FORMATS
    }
    if name in built and (folder / name).is_file():
        return FileResponse(folder / name, media_type=built[name], filename=name)
    return error_answer(request.url.path, f"no {name} in the catalogue", 404)


ROUTES = [
    Route("/opds", opds_start),
    Route("/opds/", opds_root, name="opds_root"),
    Route(f"/opds/{SEARCH_PATH}", opds_search, name="opds_search"),
    Route(f"/opds/{SEARCH_DOCUMENT}", opds_search_description),
    Route("/opds/{path:path}", opds_file),
]

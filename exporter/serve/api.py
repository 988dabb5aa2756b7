"""The HTTP API, for scripts and other systems: build, import, list the folder."""

from __future__ import annotations

import base64
import dataclasses
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exporter.errors import ExportError
from exporter.model import Article
from exporter.readers.markdown import read_markdown
from exporter.serve.answers import BusyError, error_answer, too_large
from exporter.serve.article import MEDIA_TYPES
from exporter.serve.editions import Stored, place_import, store_edition, stored_notes
from exporter.serve.editor import IMPORT_SUFFIXES, editor_of
from exporter.serve.library import Shelf, rows
from exporter.serve.security import json_header
from exporter.serve.store import VersionConflictError
from exporter.serve.workers import Imported, build_upload, import_upload
from exporter.validate import validate

IMPORT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "text/html": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
}
WARNINGS_HEADER = "x-exporter-warnings"


def error(message: str, status: int) -> Response:
    """Return an error as JSON: {"error": "..."}."""
    return error_answer("/api/", message, status)


def build_error(failure: ExportError) -> Response:
    """Return a build's failure: 503 when the server is busy, 422 for the article's fault."""
    if isinstance(failure, BusyError):
        raise failure  # answered with Retry-After by the app's handler
    return error(str(failure), 422 if failure.exit_code == 2 else 500)


async def build(request: Request) -> Response:
    """Build the Markdown article in the body; answer with the file of the format asked for."""
    editor = editor_of(request)
    fmt = request.query_params.get("to", "pdf")
    if fmt not in MEDIA_TYPES:
        return error(f"to={fmt!r} is not a format here (known: {', '.join(MEDIA_TYPES)})", 422)
    body = await request.body()
    if len(body) > editor.options.max_upload_bytes:
        return too_large(request.url.path, editor.options.max_upload_bytes)
    if not body.strip():
        return error("the request has no article in its body (Markdown with front matter)", 422)
    print_marks = fmt == "pdf" and request.query_params.get("print") in ("1", "true")
    try:
        rendered = await editor.workers.run(
            build_upload, body, fmt, print_marks, gone=request.is_disconnected
        )
    except ExportError as failure:
        return build_error(failure)
    return Response(
        rendered.data,
        media_type=MEDIA_TYPES[fmt],
        headers={WARNINGS_HEADER: json_header(rendered.warnings)},
    )


async def import_file(request: Request) -> Response:
    """Turn a DOCX, web page, JSON or Markdown article into Markdown with front matter.

    The file is the body (its kind from ?format= or the Content-Type) or a multipart
    field `file` (its kind from its name). JSON comes back when the client accepts it.
    """
    editor = editor_of(request)
    limit = editor.options.max_upload_bytes
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return error("the form has no 'file' field", 422)
        data = await upload.read(limit + 1)
        suffix = Path(upload.filename or "").suffix.lower()
    else:
        data = await request.body()
        wanted = request.query_params.get("format", "").lower().lstrip(".")
        suffix = f".{wanted}" if wanted else IMPORT_TYPES.get(content_type, "")
    if len(data) > limit:
        return too_large(request.url.path, limit)
    if suffix not in IMPORT_SUFFIXES:
        known = ", ".join(s.lstrip(".") for s in IMPORT_SUFFIXES)
        return error(f"say what the file is with ?format= ({known}) or its Content-Type", 422)
    lang = request.query_params.get("lang", "")
    try:
        imported = await editor.workers.run(
            import_upload, data, suffix, lang, gone=request.is_disconnected
        )
        # A translation of an article of the folder is saved there as its edition.
        placement = await editor.off_loop(place_import, editor, imported, suffix)
        imported, stored = placement.imported, None
        if placement.edition:
            stored = await editor.off_loop(store_edition, editor, imported, placement.edition)
            imported = dataclasses.replace(
                imported,
                markdown=stored.text,
                files=stored.pictures,
                warnings=(*imported.warnings, *stored_notes(stored)),
            )
    except ExportError as failure:
        return build_error(failure)
    status, headers = 200, {}
    if stored is not None:
        status = 201 if stored.created else 200
        headers = {"location": f"/api/articles/{stored.name}", "etag": f'"{stored.version}"'}
    if "application/json" in request.headers.get("accept", ""):
        pictures = {
            name: base64.b64encode(data).decode("ascii") for name, data in imported.files.items()
        }
        return JSONResponse(
            {
                "markdown": imported.markdown,
                "pictures": pictures,
                "warnings": list(imported.warnings),
                "edition": None if stored is None else _stored_json(stored, imported),
            },
            status,
            headers,
        )
    warnings = list(imported.warnings)
    if stored is None and imported.files:
        warnings.append(
            f"{len(imported.files)} pictures are not in this answer: ask with "
            "Accept: application/json to get them beside the Markdown"
        )
    return Response(
        imported.markdown,
        status,
        headers={**headers, WARNINGS_HEADER: json_header(tuple(warnings))},
        media_type="text/markdown; charset=utf-8",
    )


def _stored_json(stored: Stored, imported: Imported) -> dict[str, object]:
    """Return what the import's JSON says of the edition it saved."""
    article = imported.article
    return {
        "name": stored.name,
        "url": f"/articles/{stored.name}",
        "version": stored.version,
        "created": stored.created,
        "saved": not stored.unchanged,
        "translation_of": article.translation_of if article else None,
        "translated_from": (article.translated_from or None) if article else None,
    }


async def articles(request: Request) -> Response:
    """List the folder's articles with what the last check of each found.

    `?q=` keeps the articles whose title, authors, number, language or file name hold
    every word of it (case, width and accents folded); `?sort=` is title, number, date,
    lang, changed or words (the file name's order without it), `?order=` asc or desc
    (title and lang ascending by default, the others descending); articles without the
    value go last.
    """
    editor = editor_of(request)
    query = request.query_params.get("q", "")
    sort, order = request.query_params.get("sort", ""), request.query_params.get("order", "")
    try:
        chosen = Shelf(query, sort, order)
    except ValueError as failure:
        return error(str(failure), 422)
    listed = []
    for row in await editor.off_loop(rows, editor, chosen, True):
        status = row.status
        listed.append(
            {
                "name": row.name,
                "title": row.title,
                "number": int(row.number) if row.number.isdigit() else None,
                "date": row.date or None,
                "lang": row.lang,
                "authors": list(row.authors),
                "words": row.words,
                "unit": row.unit,
                "changed": row.changed or None,
                "version": row.version or None,
                "fits": status.fits if status is not None else None,
                "fit": status.fit if status is not None else "",
                "warnings": list(status.warnings) if status is not None else [],
                "checked": status.checked if status is not None else None,
                "last_built": row.last_built or None,
                "problem": row.problem,
                "url": f"/articles/{row.name}",
                # Editions: the details at /api/articles/NAME/editions.
                "translation_of": row.edition.translation_of if row.edition else None,
                "outdated": row.edition.outdated if row.edition else None,
                "editions": [edition.name for edition in row.editions],
            }
        )
    return JSONResponse({"articles": listed})


async def article_text(request: Request) -> Response:
    """Return an article file as it is, its version as the ETag."""
    editor = editor_of(request)
    snapshot = await editor.off_loop(editor.store.read, request.path_params["name"])
    return Response(
        snapshot.text,
        media_type="text/markdown; charset=utf-8",
        headers={"etag": f'"{snapshot.version}"'},
    )


async def put_article(request: Request) -> Response:
    """Save an article file: `If-Match` names the version edited, `If-None-Match: *` a new one.

    An older version is refused with 412 and the file is left as it is, as is an
    invalid article (422). 200 (201 for a new one) {"version": SHA-256 of the bytes
    saved, "id": the commit that keeps it in the folder's history, or null when the
    history could not be written}. The browser's autosave calls this.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    body = await request.body()
    if len(body) > editor.options.max_upload_bytes:
        return too_large(request.url.path, editor.options.max_upload_bytes)
    try:
        text = body.decode("utf-8").replace("\r\n", "\n")
        await editor.off_loop(_checked, text)
    except UnicodeDecodeError:
        return error(f"{name}: not UTF-8 text", 422)
    except ExportError as failure:
        return error(str(failure.in_file(name)), 422)
    if request.headers.get("if-none-match", "").strip() == "*":
        try:
            created = await editor.off_loop(editor.store.create, name, text)
        except FileExistsError:
            return error(f"{name} exists already", 412)
        except ValueError as failure:
            return error(str(failure), 422)
        return JSONResponse(
            {"version": created.version, "id": created.commit or None},
            201,
            {"etag": f'"{created.version}"'},
        )
    edited = request.headers.get("if-match", "").strip().strip('"')
    if not edited:
        return error("send If-Match with the ETag of the version you edited", 428)
    try:
        saved = await editor.off_loop(editor.store.save, name, text, edited)
    except VersionConflictError as conflict:
        return JSONResponse(
            {
                "error": f"{name} changed since that version; nothing was saved",
                "version": conflict.current.version,
            },
            412,
            {"etag": f'"{conflict.current.version}"'},
        )
    return JSONResponse(
        {"version": saved.version, "id": saved.commit or None},
        headers={"etag": f'"{saved.version}"'},
    )


def _checked(text: str) -> Article:
    """Return the article of a Markdown text, read and validated (in a reader thread)."""
    return validate(read_markdown(text))


ROUTES = [
    Route("/api/build", build, methods=["POST"]),
    Route("/api/import", import_file, methods=["POST"]),
    Route("/api/articles", articles),
    Route("/api/articles/{name}", article_text),
    Route("/api/articles/{name}", put_article, methods=["PUT"]),
]

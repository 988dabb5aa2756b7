"""The library page: every article of the folder; new article, import, build all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from exporter.errors import ExportError
from exporter.serve.answers import too_large
from exporter.serve.editor import IMPORT_SUFFIXES, Editor, editor_of
from exporter.serve.form import ArticleForm, compose
from exporter.serve.jobs import OUT_FOLDER
from exporter.serve.security import csrf_refused, csrf_valid
from exporter.serve.status import Status
from exporter.serve.workers import import_upload

NEW_BODY = "The first paragraph of the article."


@dataclass(frozen=True, slots=True)
class Row:
    """One article as the library lists it."""

    name: str
    """The file name."""
    title: str
    """The title, or the problem that keeps it from being read."""
    number: str
    """The issue number."""
    date: str
    """The date."""
    lang: str
    """The language tag."""
    status: Status | None
    """The last check of this version, if there was one."""
    last_built: str
    """When its PDF in dist/ was written, or empty."""
    problem: str = ""
    """Why the file cannot be read, if it cannot."""


def rows(editor: Editor) -> list[Row]:
    """Return a row for every article of the folder."""
    found = []
    for name, listed in editor.listing.entries():
        built = _last_built(editor.store.folder / OUT_FOLDER / (Path(name).stem + ".pdf"))
        if listed.problem:
            found.append(Row(name, "", "", "", "", None, built, listed.problem))
            continue
        front = listed.front
        found.append(
            Row(
                name,
                str(front.get("title") or ""),
                str(front.get("number") or ""),
                str(front.get("date") or ""),
                str(front.get("lang") or "en"),
                editor.statuses.get(name, listed.version),
                built,
            )
        )
    return found


async def library(request: Request) -> Response:
    """Show every article of the folder."""
    return await _library_page(request, {})


async def new_article(request: Request) -> Response:
    """Create an article file from a title and open it."""
    editor = editor_of(request)
    form = await request.form()
    if not csrf_valid(request, form.get("csrf")):
        return csrf_refused()
    title = str(form.get("title") or "").strip()
    if not title:
        return await _library_page(request, {"new_error": "give the new article a title"}, 422)
    text = compose(
        ArticleForm(title=title, date=datetime.date.today().isoformat(), lang="en", body=NEW_BODY)
    )
    name = _create(editor, title, text)
    return RedirectResponse(f"/articles/{name}", 303)


async def import_article(request: Request) -> Response:
    """Import an uploaded DOCX, web page or article file into a new article file."""
    editor = editor_of(request)
    limit = editor.options.max_upload_bytes
    form = await request.form(max_files=1, max_fields=10)
    if not csrf_valid(request, form.get("csrf")):
        return csrf_refused()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await _library_page(request, {"import_error": "choose a file to import"}, 422)
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        known = ", ".join(IMPORT_SUFFIXES)
        message = f"{upload.filename}: cannot import {suffix or 'this'} files (known: {known})"
        return await _library_page(request, {"import_error": message}, 422)
    data = await upload.read(limit + 1)
    if len(data) > limit:
        return too_large(request.url.path, limit)
    try:
        imported = await editor.workers.run(
            import_upload, data, suffix, str(form.get("lang") or "").strip()
        )
    except ExportError as error:
        message = str(error.in_file(upload.filename))
        return await _library_page(request, {"import_error": message}, 422)
    name = _create(editor, imported.title, imported.markdown)
    editor.notices[name] = [
        f"imported from {upload.filename}",
        *(f"warning: {w}" for w in imported.warnings),
    ]
    return RedirectResponse(f"/articles/{name}", 303)


async def start_build_all(request: Request) -> Response:
    """Start building every article into dist/ and go back to the library."""
    form = await request.form()
    if not csrf_valid(request, form.get("csrf")):
        return csrf_refused()
    editor_of(request).build_all.start()
    return RedirectResponse("/", 303)


async def build_all_progress(request: Request) -> Response:
    """Return the progress of the build of all articles, as JSON."""
    return JSONResponse(editor_of(request).build_all.as_data())


async def _library_page(
    request: Request, context: dict[str, object], status: int = 200
) -> Response:
    editor = editor_of(request)
    return editor.page(
        request,
        "library.html",
        {
            "rows": await editor.off_loop(rows, editor),
            "progress": editor.build_all.as_data(),
            "suffixes": ",".join(IMPORT_SUFFIXES),
            **context,
        },
        status,
    )


def _create(editor: Editor, title: str, text: str) -> str:
    while True:
        name = editor.store.free_name(title)
        try:
            editor.store.create(name, text)
            return name
        except FileExistsError:  # taken between the look and the write: the next one
            continue


def _last_built(pdf: Path) -> str:
    try:
        stamp = pdf.stat().st_mtime
    except OSError:
        return ""
    moment = datetime.datetime.fromtimestamp(stamp, datetime.UTC)
    return moment.isoformat(sep=" ", timespec="seconds").replace("+00:00", " UTC")


ROUTES = [
    Route("/", library),
    Route("/new", new_article, methods=["POST"]),
    Route("/import", import_article, methods=["POST"]),
    Route("/build-all", start_build_all, methods=["POST"]),
    Route("/build-all/progress", build_all_progress),
]

"""The library page: every article of the folder; new article, import, build all."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from exporter.context import RenderContext
from exporter.errors import ExportError
from exporter.output import write_new
from exporter.serve.answers import too_large
from exporter.serve.editions import (
    Edition,
    edition_of,
    editions_by_source,
    place_import,
    store_edition,
    stored_notes,
)
from exporter.serve.editor import IMPORT_SUFFIXES, Editor, editor_of
from exporter.serve.form import ArticleForm, compose
from exporter.serve.jobs import OUT_FOLDER
from exporter.serve.security import csrf_refused, csrf_valid
from exporter.serve.status import Status
from exporter.serve.store import slug
from exporter.serve.workers import Imported, import_upload, known_layout

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
    edition: Edition | None = None
    """What it is an edition of (`translation_of`), and whether it is outdated; None for
    an original."""
    editions: tuple[Edition, ...] = ()
    """Its editions, in name order."""


def rows(editor: Editor) -> list[Row]:
    """Return a row for every article of the folder."""
    found = []
    entries = editor.listing.entries()
    by_source = editions_by_source(entries)
    versions = {name: listed.version for name, listed in entries}
    for name, listed in entries:
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
                edition=edition_of(name, listed, versions),
                editions=tuple(by_source.get(name, ())),
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
            import_upload,
            data,
            suffix,
            str(form.get("lang") or "").strip(),
            Path(upload.filename).name,
        )
        # A translation of an article here becomes its edition, else a new article.
        placement = await editor.off_loop(place_import, editor, imported, suffix)
        imported, done = placement.imported, []
        if placement.edition:
            stored = await editor.off_loop(store_edition, editor, imported, placement.edition)
            name, pictures, done = stored.name, list(stored.pictures), stored_notes(stored)
        else:
            name, pictures = await editor.off_loop(_create_imported, editor, imported)
    except ExportError as error:
        message = str(error.in_file(upload.filename))
        return await _library_page(request, {"import_error": message}, 422)
    editor.notices[name] = [
        f"imported from {upload.filename}",
        *done,
        *(f"wrote {picture} beside it" for picture in pictures),
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


def _create_imported(editor: Editor, imported: Imported) -> tuple[str, list[str]]:
    """Write an imported article and its pictures, named after it, beside it: all or none.

    A name is taken only when the article and every picture name are free, so an
    import never overwrites a file of the folder.
    """
    from exporter.readers.media import Media, place_media
    from exporter.writers.markdown import write_markdown

    if imported.article is None or not imported.pictures:
        return _create(editor, imported.title, imported.markdown), []
    folder = editor.store.folder
    stem = slug(imported.title)
    for number in itertools.count(1):
        name = f"{stem}.md" if number == 1 else f"{stem}-{number}.md"
        article, files = place_media(imported.article, Media(imported.pictures), Path(name).stem)
        if (folder / name).exists() or any((folder / p).exists() for p in files):
            continue
        context = RenderContext(known_layout(article.series), folder)
        text = write_markdown(article, context).decode("utf-8")
        written: list[Path] = []
        try:
            for picture, data in files.items():
                write_new(folder / picture, data)
                written.append(folder / picture)
            editor.store.create(name, text)
        except BaseException as error:
            for path in written:
                path.unlink(missing_ok=True)
            if isinstance(error, FileExistsError):
                continue  # taken between the look and the write: the next one
            raise
        return name, list(files)
    raise AssertionError("unreachable")


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

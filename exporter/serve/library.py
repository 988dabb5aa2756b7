"""The library page: every article of the folder, searched and sorted; new, import, build all.

Its rows' small forms rename, duplicate and delete an article, and bring a deleted one
back; they post here and are sent on (303), so that the page works without JavaScript.
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
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
from exporter.serve.history import HistoryError
from exporter.serve.jobs import OUT_FOLDER
from exporter.serve.listing import Listed, folded
from exporter.serve.security import csrf_refused, csrf_valid
from exporter.serve.status import Status
from exporter.serve.store import ARTICLE_NAME, LinkedArticleError, VersionConflictError, slug
from exporter.serve.translation_changes import changes_page
from exporter.serve.versions import bring_back, deleted_data, duplicate
from exporter.serve.workers import Imported, import_upload, known_layout

NEW_BODY = "The first paragraph of the article."
SORTS = {
    "title": "title",
    "number": "number",
    "date": "date",
    "lang": "language",
    "changed": "last change",
    "words": "length",
}
"""The library's orders, by the name `?sort=` gives them, with their labels."""
ASCENDING = ("title", "lang")
"""The orders that go upwards unless told (`?order=`): the others list the most first."""
MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class Shelf:
    """What the library shows: a search and an order."""

    query: str = ""
    """Words each listed article holds in its title, authors, number, language or name."""
    sort: str = ""
    """One of SORTS, or empty for the file names' order."""
    order: str = ""
    """"asc" or "desc"; empty for the order's usual direction."""

    def __post_init__(self) -> None:
        if self.sort and self.sort not in SORTS:
            raise ValueError(f"sort={self.sort!r} is not an order here (known: {', '.join(SORTS)})")
        if self.order not in ("", "asc", "desc"):
            raise ValueError(f"order={self.order!r} is neither asc nor desc")
        if len(self.query) > MAX_QUERY:
            raise ValueError(f"the search is longer than {MAX_QUERY} characters")

    @property
    def ascending(self) -> bool:
        """Return True when the list goes from the least to the most."""
        return self.order == "asc" if self.order else self.sort in ASCENDING

    def link(self, sort: str) -> str:
        """Return the library's address in the order `sort`; the current one turned round."""
        order = ""
        if sort == self.sort:
            order = "desc" if self.ascending else "asc"
        fields = {"q": self.query, "sort": sort, "order": order}
        return "/?" + urlencode({key: value for key, value in fields.items() if value})


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
    authors: tuple[str, ...] = ()
    """The authors' names."""
    words: int | None = None
    """The body's reading length, or None if it does not read (or was not counted)."""
    unit: str = ""
    """What `words` counts: "words" or "characters"."""
    changed: str = ""
    """When the file last changed (ISO 8601, UTC)."""
    version: str = ""
    """The version listed, which a rename or a deletion from the row must name."""
    edition: Edition | None = None
    """What it is an edition of (`translation_of`), and whether it is outdated; None for
    an original."""
    editions: tuple[Edition, ...] = ()
    """Its editions, in name order."""


def rows(editor: Editor, shelf: Shelf | None = None, lengths: bool = False) -> list[Row]:
    """Return a row for every article of the folder that the search keeps, in its order.

    `lengths` counts each body's length (once per version: it parses the article).
    """
    shelf = shelf or Shelf()
    words = folded(shelf.query).split()
    entries = editor.listing.entries()
    by_source = editions_by_source(entries)
    versions = {name: entry.version for name, entry in entries}
    listed = [(name, entry) for name, entry in entries if all(w in entry.search for w in words)]
    counted = {
        name: editor.listing.length(name, entry) if lengths or shelf.sort == "words" else None
        for name, entry in listed
    }
    if shelf.sort:
        keys = {name: _sort_key(shelf.sort, name, entry, counted[name]) for name, entry in listed}
        # The articles without the value go last, whichever the direction.
        having = [item for item in listed if keys[item[0]] is not None]
        lacking = [item for item in listed if keys[item[0]] is None]
        having.sort(key=lambda item: keys[item[0]], reverse=not shelf.ascending)
        listed = having + lacking
    return [
        dataclasses.replace(
            _row(editor, name, entry, counted[name]),
            edition=edition_of(name, entry, versions) if not entry.problem else None,
            editions=tuple(by_source.get(name, ())),
        )
        for name, entry in listed
    ]


def _sort_key(sort: str, name: str, entry: Listed, length: tuple[int | None, str] | None) -> Any:
    front = entry.front
    if sort == "title":
        return (folded(str(front.get("title") or name)), name)
    if sort == "number":
        number = front.get("number")
        return (number, name) if isinstance(number, int) else None
    if sort == "date":
        date = str(front.get("date") or "")
        return (date, name) if date else None
    if sort == "lang":
        return (folded(str(front.get("lang") or "en")), name)
    if sort == "changed":
        return (entry.changed, name)
    return (length[0], name) if length and length[0] is not None else None


def _row(editor: Editor, name: str, listed: Listed, length: tuple[int | None, str] | None) -> Row:
    built = _last_built(editor.store.folder / OUT_FOLDER / (Path(name).stem + ".pdf"))
    changed = _moment(listed.changed) if listed.changed else ""
    if listed.problem:
        return Row(name, "", "", "", "", None, built, listed.problem, changed=changed)
    front = listed.front
    return Row(
        name,
        str(front.get("title") or ""),
        str(front.get("number") or ""),
        str(front.get("date") or ""),
        str(front.get("lang") or "en"),
        editor.statuses.get(name, listed.version),
        built,
        authors=listed.authors,
        words=length[0] if length else None,
        unit=length[1] if length else "",
        changed=changed,
        version=listed.version,
    )


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
    created = await editor.off_loop(editor.store.create_free, title, text)
    return RedirectResponse(f"/articles/{created.name}", 303)


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
            name, pictures = await editor.off_loop(
                _create_imported, editor, imported, Path(upload.filename).name
            )
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


async def rename_article(request: Request) -> Response:
    """Rename an article from its row (fields `to` and the row's `version`); open it.

    A name refused is shown beside the row's field, the name typed kept in it.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    fields = await _posted(request)
    if fields is None:
        return csrf_refused()
    new_name = str(fields.get("to") or "").strip()

    async def refused(message: str, status: int) -> Response:
        problem = RenameProblem(name, new_name, message)
        return await _library_page(request, {"rename_problem": problem}, status)

    if not ARTICLE_NAME.match(new_name):
        return await refused(name_problem(new_name), 422)
    try:
        renamed = await editor.off_loop(
            editor.store.rename, name, new_name, str(fields.get("version") or "")
        )
    except VersionConflictError:
        return await refused(_changed(name), 409)
    except FileExistsError:
        return await refused(f"{new_name} exists already: choose another name", 409)
    except (ValueError, LinkedArticleError) as error:
        return await refused(str(error), 422)
    return RedirectResponse(f"/articles/{renamed.name}", 303)


async def duplicate_article(request: Request) -> Response:
    """Copy an article to a new file named after its title; open the copy."""
    editor = editor_of(request)
    if await _posted(request) is None:
        return csrf_refused()
    copy = await editor.off_loop(duplicate, editor, request.path_params["name"])
    return RedirectResponse(f"/articles/{copy.name}", 303)


async def delete_article(request: Request) -> Response:
    """Delete an article from its row (the row's `version`); back to the library."""
    editor = editor_of(request)
    name = request.path_params["name"]
    fields = await _posted(request)
    if fields is None:
        return csrf_refused()
    try:
        await editor.off_loop(editor.store.delete, name, str(fields.get("version") or ""))
    except VersionConflictError:
        return await _library_page(request, {"shelf_error": _changed(name)}, 409)
    except LinkedArticleError as error:
        return await _library_page(request, {"shelf_error": str(error)}, 422)
    except HistoryError as error:
        message = f"{name} is not deleted: the folder's history cannot keep it ({error})"
        return await _library_page(request, {"shelf_error": message}, 503)
    return RedirectResponse("/?" + urlencode({"deleted": name}), 303)


async def undelete_article(request: Request) -> Response:
    """Bring a deleted article back, under its name or a free one; open it, or, from the
    library's own forms (`then=library`), go back to the library and say so there."""
    editor = editor_of(request)
    fields = await _posted(request)
    if fields is None:
        return csrf_refused()
    back = await editor.off_loop(bring_back, editor, request.path_params["name"])
    if fields.get("then") == "library":
        return RedirectResponse("/?" + urlencode({"restored": back.name}), 303)
    return RedirectResponse(f"/articles/{back.name}", 303)


async def _posted(request: Request) -> FormData | None:
    """Return a row's posted form; None when its CSRF field is wrong."""
    fields = await request.form(max_files=0, max_fields=10)
    return fields if csrf_valid(request, fields.get("csrf")) else None


def _changed(name: str) -> str:
    return f"{name} changed since the library was shown: nothing was done; look again below"


def name_problem(name: str) -> str:
    """Return, in one line, why a name typed for an article file is not one."""
    if not name:
        return "type the new file name, like new-name.md"
    why = "letters, digits, ., - and _, then .md"
    if "/" in name or "\\" in name:
        why = "it holds a slash, and an article stays in this folder"
    elif not name.endswith((".md", ".markdown")):
        why = "it must end in .md"
    return f"{name} is not an article file name: {why}"


@dataclass(frozen=True, slots=True)
class RenameProblem:
    """A rename refused, shown beside the row's field."""

    name: str
    """The article that was to be renamed."""
    typed: str
    """The name typed, kept in the field."""
    message: str
    """Why it was refused, in one line."""


def _shelf(request: Request) -> tuple[Shelf, dict[str, object]]:
    """Return the search and order a request asks for, and the error of a wrong one."""
    params = request.query_params
    try:
        shelf = Shelf(params.get("q", "").strip(), params.get("sort", ""), params.get("order", ""))
    except ValueError as error:
        return Shelf(), {"shelf_error": str(error)}
    return shelf, {}


def _shelf_context(shelf: Shelf, listed: list[Row]) -> dict[str, object]:
    """Return what the list of articles shows: its rows, its orders, its count."""
    return {
        "rows": listed,
        "shelf": shelf,
        "sorts": SORTS,
        "sort_links": {key: shelf.link(key) for key in SORTS},
        "count": counted(len(listed), shelf.query),
    }


def counted(found: int, query: str) -> str:
    """Return how many articles the library lists, as the page says it."""
    if found == 1:
        return f"1 article holds “{query}”" if query else "1 article in this folder"
    return f"{found} articles hold “{query}”" if query else f"{found} articles in this folder"


async def shelf_part(request: Request) -> Response:
    """Return the list of articles alone, as the search typed into the library shows it."""
    editor = editor_of(request)
    shelf, problems = _shelf(request)
    listed = await editor.off_loop(rows, editor, shelf)
    context = {**_shelf_context(shelf, listed), **problems}
    return editor.page(request, "library_shelf.html", context)


async def _library_page(
    request: Request, context: dict[str, object], status: int = 200
) -> Response:
    editor = editor_of(request)
    shelf, problems = _shelf(request)
    try:
        deleted = await editor.off_loop(deleted_data, editor)
    except HistoryError:
        deleted = []  # said in the server's log; the library is shown all the same
    listed = await editor.off_loop(rows, editor, shelf)
    return editor.page(
        request,
        "library.html",
        {
            **_shelf_context(shelf, listed),
            **problems,
            "deleted": deleted,
            "done": _done(request, deleted, listed),
            "progress": editor.build_all.as_data(),
            "suffixes": ",".join(IMPORT_SUFFIXES),
            **context,
        },
        status,
    )


@dataclass(frozen=True, slots=True)
class Done:
    """What the library's last form did, said at the top of the page with its undo."""

    action: str
    """"deleted" or "restored"."""
    name: str
    """The article's file name."""
    title: str
    """Its title."""


def _done(request: Request, deleted: list[dict[str, Any]], listed: list[Row]) -> Done | None:
    """Return what `?deleted=` or `?restored=` says was done, if it names an article."""
    gone = request.query_params.get("deleted", "")
    if ARTICLE_NAME.match(gone):
        found = next((item for item in deleted if item["name"] == gone), None)
        if found is not None:
            return Done("deleted", gone, str(found["title"]))
    back = request.query_params.get("restored", "")
    if ARTICLE_NAME.match(back):
        row = next((row for row in listed if row.name == back), None)
        if row is not None:
            return Done("restored", back, row.title or back)
    return None


def _create_imported(editor: Editor, imported: Imported, source: str) -> tuple[str, list[str]]:
    """Write an imported article and its pictures, named after it, beside it: all or none.

    A name is taken only when the article and every picture name are free, so an
    import never overwrites a file of the folder.
    """
    from exporter.readers.media import Media, place_media
    from exporter.writers.markdown import write_markdown

    note = f" from {source}"
    if imported.article is None or not imported.pictures:
        created = editor.store.create_free(imported.title, imported.markdown, "import", note)
        return created.name, []
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
            editor.store.create(name, text, "import", note, beside=list(files))
        except BaseException as error:
            for path in written:
                path.unlink(missing_ok=True)
            if isinstance(error, FileExistsError):
                continue  # taken between the look and the write: the next one
            raise
        return name, list(files)
    raise AssertionError("unreachable")


def _last_built(pdf: Path) -> str:
    try:
        stamp = pdf.stat().st_mtime
    except OSError:
        return ""
    moment = datetime.datetime.fromtimestamp(stamp, datetime.UTC)
    return moment.isoformat(sep=" ", timespec="seconds").replace("+00:00", " UTC")


def _moment(stamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(stamp, datetime.UTC)
    return moment.isoformat(timespec="seconds")


ROUTES = [
    Route("/", library),
    Route("/shelf", shelf_part),
    Route("/new", new_article, methods=["POST"]),
    Route("/import", import_article, methods=["POST"]),
    Route("/build-all", start_build_all, methods=["POST"]),
    Route("/build-all/progress", build_all_progress),
    Route("/articles/{name}/rename", rename_article, methods=["POST"]),
    Route("/articles/{name}/duplicate", duplicate_article, methods=["POST"]),
    Route("/articles/{name}/delete", delete_article, methods=["POST"]),
    Route("/deleted/{name}/restore", undelete_article, methods=["POST"]),
    Route("/articles/{name}/changes", changes_page),
]

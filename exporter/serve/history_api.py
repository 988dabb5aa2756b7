"""The HTTP API of an article's versions: history, a version, diff, restore; delete, rename, copy.

Every answer is JSON; errors are {"error": "..."} (exporter.serve.answers). A write
names the version it was made from (`If-Match` for DELETE, "base" in the body
otherwise) and is refused with 412 and the current "version" when the file has
changed since, 428 when it names none. `id` is a commit of the folder's git
repository; it is null in an answer when the repository could not be written (the
change is made all the same, and the server's log says why once).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exporter.serve.answers import error_answer, too_large
from exporter.serve.editor import editor_of
from exporter.serve.history import HistoryError
from exporter.serve.store import (
    ARTICLE_NAME,
    LinkedArticleError,
    Snapshot,
    VersionConflictError,
)
from exporter.serve.versions import (
    HISTORY_PAGE,
    MOST_IN_A_PAGE,
    TooLargeError,
    VersionNotFoundError,
    bring_back,
    deleted_data,
    diff_data,
    duplicate,
    history_data,
    kept_version,
    restore,
    version_data,
)

MAX_JSON_BYTES = 64 * 1024
"""The largest body of a request here: a few names and ids."""


READ_FAILURES = (VersionNotFoundError, TooLargeError, HistoryError)
"""What reading a version may fail with; `failed` gives each its status."""


def error(request: Request, message: str, status: int) -> Response:
    """Return an error as JSON: {"error": "..."}."""
    return error_answer(request.url.path, message, status)


def failed(request: Request, failure: Exception) -> Response:
    """Return the answer to a failure of reading a version: 404, 413 or 500."""
    if isinstance(failure, VersionNotFoundError):
        return error(request, str(failure), 404)
    if isinstance(failure, TooLargeError):
        return error(request, str(failure), 413)
    return error(request, str(failure), 500)


async def history(request: Request) -> Response:
    """List an article's versions, newest first, a page at a time.

    `?limit=` (1-500, default 50) versions; `?before=` the `next` of the page before.
    200 {"name": "a.md", "version": SHA-256 of the file now or null if it is deleted,
    "versions": [{"id": commit, "time": ISO 8601 (UTC), "name": its file name then,
    "version": SHA-256 of its bytes, "words": reading length or null if it does not
    read, "unit": "words" | "characters" | "", "fit": null | {"state": "fits" |
    "short" | "over" | "error", "fits": true | false | null, "text": "fills 96% ..."},
    "message": the commit's first line, "action": "save" | "merge" | "create" |
    "import" | "restore" | "rename" | "duplicate" | "undelete" | "found" | "" (a
    commit made outside the app)}], "next": a cursor for `before`, or null at the
    first version}. A renamed article's versions go on under its older name.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    try:
        limit = int(request.query_params.get("limit", HISTORY_PAGE))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MOST_IN_A_PAGE:
        return error(request, f"limit must be a whole number from 1 to {MOST_IN_A_PAGE}", 422)
    before = request.query_params.get("before", "")
    try:
        data = await editor.off_loop(history_data, editor, name, limit, before)
    except ValueError as failure:
        return error(request, str(failure), 422)
    except HistoryError as failure:
        return error(request, str(failure), 500)
    return JSONResponse(data)


async def version(request: Request) -> Response:
    """Return one version of an article.

    200 {"id", "time", "name", "version", "message", "action", "text": the Markdown};
    404 when the article's history has no such commit.
    """
    editor = editor_of(request)
    name, commit = request.path_params["name"], request.path_params["id"]
    try:
        kept = await editor.off_loop(kept_version, editor, name, commit)
    except READ_FAILURES as failure:
        return failed(request, failure)
    return JSONResponse(version_data(kept))


async def diff(request: Request) -> Response:
    """Return what changed between two versions: `?from=ID`, `?to=ID` (the file now if absent).

    200 {"from": {"id", "version"}, "to": {"id" or null, "version"}, "added": count,
    "removed": count, "lines": [{"kind": "same" | "removed" | "added", "text": the
    line, "old": its number in `from` or null, "new": its number in `to` or null}]},
    every line of both texts in reading order.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    old, new = request.query_params.get("from", ""), request.query_params.get("to", "")
    if not old:
        return error(request, "say which version to compare from: ?from=ID", 422)
    try:
        data = await editor.off_loop(diff_data, editor, name, old, new)
    except READ_FAILURES as failure:
        return failed(request, failure)
    return JSONResponse(data)


async def restore_version(request: Request) -> Response:
    """Make an earlier version the newest: a new save, with the usual version check.

    Body {"version": ID of the version to restore, "base": SHA-256 of the file as the
    client has it}. 200 {"name", "version": the new SHA-256, "id": the new commit};
    412 {"error", "version"} when the file changed since `base` (nothing is saved);
    404 for a version not in the history; 422 for one that does not read as an article.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    commit, base = body.get("version"), body.get("base")
    if not isinstance(commit, str) or not commit:
        return error(request, 'say which version to restore: {"version": ID}', 422)
    if not isinstance(base, str) or not base:
        return error(request, 'say which version you have: {"base": VERSION}', 428)
    try:
        saved = await editor.off_loop(restore, editor, name, commit, base)
    except VersionConflictError as conflict:
        return _conflict(name, conflict)
    except READ_FAILURES as failure:
        return failed(request, failure)
    return _saved(saved)


async def delete_article(request: Request) -> Response:
    """Delete an article: `If-Match` names the version deleted; it stays in the history.

    200 {"name", "version": SHA-256 of its last text, "id": the deletion's commit};
    503 when the history cannot keep it (then nothing is deleted); 422 for an article
    that is a link to another file.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    edited = request.headers.get("if-match", "").strip().strip('"')
    if not edited:
        return error(request, "send If-Match with the ETag of the version you delete", 428)
    try:
        gone = await editor.off_loop(editor.store.delete, name, edited)
    except VersionConflictError as conflict:
        return _conflict(name, conflict)
    except LinkedArticleError as failure:
        return error(request, str(failure), 422)
    except HistoryError as failure:
        message = f"{name} is not deleted: the folder's history cannot keep it ({failure})"
        return error(request, message, 503)
    return JSONResponse({"name": gone.name, "version": gone.version, "id": gone.commit or None})


async def rename_article(request: Request) -> Response:
    """Give an article another file name; its history follows it.

    Body {"to": "new-name.md", "base": SHA-256 of the file as the client has it}.
    200 {"name": the new name, "version", "id", "url"}; 409 when the name is taken;
    422 for a name that is not an article's (letters, digits, `.`, `-`, `_`; .md).
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    body = await _json_body(request)
    if isinstance(body, Response):
        return body
    new_name, base = body.get("to"), body.get("base")
    if not isinstance(new_name, str) or not ARTICLE_NAME.match(new_name):
        return error(request, f"{new_name!r} is not an article file name (like new-name.md)", 422)
    if not isinstance(base, str) or not base:
        return error(request, 'say which version you have: {"base": VERSION}', 428)
    try:
        renamed = await editor.off_loop(editor.store.rename, name, new_name, base)
    except VersionConflictError as conflict:
        return _conflict(name, conflict)
    except FileExistsError:
        return error(request, f"{new_name} exists already", 409)
    except (ValueError, LinkedArticleError) as failure:
        return error(request, str(failure), 422)
    return _saved(renamed)


async def duplicate_article(request: Request) -> Response:
    """Copy an article to a new file named after its title.

    201 {"name": the copy's file name, "version", "id", "url"}.
    """
    editor = editor_of(request)
    copy = await editor.off_loop(duplicate, editor, request.path_params["name"])
    return _saved(copy, 201)


async def deleted(request: Request) -> Response:
    """List the deleted articles, newest deletion first.

    200 {"deleted": [{"name", "title", "when": ISO 8601 (UTC), "id": the deletion's
    commit, "last": the commit of its last version, "version": that version's SHA-256}]}.
    """
    editor = editor_of(request)
    try:
        listed = await editor.off_loop(deleted_data, editor)
    except HistoryError as failure:
        return error(request, str(failure), 500)
    return JSONResponse({"deleted": listed})


async def undelete(request: Request) -> Response:
    """Bring a deleted article back, under its name or, if that is taken, a free one.

    201 {"name": the name it has now, "version", "id", "url"}; 404 when no article of
    that name is deleted.
    """
    editor = editor_of(request)
    try:
        back = await editor.off_loop(bring_back, editor, request.path_params["name"])
    except HistoryError as failure:
        return error(request, str(failure), 500)
    return _saved(back, 201)


async def _json_body(request: Request) -> dict[str, Any] | Response:
    """Return a request's JSON object, or the answer refusing it."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return error(request, "send the request as JSON (Content-Type: application/json)", 415)
    body = await request.body()
    if len(body) > MAX_JSON_BYTES:
        return too_large(request.url.path, MAX_JSON_BYTES)
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return error(request, "the body is not JSON", 422)
    if not isinstance(data, dict):
        return error(request, "the body must be a JSON object", 422)
    return data


def _saved(snapshot: Snapshot, status: int = 200) -> Response:
    return JSONResponse(
        {
            "name": snapshot.name,
            "version": snapshot.version,
            "id": snapshot.commit or None,
            "url": f"/articles/{snapshot.name}",
        },
        status,
        {"etag": f'"{snapshot.version}"'},
    )


def _conflict(name: str, conflict: VersionConflictError) -> Response:
    return JSONResponse(
        {
            "error": f"{name} changed since that version; nothing was changed",
            "version": conflict.current.version,
        },
        412,
        {"etag": f'"{conflict.current.version}"'},
    )


ROUTES = [
    Route("/api/articles/{name}", delete_article, methods=["DELETE"]),
    Route("/api/articles/{name}/history", history),
    Route("/api/articles/{name}/versions/{id}", version),
    Route("/api/articles/{name}/diff", diff),
    Route("/api/articles/{name}/restore", restore_version, methods=["POST"]),
    Route("/api/articles/{name}/rename", rename_article, methods=["POST"]),
    Route("/api/articles/{name}/duplicate", duplicate_article, methods=["POST"]),
    Route("/api/deleted", deleted),
    Route("/api/deleted/{name}/restore", undelete, methods=["POST"]),
]

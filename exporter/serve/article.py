"""The article page: the form, the save with its version check, the proof, the downloads."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from exporter.errors import ExportError
from exporter.serve.answers import BusyError
from exporter.serve.conflict import (
    Outcome,
    Overlapping,
    Saved,
    choices_from,
    hidden,
    overlaps_shown,
    save_merged,
    unhidden,
)
from exporter.serve.editor import editor_of
from exporter.serve.form import (
    ArticleForm,
    body_offset,
    compose,
    field_errors,
    form_fields,
    form_from_post,
    form_from_text,
)
from exporter.serve.merge import merge
from exporter.serve.proofjson import DOWNLOADS, proof_json
from exporter.serve.security import csrf_refused, csrf_valid
from exporter.serve.store import Snapshot, VersionConflictError
from exporter.serve.workers import render_article
from exporter.writers import writer_entry

SIZES = ("", "full")
"""A page picture's sizes: the proof's (100 dpi), and reading size (200 dpi)."""
STALE_FORM = "the page is out of date or came from another site (CSRF check); reload it"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


async def article_page(request: Request) -> Response:
    """Show an article's form, and its proof (the browser asks for the pictures)."""
    editor = editor_of(request)
    name = request.path_params["name"]
    snapshot = await editor.off_loop(editor.store.read, name)
    try:
        form = await editor.off_loop(form_from_text, snapshot.text)
        unreadable = ""
    except ExportError as error:
        form, unreadable = ArticleForm(body=snapshot.text), str(error.in_file(name))
    notices = editor.notices.pop(name, [])
    saved, combined = request.query_params.get("saved"), request.query_params.get("combined")
    if saved == "merged" and combined:
        notices.insert(0, f"saved, with the changes saved meanwhile to {combined} kept too")
    elif saved:
        notices.insert(0, "saved")
    if request.query_params.get("restored"):
        notices.insert(0, "restored: the version chosen is now the newest, the one before it kept")
    return _article_page(request, snapshot, form, notices=notices, unreadable=unreadable)


async def _posted(request: Request) -> FormData | None:
    """Return a posted form of this app's pages; None when its CSRF field is wrong."""
    fields = await request.form(max_part_size=editor_of(request).options.max_body_bytes)
    return fields if csrf_valid(request, fields.get("csrf")) else None


async def save_article(request: Request) -> Response:
    """Save the form: invalid input leaves the file as it was; a save made meanwhile is merged.

    A page that asks for JSON (`Accept: application/json`, its autosave) is answered so;
    see `saved_json`.
    """
    editor = editor_of(request)
    name = request.path_params["name"]
    as_json = wants_json(request)
    fields = await _posted(request)
    if fields is None:
        return _json_error(STALE_FORM, 403) if as_json else csrf_refused()
    current = await editor.off_loop(editor.store.read, name)
    try:
        kept = (await editor.off_loop(form_from_text, current.text)).kept
    except ExportError as error:
        message = f"{error.in_file(name)}; fix it in a text editor, then reload"
        if as_json:
            return _json_error(message, 422)
        return _article_page(
            request, current, ArticleForm(body=current.text), unreadable=message, status=422
        )
    form = form_from_post(fields, kept)
    edited = str(fields.get("version") or "")
    base = unhidden(fields.get("base"), edited)
    errors = await editor.off_loop(field_errors, form)
    if errors:
        if as_json:
            return _json_error("correct the fields marked", 422, fields=errors)
        # Shown with the version the editor started from, so a later save still checks it.
        started = Snapshot(name, base or "", edited)
        return _article_page(request, started, form, errors=errors, status=422)
    yours = compose(form)
    try:
        saved = await editor.off_loop(editor.store.save, name, yours, edited)
    except VersionConflictError as conflict:
        if base is None:  # the page did not say what it started from: show both whole
            if as_json:
                return _json_error("someone else saved this article meanwhile", 409, conflict=True)
            return _article_page(
                request,
                conflict.current,
                form,
                conflict=_conflict(conflict.current.text, yours),
                status=409,
            )
        merged: Outcome = await editor.off_loop(
            save_merged, editor.store, name, base, yours, conflict.current
        )
        if as_json:
            return saved_json(merged)
        return _after_merge(request, merged)
    if as_json:
        return saved_json(Saved(saved, ()))
    return RedirectResponse(f"/articles/{name}?saved=1", 303)


def wants_json(request: Request) -> bool:
    """Return True when the page asks to be answered in JSON rather than with a page."""
    return "application/json" in request.headers.get("accept", "")


def saved_json(outcome: Outcome) -> Response:
    """Answer a save asked for in JSON.

    200 {"saved": "saved" | "merged", "version": the new SHA-256, "base": the text saved
    as the form's hidden field holds it, "id": the commit or null, "combined": the
    parts where a save made meanwhile was kept, "fields": the form's fields as saved
    (after a merge they hold the other save's changes)}; 422 {"error", "fields": {field:
    message}}; 409 {"error", "conflict": true} when both saves changed one place, or
    the merge does not read: the form posted as a page shows the choice.
    """
    if isinstance(outcome, Saved):
        snapshot = outcome.snapshot
        return JSONResponse(
            {
                "saved": "merged" if outcome.combined else "saved",
                "version": snapshot.version,
                "base": hidden(snapshot.text),
                "id": snapshot.commit or None,
                "combined": list(outcome.combined),
                "fields": form_fields(form_from_text(snapshot.text)),
            }
        )
    message = "someone else saved this article meanwhile, and changed the same places"
    return _json_error(message, 409, conflict=True)


def _json_error(message: str, status: int, **extra: Any) -> Response:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def resolve_overlaps(request: Request) -> Response:
    """Save a merge with the editor's choice at each place both saves changed."""
    editor = editor_of(request)
    name = request.path_params["name"]
    fields = await _posted(request)
    if fields is None:
        return csrf_refused()
    base, yours = unhidden(fields.get("base")), unhidden(fields.get("yours"))
    if base is None or yours is None:
        return PlainTextResponse("the merge form is incomplete; reload the article", 422)
    current = await editor.off_loop(editor.store.read, name)
    shown = await editor.off_loop(merge, base, yours, current.text)
    choices = choices_from(fields, shown)
    if current.version != fields.get("theirs"):
        choices = None  # saved again since the page was shown: its overlaps are asked anew
    elif choices is None:
        asked = Overlapping(shown, current, yours, base)
        return _after_merge(request, asked, "choose a version at every place marked below")
    outcome: Outcome = await editor.off_loop(
        save_merged, editor.store, name, base, yours, current, choices
    )
    return _after_merge(request, outcome)


def _after_merge(request: Request, outcome: Outcome, problem: str = "") -> Response:
    """Answer a merged save: saved, overlaps to choose at, or a merge that does not read."""
    name = request.path_params["name"]
    if isinstance(outcome, Saved):
        query = urlencode({"saved": "merged", "combined": "; ".join(outcome.combined)})
        return RedirectResponse(f"/articles/{name}?{query}", 303)
    if isinstance(outcome, Overlapping):
        merging = {
            "overlaps": overlaps_shown(outcome.merged),
            "combined": outcome.merged.combined,
            "base": hidden(outcome.base),
            "yours": hidden(outcome.yours),
            "theirs": outcome.theirs.version,
            "problem": problem,
        }
        form = form_from_text(outcome.yours)
        return _article_page(request, outcome.theirs, form, merging=merging, status=409)
    form = form_from_text(outcome.text)
    notice = (
        "Your save and the one made meanwhile were combined, but the result does not read: "
        "correct it below and save (nothing is saved yet)"
    )
    return _article_page(
        request,
        outcome.theirs,
        form,
        errors=field_errors(form) or {"form": outcome.problem},
        notices=[notice],
        status=409,
    )


async def proof_data(request: Request) -> Response:
    """Lay out the article as it is now; return the fitting's result and the pictures' URLs.

    The JSON is that of `POST /api/articles/{name}/proof` (exporter.serve.drafts).
    """
    name = request.path_params["name"]
    _, checked = await editor_of(request).proofs.check(name, request.is_disconnected)
    return JSONResponse(proof_json(name, checked))


async def page_picture(request: Request) -> Response:
    """Return the picture of one page of the article's bulletin.

    `?v=VERSION` names the proof (of the file or of a draft) while it is kept, else the
    file as it is now is proofed; `&size=full` draws the page at reading size.
    """
    editor = editor_of(request)
    name, number = request.path_params["name"], request.path_params["number"]
    asked = request.query_params.get("v", "")
    size = request.query_params.get("size", "")
    if size not in SIZES:
        return PlainTextResponse(f"size={size!r}: full, or no size for the proof's", 404)
    checked = editor.proofs.kept_proof(name, asked)
    if checked is None:
        _, checked = await editor.proofs.check(name, request.is_disconnected)
    pages = checked.proof.pages if checked.proof is not None else ()
    if not 1 <= number <= len(pages):
        return PlainTextResponse(checked.error or "no such page", status_code=404)
    picture = pages[number - 1]
    if size == "full":
        large = await editor.proofs.large_page(checked, name, number, request.is_disconnected)
        if large is None:
            return PlainTextResponse("no such page", status_code=404)
        picture = large
    return Response(picture, media_type="image/png", headers={"cache-control": "no-cache"})


async def download(request: Request) -> Response:
    """Return the article as a PDF (with bleed and marks for ?print=1), EPUB or DOCX."""
    editor = editor_of(request)
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    if fmt not in DOWNLOADS:
        return PlainTextResponse(f"no download as {fmt!r}", status_code=404)
    print_marks = fmt == "pdf" and request.query_params.get("print") == "1"
    path = editor.store.path(name)
    try:
        # From the step of the last proof: the download is the bulletin the proof showed.
        start = editor.proofs.steps.get(name)
        rendered = await editor.workers.run(
            render_article, str(path), fmt, print_marks, start, gone=request.is_disconnected
        )
    except BusyError:
        raise  # answered with Retry-After by the app's handler
    except ExportError as error:
        status = 422 if error.exit_code == 2 else 500
        return PlainTextResponse(str(error.in_file(name)), status_code=status)
    filename = Path(name).stem + ("-print" if print_marks else "") + writer_entry(fmt).extension
    return Response(
        rendered.data,
        media_type=MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _conflict(theirs: str, yours: str) -> dict[str, Any]:
    """Return both versions of a refused save and the lines where they differ."""
    lines = difflib.unified_diff(
        theirs.splitlines(), yours.splitlines(), "theirs", "yours", n=1, lineterm=""
    )
    return {"theirs": theirs, "yours": yours, "differences": list(lines)[2:]}


def _article_page(
    request: Request,
    snapshot: Snapshot,
    form: ArticleForm,
    *,
    errors: dict[str, str] | None = None,
    conflict: dict[str, Any] | None = None,
    merging: dict[str, Any] | None = None,
    notices: list[str] | None = None,
    unreadable: str = "",
    status: int = 200,
) -> Response:
    editor = editor_of(request)
    checked = editor.proofs.kept_proof(snapshot.name, snapshot.version)
    return editor.page(
        request,
        "article.html",
        {
            "name": snapshot.name,
            "version": snapshot.version,
            "form": form,
            "errors": errors or {},
            "conflict": conflict,
            "merging": merging,
            "base": hidden(snapshot.text) if snapshot.text else "",
            "notices": notices or [],
            "unreadable": unreadable,
            "proof": proof_json(snapshot.name, checked) if checked else None,
            "body_offset": body_offset(snapshot.text),
            "downloads": DOWNLOADS,
        },
        status,
    )


ROUTES = [
    Route("/articles/{name}", article_page),
    Route("/articles/{name}", save_article, methods=["POST"]),
    Route("/articles/{name}/merge", resolve_overlaps, methods=["POST"]),
    Route("/articles/{name}/proof.json", proof_data),
    Route("/articles/{name}/pages/{number:int}.png", page_picture),
    Route("/articles/{name}/download/{fmt}", download),
]

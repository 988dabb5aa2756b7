"""The article page: the form, the save with its version check, the proof, the downloads."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from exporter.errors import ExportError
from exporter.serve.editor import editor_of
from exporter.serve.form import (
    ArticleForm,
    compose,
    field_errors,
    form_from_post,
    form_from_text,
)
from exporter.serve.proofs import Checked
from exporter.serve.security import csrf_valid
from exporter.serve.store import Snapshot, VersionConflictError
from exporter.serve.workers import render_article
from exporter.writers import writer_entry

DOWNLOADS = ("pdf", "epub", "docx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "epub": "application/epub+zip",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


async def article_page(request: Request) -> Response:
    """Show an article's form, and its proof (the browser asks for the pictures)."""
    editor = editor_of(request)
    name = request.path_params["name"]
    snapshot = editor.store.read(name)
    try:
        form = form_from_text(snapshot.text)
        unreadable = ""
    except ExportError as error:
        form, unreadable = ArticleForm(body=snapshot.text), str(error.in_file(name))
    notices = editor.notices.pop(name, [])
    if request.query_params.get("saved"):
        notices.insert(0, "saved")
    return _article_page(request, snapshot, form, notices=notices, unreadable=unreadable)


async def save_article(request: Request) -> Response:
    """Save the form: invalid input or a stale version leave the file as it was."""
    editor = editor_of(request)
    name = request.path_params["name"]
    fields = await request.form(max_part_size=editor.options.max_body_bytes)
    if not csrf_valid(request, fields.get("csrf")):
        return PlainTextResponse(
            "the form is out of date or came from another site (CSRF check); reload the page",
            status_code=403,
        )
    current = editor.store.read(name)
    try:
        kept = form_from_text(current.text).kept
    except ExportError as error:
        message = f"{error.in_file(name)}; fix it in a text editor, then reload"
        return _article_page(
            request, current, ArticleForm(body=current.text), unreadable=message, status=422
        )
    form = form_from_post(fields, kept)
    edited = str(fields.get("version") or "")
    errors = field_errors(form)
    if errors:
        # Shown with the version the editor started from, so a later save still checks it.
        return _article_page(request, Snapshot(name, "", edited), form, errors=errors, status=422)
    try:
        editor.store.save(name, compose(form), edited)
    except VersionConflictError as conflict:
        return _article_page(
            request,
            conflict.current,
            form,
            conflict=_conflict(conflict.current.text, compose(form)),
            status=409,
        )
    return RedirectResponse(f"/articles/{name}?saved=1", 303)


async def proof_data(request: Request) -> Response:
    """Lay out the article as it is now; return the fitting's result and the pictures' URLs."""
    name = request.path_params["name"]
    _, checked = await editor_of(request).proofs.check(name)
    return JSONResponse(_proof_json(name, checked.version, checked))


async def page_picture(request: Request) -> Response:
    """Return the picture of one page of the article's bulletin."""
    editor = editor_of(request)
    name, number = request.path_params["name"], request.path_params["number"]
    asked = request.query_params.get("v", "")
    checked = editor.proofs.kept_proof(name, asked)
    if checked is None:
        _, checked = await editor.proofs.check(name)
    pages = checked.proof.pages if checked.proof is not None else ()
    if not 1 <= number <= len(pages):
        return PlainTextResponse(checked.error or "no such page", status_code=404)
    return Response(
        pages[number - 1], media_type="image/png", headers={"cache-control": "no-cache"}
    )


async def download(request: Request) -> Response:
    """Return the article as a PDF (with bleed and marks for ?print=1), EPUB or DOCX."""
    editor = editor_of(request)
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    if fmt not in DOWNLOADS:
        return PlainTextResponse(f"no download as {fmt!r}", status_code=404)
    print_marks = fmt == "pdf" and request.query_params.get("print") == "1"
    path = editor.store.path(name)
    try:
        rendered = await editor.workers.run(render_article, str(path), fmt, print_marks)
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


def _proof_json(name: str, version: str, checked: Checked) -> dict[str, Any]:
    proof = checked.proof
    pages = proof.pages if proof is not None else ()
    return {
        "version": version,
        "fits": proof.fits if proof is not None else None,
        "fit": proof.fit if proof is not None else "",
        "error": checked.error,
        "warnings": list(proof.warnings) if proof is not None else [],
        "pages": [f"/articles/{name}/pages/{n}.png?v={version}" for n in range(1, len(pages) + 1)],
        "seconds": round(proof.seconds, 2) if proof is not None else None,
    }


def _article_page(
    request: Request,
    snapshot: Snapshot,
    form: ArticleForm,
    *,
    errors: dict[str, str] | None = None,
    conflict: dict[str, Any] | None = None,
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
            "notices": notices or [],
            "unreadable": unreadable,
            "proof": _proof_json(snapshot.name, snapshot.version, checked) if checked else None,
            "downloads": DOWNLOADS,
        },
        status,
    )


ROUTES = [
    Route("/articles/{name}", article_page),
    Route("/articles/{name}", save_article, methods=["POST"]),
    Route("/articles/{name}/proof.json", proof_data),
    Route("/articles/{name}/pages/{number:int}.png", page_picture),
    Route("/articles/{name}/download/{fmt}", download),
]

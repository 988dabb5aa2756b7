"""The proof of an unsaved text, for the editor as it types: `POST /api/articles/{name}/proof`.

The body is the whole article file as edited (front matter and body, UTF-8), sent as
`text/markdown` or `text/plain`; or the article page's form fields, sent as
`application/x-www-form-urlencoded`, made into the file as a save of the form makes it
(the front matter the form does not edit is the file's). The article `name` must be in
the folder, whose pictures the text's figures name. Nothing is written: the text is laid
out from memory in a worker, its fitting started from the article's last proof.

Answers, all JSON:

200, the proof; the same keys as `GET /articles/{name}/proof.json`:
    version      the SHA-256 of the bytes sent (of the file's bytes for proof.json)
    fits         true: fits two pages; false: too long; null: could not be read
    fit          the fitting in words, with where to cut or the room left, or ""
    state        "fits", "short", "over" or "error"
    short, over  about how many words (characters for CJK) short or over; 0 if not
    unit         "words" or "characters" ("" with an error)
    cut          too long: the last line page 2 holds (under the red line), else ""
    error        the one-line error of a text that cannot be read, else ""
    line, column where the error lies in the text sent, from 1; null when not known
    warnings     the build's warnings
    pages        the page pictures' URLs (`/articles/NAME/pages/N.png?v=VERSION`);
                 two, every page of the layout when too long, [] with an error or
                 when far too long to lay out at all
    full_pages   the same pictures at reading size (200 dpi; `&size=full`), drawn
                 when first asked for
    seconds      how long the worker took; step: the fit's step (null when over)
    setting      the setting laid out, {step, name, body_size, leading}: the one
                 chosen, or the tightest when too long; `name` is "loosest", "ideal",
                 "tightest" or "" between them; null with an error
    lines_left   fits: whole lines of body text page 2 could still take; else null
    lines_over   too long: [{setting, body_size, lines, measured}]: about how many
                 lines to cut to fit at the tightest setting (measured) and at the
                 ideal one (predicted from it); [] when it fits
    beyond       too long: the blocks that fall past page 2, in order,
                 [{block, kind, words, line, whole}]: `block` the index among the
                 body's blocks (from 0), `kind` paragraph, heading, list,
                 block_quote, pull_quote, figure, table or notes, `words` its first
                 words, `line` the line of the text it starts on (null if not known),
                 `whole` false for the one page 2 cuts across; washed in red on the
                 pictures past page 2
    downloads    {"pdf"|"epub"|"docx": {ready, reason, url}}: whether that download
                 can be built from this text, and if not why (too long: the PDF; an
                 error: all three); the downloads build the saved file

    The answer to form fields has one more key, and counts lines within the Body field
    (`line` of an error in the body, `beyond[].line`):
    fields       {field: message}: the form fields at fault, by their names (title,
                 date, author-0-name, body...; "form" for the front matter the form
                 does not show), each with its message; {} when the text reads. A
                 field's own fault (a date that is no date) is answered without a layout.

409, superseded: a newer text of the article came while this one waited to be laid
    out, and took its place; only the newest is laid out after the one running.
    {"error": "...", "superseded": true, "version": this text's, "newer": the newer's}.
    409 rather than a 2xx: the request was not answered with a proof, and a client
    that reads any 2xx as one must not show it; rather than 429 or 503: nothing is
    to be tried again, the newer text's answer is the one to wait for.
404 no such article; 413 larger than `max_upload_bytes`; 415 not text/markdown or
    text/plain, or a charset other than UTF-8; 422 empty, binary or not UTF-8 (with
    `line`); 503 with Retry-After when the builds' queue is full. Each {"error": "..."}.

A page need not give up on a request for an older text: its answer comes soon, or
superseded. One that does (closes the connection) while it sends a newer text costs
nothing; a text nobody waits for, with none newer, is dropped or its layout stopped.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from exporter.errors import ExportError, InputError
from exporter.readers import text_of
from exporter.serve.answers import error_answer, too_large
from exporter.serve.editor import editor_of
from exporter.serve.form import (
    body_offset,
    compose,
    field_faults,
    field_of_error,
    form_from_post,
    form_from_text,
)
from exporter.serve.proofjson import proof_json
from exporter.serve.proofs import Checked, SupersededError
from exporter.serve.store import version_of

TEXT_TYPES = ("text/markdown", "text/plain", "text/x-markdown")
FORM_TYPE = "application/x-www-form-urlencoded"
SUPERSEDED = 409


async def proof_draft(request: Request) -> Response:
    """Lay out an unsaved text of an article; answer its proof, its error, or superseded."""
    editor = editor_of(request)
    name = request.path_params["name"]
    path = request.url.path
    await editor.off_loop(editor.store.path, name)  # no such article: 404
    header = request.headers.get("content-type", "")
    posted_form = header.partition(";")[0].strip().lower() == FORM_TYPE
    refused = "" if posted_form else _refused_type(header)
    if refused:
        return error_answer(path, refused, 415)
    limit = editor.options.max_upload_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        return too_large(path, limit)  # before the body is read
    body = await request.body()
    if len(body) > limit:
        return too_large(path, limit)
    if not body.strip():
        return error_answer(path, "the request has no article in its body (Markdown)", 422)
    if posted_form:
        return await _proof_form(request, name)
    try:
        text = text_of(body)
    except InputError as error:
        message = str(error.in_file(name))
        return JSONResponse({"error": message, "line": error.line}, status_code=422)
    try:
        checked = await _draft(request, name, text, version_of(body))
    except SupersededError as superseded:
        return _superseded(name, superseded)
    return JSONResponse(proof_json(name, checked))


async def _proof_form(request: Request, name: str) -> Response:
    """Lay out the article the posted form fields make; answer as for a text, with `fields`."""
    editor = editor_of(request)
    try:
        fields = await request.form()  # the body is read already, within the limit
    except (ValueError, UnicodeDecodeError):
        return error_answer(request.url.path, "the form fields do not read (UTF-8)", 422)
    current = await editor.off_loop(editor.store.read, name)
    try:
        kept = (await editor.off_loop(form_from_text, current.text)).kept
    except ExportError as error:
        message = f"{error.in_file(name)}; fix it in a text editor, then reload"
        return _fault(name, "", {"form": message})
    form = form_from_post(fields, kept)
    text = compose(form)
    version = version_of(text.encode("utf-8"))
    faults = field_faults(form)
    if faults:
        return _fault(name, version, faults)
    try:
        checked = await _draft(request, name, text, version)
    except SupersededError as superseded:
        return _superseded(name, superseded)
    answer = proof_json(name, checked)
    offset = body_offset(text)
    answer["fields"] = {}
    if checked.error:
        field, message, line = field_of_error(checked.error, checked.line, offset)
        answer["fields"] = {field: message}
        if field == "body":
            answer["line"] = line
        else:
            answer["line"] = answer["column"] = None
    for past in answer["beyond"]:
        if past["line"] is not None:
            past["line"] = past["line"] - offset if past["line"] > offset else None
    return JSONResponse(answer)


async def _draft(request: Request, name: str, text: str, version: str) -> Checked:
    """Return the proof of a text of the article; SupersededError if a newer one came."""
    proofs = editor_of(request).proofs
    return await proofs.draft(name, text, version, request.is_disconnected)


def _fault(name: str, version: str, faults: dict[str, str]) -> Response:
    """Answer form fields at fault: the proof's keys for an error, and `fields`."""
    field, message = next(iter(faults.items()))
    answer = proof_json(name, Checked(version, None, f"{name}: {field}: {message}"))
    return JSONResponse(answer | {"fields": faults})


def _superseded(name: str, superseded: SupersededError) -> Response:
    return JSONResponse(
        {
            "error": f"{name}: {superseded}; its answer is the one to show",
            "superseded": True,
            "version": superseded.version,
            "newer": superseded.newer,
        },
        status_code=SUPERSEDED,
    )


def _refused_type(header: str) -> str:
    """Return why a Content-Type is refused, or "" for UTF-8 Markdown or plain text."""
    kind, _, parameters = header.partition(";")
    if kind.strip().lower() not in TEXT_TYPES:
        shown = kind.strip() or "none"
        return f"send the article as text/markdown or text/plain (UTF-8), not {shown}"
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            return f"send the article as UTF-8, not {value.strip()}"
    return ""


ROUTES = [Route("/api/articles/{name}/proof", proof_draft, methods=["POST"])]

"""Every error the app answers, in one shape: JSON for the API and scripts, a line elsewhere."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from exporter.errors import ExportError
from exporter.serve.store import ArticleNotFoundError

JSON_SUFFIXES = (".json", "/progress")
"""Paths outside /api/ that scripts on the pages fetch, and so read errors as JSON."""
GONE = 499
"""The status logged for a request whose client went away (nothing is sent)."""


class BodyTooLargeError(Exception):
    """A request body went past the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request is larger than the limit of {limit:,} bytes")
        self.limit = limit


class BodyTooSlowError(Exception):
    """A request body stopped arriving: a client too slow, or one holding the server."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the request's body did not arrive within {seconds:g} s")


class ClientGoneError(Exception):
    """The client that asked for a build went away before it was done."""


class BusyError(ExportError):
    """Too many builds wait already: the client should try again later (503)."""

    retry_after = 5
    """Seconds after which a new try is likely to be taken."""


def wants_json(path: str) -> bool:
    """Return True when the client of `path` reads answers as JSON."""
    return path.startswith("/api/") or path.endswith(JSON_SUFFIXES)


def error_answer(
    path: str, message: str, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    """Return an error as {"error": "..."} for the API and scripts, else as one line of text."""
    if wants_json(path):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return PlainTextResponse(message, status_code=status, headers=headers)


def too_large(path: str, limit: int) -> Response:
    """Return the 413 answer for a body over `limit` bytes."""
    return error_answer(path, f"the request is larger than the limit of {limit:,} bytes", 413)


async def on_too_large(request: Request, error: Exception) -> Response:
    """Answer a body that went past the limit while it was read."""
    assert isinstance(error, BodyTooLargeError)
    return too_large(request.url.path, error.limit)


async def on_too_slow(request: Request, error: Exception) -> Response:
    """Answer a body that stopped arriving, and close the connection."""
    return error_answer(request.url.path, str(error), 408, {"connection": "close"})


async def on_busy(request: Request, error: Exception) -> Response:
    """Answer 503 with Retry-After: the builds' queue is full."""
    assert isinstance(error, BusyError)
    headers = {"retry-after": str(error.retry_after)}
    return error_answer(request.url.path, str(error), 503, headers)


async def on_gone(_request: Request, _error: Exception) -> Response:
    """Send nothing to a client that went away; no traceback is logged for it."""
    return Response(status_code=GONE)


async def on_not_found(request: Request, error: Exception) -> Response:
    """Answer a name that is no article of the folder."""
    return error_answer(request.url.path, f"no article {str(error)!r} in this folder", 404)


async def on_unreadable(request: Request, error: Exception) -> Response:
    """Answer an article that cannot be read or built at all, in one line."""
    assert isinstance(error, ExportError)
    return error_answer(request.url.path, str(error), 422 if error.exit_code == 2 else 500)


async def on_http_error(request: Request, error: Exception) -> Response:
    """Answer Starlette's own errors (no such route, a broken multipart form) in our shape."""
    assert isinstance(error, HTTPException)
    return error_answer(request.url.path, str(error.detail), error.status_code, error.headers)


async def on_internal_error(request: Request, error: Exception) -> Response:
    """Answer a bug with 500 in our shape (the traceback goes to the server's log)."""
    detail = " ".join(str(error).split())
    message = f"internal error: {type(error).__name__}" + (f": {detail}" if detail else "")
    return error_answer(request.url.path, message, 500)


HANDLERS = {
    BodyTooLargeError: on_too_large,
    BodyTooSlowError: on_too_slow,
    BusyError: on_busy,
    ClientGoneError: on_gone,
    ClientDisconnect: on_gone,
    ArticleNotFoundError: on_not_found,
    ExportError: on_unreadable,
    HTTPException: on_http_error,
    Exception: on_internal_error,
}
"""The app's exception handlers, most specific first (Starlette looks them up by class)."""

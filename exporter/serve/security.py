"""Safe by default: the access token, the Host and Origin checks, body limits, CSRF, headers."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exporter.serve.options import ServeOptions, is_loopback

TOKEN_COOKIE = "exporter_token"
CSRF_COOKIE = "exporter_csrf"
CSRF_FIELD = "csrf"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
        b"form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make a POST's Origin "null"
    (b"x-frame-options", b"DENY"),
]


class BodyTooLargeError(Exception):
    """A request body went past the limit while it was read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request is larger than the limit of {limit} bytes")
        self.limit = limit


def too_large(limit: int) -> JSONResponse:
    """Return the 413 answer for a body over `limit` bytes."""
    return JSONResponse(
        {"error": f"the request is larger than the limit of {limit:,} bytes"}, status_code=413
    )


class Guard:
    """Checks every request before the app sees it, and adds the security headers."""

    def __init__(self, app: ASGIApp, options: ServeOptions) -> None:
        self.app = app
        self.options = options
        self.cookie = _cookie_value(options.token) if options.token else ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refused request here; pass the others on, their bodies counted."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self.refusal(Request(scope))
        if refusal is not None:
            await refusal(scope, receive, _with_headers(send))
            return
        await self.app(scope, self._limited(receive), _with_headers(send))

    def refusal(self, request: Request) -> Response | None:
        """Return the answer to a request that may not go on, or None."""
        if not self.options.token and not _loopback_host(request.headers.get("host", "")):
            # A page of another site may reach a loopback server through a name that
            # resolves to 127.0.0.1 (DNS rebinding); its Host header gives it away.
            return PlainTextResponse("this server answers to localhost only", status_code=421)
        if self.options.token and not self._authorised(request):
            offered = request.query_params.get("token", "")
            if offered and _same(offered, self.options.token):
                return self._log_in(request)
            return JSONResponse(
                {"error": "an access token is required (?token=, or Authorization: Bearer)"},
                status_code=401,
                headers={"www-authenticate": "Bearer"},
            )
        if _cross_site(request) or (
            request.method not in SAFE_METHODS and not _same_origin(request)
        ):
            return PlainTextResponse("a request from another site is refused", status_code=403)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.options.max_body_bytes:
            return too_large(self.options.max_upload_bytes)
        return None

    def _authorised(self, request: Request) -> bool:
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and _same(credentials, self.options.token):
            return True
        return _same(request.cookies.get(TOKEN_COOKIE, ""), self.cookie)

    def _log_in(self, request: Request) -> Response:
        """Set the token's cookie and send the browser on without the token in its address."""
        query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
        response = RedirectResponse(str(URL(path=request.url.path, query=query)), 303)
        response.set_cookie(TOKEN_COOKIE, self.cookie, httponly=True, samesite="strict")
        return response

    def _limited(self, receive: Receive) -> Receive:
        """Return `receive` counting the body, raising BodyTooLargeError past the limit."""
        limit = self.options.max_body_bytes
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(self.options.max_upload_bytes)
            return message

        return counted


def csrf_token(request: Request) -> str:
    """Return the CSRF token of this browser (from its cookie), or a new one."""
    token = request.cookies.get(CSRF_COOKIE, "")
    return token if len(token) >= 32 else secrets.token_urlsafe(32)


def remember_csrf(response: Response, token: str) -> Response:
    """Set the CSRF cookie that forms must repeat in their hidden field."""
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def csrf_valid(request: Request, submitted: object) -> bool:
    """Return True when a form's hidden CSRF field repeats the browser's cookie."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return isinstance(submitted, str) and len(cookie) >= 32 and _same(submitted, cookie)


def _same(offered: str, expected: str) -> bool:
    """Compare secrets in constant time; as bytes, since a header may hold any character."""
    return hmac.compare_digest(offered.strip().encode(), expected.encode())


def _cookie_value(token: str) -> str:
    """Return what the token cookie holds: derived from the token, not the token itself."""
    return hmac.new(token.encode(), b"exporter serve cookie", hashlib.sha256).hexdigest()


def _loopback_host(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return is_loopback(name.strip("[]")) if name else False


def _cross_site(request: Request) -> bool:
    """Return True for a request a page of another site makes, GETs included.

    Proofs, downloads and builds start work on a GET: an `<img>` on another site must
    not start them, nor probe which articles exist. Only a link followed to the library
    (a top-level navigation to `/`) is let in from another site.
    """
    site = request.headers.get("sec-fetch-site", "")
    if site == "cross-site":
        navigating = request.headers.get("sec-fetch-mode", "") == "navigate"
        return not (navigating and request.method == "GET" and request.url.path == "/")
    origin = request.headers.get("origin")
    return origin is not None and origin != "null" and not _same_origin(request)


def _same_origin(request: Request) -> bool:
    """Return False when a browser says the request comes from a page of another origin."""
    origin = request.headers.get("origin")
    if origin is None:  # not a browser's cross-site request (curl, a script)
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = Headers(raw=message.get("headers", []))
            extra = [(k, v) for k, v in SECURITY_HEADERS if k.decode() not in headers]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return sending


def json_header(values: tuple[str, ...] | list[str]) -> str:
    """Return a list of texts as a header value: JSON with every non-ASCII character escaped."""
    return json.dumps(list(values), ensure_ascii=True)

"""Safe by default: the access token, the Host and Origin checks, body limits, CSRF, headers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections import OrderedDict, deque
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import URL, Headers
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exporter.serve.answers import BodyTooLargeError, BodyTooSlowError, error_answer, too_large
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
FAILED_ATTEMPTS = 10
"""Wrong tokens one client may offer in `ATTEMPT_WINDOW` seconds; past that, 429."""
ATTEMPT_WINDOW = 60.0
CLIENTS_REMEMBERED = 10_000
"""Clients whose failed attempts are kept; the oldest are forgotten past that."""
log = logging.getLogger("exporter")


class Guard:
    """Checks every request before the app sees it, and adds the security headers."""

    def __init__(self, app: ASGIApp, options: ServeOptions) -> None:
        self.app = app
        self.options = options
        self.cookie = _cookie_value(options.token) if options.token else ""
        self.attempts = FailedAttempts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a refused request here; pass the others on, their bodies counted and timed."""
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
        path = request.url.path
        if not self.options.token and not _loopback_host(request.headers.get("host", "")):
            # A page of another site may reach a loopback server through a name that
            # resolves to 127.0.0.1 (DNS rebinding); its Host header gives it away.
            return error_answer(path, "this server answers to localhost only", 421)
        if self.options.token:
            refused = self._unauthorised(request)
            if refused is not None:
                return refused
        if _cross_site(request) or (
            request.method not in SAFE_METHODS and not _same_origin(request)
        ):
            return error_answer(path, "a request from another site is refused", 403)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.options.max_body_bytes:
            return too_large(path, self.options.max_upload_bytes)
        return None

    def _unauthorised(self, request: Request) -> Response | None:
        """Return the answer to a request without the token, or None when it has it.

        A client that offered wrong tokens `FAILED_ATTEMPTS` times within a minute is
        answered 429 until the oldest of them is a minute old, right or wrong token.
        """
        path, client = request.url.path, request.client.host if request.client else ""
        wait = self.attempts.wait(client)
        if wait:
            return error_answer(
                path,
                f"too many wrong access tokens from {client}; try again in {wait} s",
                429,
                {"retry-after": str(wait)},
            )
        offered = request.query_params.get("token", "")
        if self._authorised(request):
            return None
        if offered and _same(offered, self.options.token):
            return self._log_in(request)
        if offered or _credentials(request):
            failures = self.attempts.record(client)
            log.warning(
                "refused a wrong access token from %s for %s (%d in the last minute)",
                client or "an unknown client",
                path,
                failures,
            )
        return error_answer(
            path,
            "an access token is required (?token=, or Authorization: Bearer)",
            401,
            {"www-authenticate": "Bearer"},
        )

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
        """Return `receive` with the body counted and timed.

        Past the size limit it raises BodyTooLargeError; when the body stops arriving
        for `body_seconds`, BodyTooSlowError (a slow client must not hold a connection
        and its memory). Once the body is whole, `receive` waits for the client's
        disconnection as long as it takes.
        """
        limit, seconds = self.options.max_body_bytes, self.options.body_seconds
        received, whole = 0, False

        async def counted() -> Message:
            nonlocal received, whole
            if whole:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), seconds)
            except TimeoutError:
                raise BodyTooSlowError(seconds) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                whole = not message.get("more_body", False)
                if received > limit:
                    raise BodyTooLargeError(self.options.max_upload_bytes)
            return message

        return counted


class FailedAttempts:
    """Wrong tokens by client, in the last minute: who must wait, and how long."""

    def __init__(self) -> None:
        self.by_client: OrderedDict[str, deque[float]] = OrderedDict()

    def wait(self, client: str) -> int:
        """Return the seconds `client` must wait before its next try; 0 when it may try."""
        times = self._recent(client)
        if len(times) < FAILED_ATTEMPTS:
            return 0
        return max(1, round(times[0] + ATTEMPT_WINDOW - time.monotonic()))

    def record(self, client: str) -> int:
        """Count a wrong token from `client`; return its count in the last minute."""
        times = self._recent(client)
        times.append(time.monotonic())
        self.by_client[client] = times
        self.by_client.move_to_end(client)
        while len(self.by_client) > CLIENTS_REMEMBERED:
            self.by_client.popitem(last=False)
        return len(times)

    def _recent(self, client: str) -> deque[float]:
        times = self.by_client.get(client, deque())
        while times and times[0] <= time.monotonic() - ATTEMPT_WINDOW:
            times.popleft()
        if not times:
            self.by_client.pop(client, None)
        return times


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


def csrf_refused() -> Response:
    """Return the answer to a form whose CSRF field is wrong or missing."""
    return error_answer(
        "/", "the form is out of date or came from another site (CSRF check); reload the page", 403
    )


def _same(offered: str, expected: str) -> bool:
    """Compare secrets in constant time; as bytes, since a header may hold any character."""
    return hmac.compare_digest(offered.strip().encode(), expected.encode())


def _credentials(request: Request) -> bool:
    """Return True when a request offers a token: a header or the token's cookie."""
    return bool(request.headers.get("authorization") or request.cookies.get(TOKEN_COOKIE))


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

"""The web app: its routes, its guard, and the server that runs it."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from exporter.errors import ExportError
from exporter.serve import api, article, library
from exporter.serve.editor import Editor
from exporter.serve.options import ServeOptions
from exporter.serve.security import BodyTooLargeError, Guard, too_large
from exporter.serve.store import ArticleNotFoundError

STATIC = Path(__file__).resolve().parent / "static"


def create_app(options: ServeOptions) -> Starlette:
    """Return the web app over the folder of articles that the options name."""
    editor = Editor(options)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        editor.workers.warm_up()
        try:
            yield
        finally:
            editor.workers.close()

    app = Starlette(
        routes=[
            *library.ROUTES,
            *article.ROUTES,
            *api.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(Guard, options=options)],
        exception_handlers={
            BodyTooLargeError: _too_large,
            ArticleNotFoundError: _not_found,
            ExportError: _unreadable,
        },
        lifespan=lifespan,
    )
    app.state.editor = editor
    return app


async def _too_large(_request: Request, error: Exception) -> Response:
    assert isinstance(error, BodyTooLargeError)
    return too_large(error.limit)


async def _not_found(request: Request, error: Exception) -> Response:
    message = f"no article {str(error)!r} in this folder"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=404)
    return PlainTextResponse(message, status_code=404)


async def _unreadable(_request: Request, error: Exception) -> Response:
    """An article file that cannot be read at all (not UTF-8): say so in one line."""
    return PlainTextResponse(str(error), status_code=422)


def serve(options: ServeOptions, sock: socket.socket | None = None) -> None:
    """Run the app until Ctrl-C; on `sock` if given (tests), else on the options' address."""
    import uvicorn

    config = uvicorn.Config(
        create_app(options),
        host=options.host,
        port=options.port,
        log_level="warning",
        server_header=False,
    )
    server = uvicorn.Server(config)
    # Ctrl-C is how a server is stopped: uvicorn shuts down (the workers too), then
    # passes the signal on, which ends here, not as an interruption of a build.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock] if sock is not None else None)

"""The web app: its routes, its guard, and the server that runs it."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from exporter.serve import api, article, drafts, editions, history_api, library, opds
from exporter.serve.answers import HANDLERS
from exporter.serve.connections import connection_room, guarded_protocol
from exporter.serve.editor import Editor
from exporter.serve.options import ServeOptions
from exporter.serve.security import Guard

if TYPE_CHECKING:
    import uvicorn

STATIC = Path(__file__).resolve().parent / "static"
KEEP_ALIVE_SECONDS = 5
"""How long an idle connection stays open after a response (uvicorn's default)."""
SHUTDOWN_SECONDS = 5
"""How long running requests may take to finish once the server is told to stop; the
builds still running then are stopped, so that SIGTERM ends the server within seconds."""


def create_app(options: ServeOptions) -> Starlette:
    """Return the web app over the folder of articles that the options name."""
    editor = Editor(options)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        editor.workers.warm_up()
        editor.readers.submit(editor.listing.entries)  # the library's first look, read ahead
        try:
            yield
        finally:
            editor.close()

    app = Starlette(
        routes=[
            *library.ROUTES,
            *article.ROUTES,
            *drafts.ROUTES,
            *api.ROUTES,
            *history_api.ROUTES,
            *editions.ROUTES,
            *opds.ROUTES,
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(Guard, options=options)],
        exception_handlers=dict(HANDLERS),
        lifespan=lifespan,
    )
    app.state.editor = editor
    return app


def server_config(options: ServeOptions, app: Starlette | None = None) -> uvicorn.Config:
    """Return uvicorn's configuration for the app (made here unless given): its limits."""
    import uvicorn

    room = options.max_connections or connection_room()
    return uvicorn.Config(
        app or create_app(options),
        host=options.host,
        port=options.port,
        log_level="warning",
        server_header=False,
        http=guarded_protocol(options.head_seconds, room),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=SHUTDOWN_SECONDS,
        # Past the connections kept, a new request is answered 503 at once (the
        # protocol closes idle connections first, so only busy ones count here).
        limit_concurrency=room + 1,
    )


def make_server(options: ServeOptions, app: Starlette | None = None) -> uvicorn.Server:
    """Return the server of the app: on a stop, its builds end first, then its requests."""
    import uvicorn

    app = app or create_app(options)
    editor: Editor = app.state.editor

    class StoppingServer(uvicorn.Server):
        """uvicorn's server, which stops the builds before it waits for the requests."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Requests waiting for a build are answered 503 at once, instead of holding
            # the graceful shutdown until its time runs out and they are cancelled.
            await asyncio.to_thread(editor.close)
            await super().shutdown(sockets)

    return StoppingServer(server_config(options, app))


def serve(options: ServeOptions, sock: socket.socket | None = None) -> None:
    """Run the app until Ctrl-C or SIGTERM, on `sock` if given (tests) or the options' address."""
    server = make_server(options)
    # Ctrl-C is how a server is stopped: uvicorn shuts down (the workers too), then
    # passes the signal on, which ends here, not as an interruption of a build.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock] if sock is not None else None)

"""The app's state, shared by its pages and its API: the store, the workers, the proofs."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from exporter.serve.history import History
from exporter.serve.jobs import BuildAll
from exporter.serve.listing import Listing
from exporter.serve.options import ServeOptions
from exporter.serve.proofs import Proofs
from exporter.serve.security import csrf_token, remember_csrf
from exporter.serve.status import StatusBook
from exporter.serve.store import ArticleStore
from exporter.serve.workers import Workers

T = TypeVar("T")
TEMPLATES = Path(__file__).resolve().parent / "templates"
READER_THREADS = 2
"""Threads that read and check articles off the event loop: few, so that the loop keeps
its share of the interpreter while large articles are parsed."""
IMPORT_SUFFIXES = (".docx", ".html", ".htm", ".txt", ".md", ".markdown", ".json")
"""What the import takes: a returned DOCX, a saved web page, or an article file."""


class Editor:
    """Everything the requests share."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.history = History(options.folder)
        self.store = ArticleStore(options.folder, self.history)
        self.statuses = StatusBook(self.store.folder)
        self.listing = Listing(self.store)
        self.workers = Workers(options.jobs, max_waiting=options.queue)
        self.proofs = Proofs(self.store, self.workers, self.statuses)
        self.build_all = BuildAll(self.store, self.workers, self.statuses)
        self.templates = Jinja2Templates(directory=TEMPLATES)
        self.notices: dict[str, list[str]] = {}
        """Messages to show once on an article's page (the warnings of its import)."""
        self.readers = ThreadPoolExecutor(READER_THREADS, thread_name_prefix="exporter-read")

    async def off_loop(self, function: Callable[..., T], *args: Any) -> T:
        """Return `function(*args)`, run in a reader thread: parsing never holds the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.readers, functools.partial(function, *args))

    def close(self) -> None:
        """Stop the workers at once and the reader threads: the server is stopping."""
        if not self.workers.stopping:
            self.workers.close()
        self.readers.shutdown(wait=False, cancel_futures=True)

    def page(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        """Return an HTML page with the browser's CSRF token in its forms."""
        token = csrf_token(request)
        response = self.templates.TemplateResponse(
            request,
            template,
            {"csrf": token, "folder": self.store.folder.name, **context},
            status_code=status,
        )
        return remember_csrf(response, token)


def editor_of(request: Request) -> Editor:
    """Return the app's shared state."""
    return cast(Editor, request.app.state.editor)

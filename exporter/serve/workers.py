"""The builds, run in worker processes so that the server answers while WeasyPrint works.

The functions here run inside a worker: they take and return plain, picklable values,
and collect the warnings of their build so that they travel back with the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import re
import signal
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from exporter.batch import Outcome, build_one
from exporter.build import BuildOptions, prepare, render_file
from exporter.context import RenderContext
from exporter.errors import ExportError, InputError, RefusedError
from exporter.layouts import BUNDLED_LAYOUTS, LAYOUT_PATH_VARIABLE, Layout, find_layout
from exporter.model import Article
from exporter.readers import load, load_with_media
from exporter.report import collect_warnings
from exporter.serve.answers import BusyError, ClientGoneError
from exporter.serve.options import QUEUE
from exporter.validate import validate
from exporter.workpool import (
    DEFAULT_LIMITS,
    Limits,
    PoolBusyError,
    TaskError,
    WorkerDiedError,
    WorkerPool,
)
from exporter.writers import DEFAULT_FORMATS

T = TypeVar("T")
UPLOAD_STEM = "article"
UPLOAD_NAME = re.compile(r"[^\w.-]+")
"""What an uploaded file's name may not keep in the temporary copy read from it."""
CLIENT_CHECK_SECONDS = 0.5
STOPPING = "the server is stopping; try again when it is back"


@dataclass(frozen=True, slots=True)
class Rendered:
    """One format of an article, in memory."""

    data: bytes
    """The file's bytes."""
    warnings: tuple[str, ...]
    """The build's warnings, each once."""


@dataclass(frozen=True, slots=True)
class Imported:
    """A file turned into an article file."""

    markdown: str
    """The article as Markdown with front matter (its pictures named `article-imageN.EXT`)."""
    title: str
    """Its title, to name the new file by."""
    warnings: tuple[str, ...]
    """What had to be guessed."""
    article: Article | None = None
    """The article read, for a caller that names its pictures after the file it writes."""
    pictures: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """The pictures taken out of the file, by the name the article's figures give them."""
    files: dict[str, bytes] = dataclasses.field(default_factory=dict)
    """The same pictures by the names `markdown` gives them (`article-imageN.EXT`)."""


def known_layout(series: str) -> Layout:
    """Return the layout of a series found by name, never a folder that happens to be here.

    `find_layout` also takes a folder of the current directory by that name; a web
    article must not choose the server's folders as its layout (layouts may be read).
    """
    layout = find_layout(None, series)
    roots = [Path(p) for p in os.environ.get(LAYOUT_PATH_VARIABLE, "").split(os.pathsep) if p]
    if not any(layout.folder.is_relative_to(root.resolve()) for root in (*roots, BUNDLED_LAYOUTS)):
        raise InputError(f"series {series!r} is not a known layout", where="front matter")
    return layout


def render_article(
    path: str, fmt: str, print_marks: bool, fit_start: int | None = None
) -> Rendered:
    """Return one format of an article file of the store.

    `fit_start` is the step of the article's last proof, so that its PDF is the proof's.
    """
    source = Path(path)
    options = BuildOptions(
        formats=(fmt,), out_dir=source.parent, print_marks=print_marks, fit_start=fit_start
    )
    try:
        with collect_warnings() as messages:
            known_layout(load(source).series)
            data = render_file(source, options)[fmt]
    except ExportError as error:
        raise renamed(error, source, source.name) from None
    return Rendered(data, tuple(messages))


def build_upload(markdown: bytes, fmt: str, print_marks: bool) -> Rendered:
    """Return one format of an uploaded article, built in a temporary folder of its own.

    The folder holds the article alone, so the resource policy lets it read nothing of
    the server's: an image it names is missing, a path that leaves the folder refused.
    """
    with tempfile.TemporaryDirectory(prefix="exporter-upload-") as folder:
        source = Path(folder) / f"{UPLOAD_STEM}.md"
        source.write_bytes(markdown)
        # The upload's temporary name is no article of the library: its DOCX names none.
        options = BuildOptions(
            formats=(fmt,), out_dir=Path(folder), print_marks=print_marks, record_source=False
        )
        try:
            with collect_warnings() as messages:
                known_layout(load(source).series)
                data = render_file(source, options)[fmt]
        except ExportError as error:
            raise renamed(error, source) from None
    return Rendered(data, _hide_folder(messages, folder))


def import_upload(data: bytes, suffix: str, lang: str, name: str = "") -> Imported:
    """Turn an uploaded file (DOCX, web page, JSON, Markdown) into an article file.

    `name` is the uploaded file's name: a manuscript that names no title is titled
    from it. The pictures a DOCX holds come back beside the article, unwritten.
    """
    from exporter.readers.media import place_media
    from exporter.writers.markdown import write_markdown

    with tempfile.TemporaryDirectory(prefix="exporter-import-") as folder:
        stem = UPLOAD_NAME.sub("-", Path(name).stem).strip("-.")[:80] if name else ""
        source = Path(folder) / f"{stem or 'upload'}{suffix}"
        source.write_bytes(data)
        try:
            with collect_warnings() as messages:
                # As `exporter import` does: a returned DOCX's language is told by its text.
                article, media = load_with_media(source, lang, detect_language=True)
                if lang:
                    article = validate(dataclasses.replace(article, lang=lang))
                context = RenderContext(known_layout(article.series), Path(folder))
                placed, files = place_media(article, media, UPLOAD_STEM)
                markdown = write_markdown(placed, context).decode("utf-8")
        except ExportError as error:
            raise renamed(error, source) from None
    warnings = _hide_folder(messages, folder)
    return Imported(markdown, article.title, warnings, article, dict(media.files), files)


def renamed(error: ExportError, read_from: Path, shown: str = "") -> ExportError:
    """Return the error naming `shown` (or nothing), not the file it was read from.

    The path of a temporary copy, or of the server's folder, means nothing to an editor.
    """
    if error.file == str(read_from):
        error.file = shown
        error.args = (error.what, error.file, error.where)
    return error


def _hide_folder(messages: list[str], folder: str) -> tuple[str, ...]:
    """Return warnings without the temporary folder's path: it means nothing to the client."""
    prefixes = (f"file://{Path(folder).resolve()}/", f"{Path(folder).resolve()}/")
    cleaned = []
    for message in messages:
        for prefix in prefixes:
            message = message.replace(prefix, "")
        cleaned.append(message)
    return tuple(cleaned)


def _start_worker() -> None:
    """Leave Ctrl-C to the server; keep library chatter quiet (warnings travel in results)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    log = logging.getLogger("exporter")
    log.addHandler(logging.NullHandler())
    log.propagate = False
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def _warm() -> None:
    """Import the writers once, so that the first proof does not wait for them."""
    import exporter.writers.docx
    import exporter.writers.epub
    import exporter.writers.pdf  # noqa: F401


class Workers:
    """A pool of worker processes, awaited from the server's event loop.

    Each task has the time and memory limits of `limits`; past them, or when its worker
    dies, the task alone fails and its worker is replaced (exporter.workpool). At most
    `max_waiting` tasks wait for a worker; past that, BusyError.
    """

    def __init__(
        self, jobs: int, limits: Limits = DEFAULT_LIMITS, max_waiting: int = QUEUE
    ) -> None:
        self.jobs = jobs
        self.stopping = False
        self.pool = WorkerPool(
            jobs, initializer=_start_worker, limits=limits, max_waiting=max_waiting
        )

    def warm_up(self) -> None:
        """Start every worker and load the writers in it, in the background."""
        self.pool.start_workers()
        for _ in range(self.jobs):
            with contextlib.suppress(PoolBusyError):
                self.pool.submit(_warm)

    async def run(
        self,
        function: Callable[..., T],
        *args: Any,
        gone: Callable[[], Awaitable[bool]] | None = None,
    ) -> T:
        """Run `function(*args)` in a worker and return its result (or raise its error).

        `gone`, when given, is asked twice a second whether the client is gone;
        then the task is dropped (its worker stopped if it runs) and ClientGoneError
        raised. A task whose awaiting coroutine is cancelled is dropped the same way.
        """
        if self.stopping:
            raise BusyError(STOPPING)
        try:
            future = self.pool.submit(function, *args)
        except PoolBusyError:
            raise BusyError("the server is busy with other builds; try again shortly") from None
        waiting = asyncio.wrap_future(future)
        try:
            while True:
                done, _ = await asyncio.wait({waiting}, timeout=CLIENT_CHECK_SECONDS)
                if done and (self.stopping or future.cancelled()):
                    raise BusyError(STOPPING)  # the pool dropped it: the server is stopping
                if done:
                    result: T = waiting.result()
                    return result
                if gone is not None and await gone():
                    self._drop(future, waiting)
                    raise ClientGoneError("the client went away before its build was done")
        except asyncio.CancelledError:
            self._drop(future, waiting)
            raise
        except WorkerDiedError:
            raise ExportError("a build process stopped before it finished; try again") from None
        except TaskError as error:
            raise RefusedError(f"the build {error}") from None

    def _drop(self, future: Future[Any], waiting: asyncio.Future[Any]) -> None:
        """Stop a task nobody waits for; its outcome, when it comes, is let go unread."""
        self.pool.abort(future)
        waiting.add_done_callback(lambda done: done.cancelled() or done.exception())

    def close(self) -> None:
        """Stop the workers at once, running builds included: the server is stopping.

        The requests waiting for them are answered 503 at once, so that the server's
        graceful shutdown is not held up by builds nobody will see finish.
        """
        self.stopping = True
        self.pool.kill()


@dataclass(frozen=True, slots=True)
class Built:
    """What became of one article of a Build all, with the fill of a built one."""

    outcome: Outcome
    """Built, refused or failed, and why."""
    fit: str = ""
    """The fill in words ("fills 94% of page 2 at 11.75 pt"), for a built article."""
    short: int = 0
    """About how many words (or characters) it lacks to fill page 2."""


def build_article(path: str, out_dir: str) -> Built:
    """Build an article file of the store into PDF, EPUB and DOCX in `out_dir`."""
    from exporter.writers.pdf import fit_report

    source = Path(path)
    try:
        known_layout(load(source).series)
    except ExportError as error:
        return Built(Outcome(source, "refused", str(error.in_file(str(source)))))
    options = BuildOptions(formats=DEFAULT_FORMATS, out_dir=Path(out_dir))
    outcome = build_one(source, options)
    if outcome.status != "built":
        return Built(outcome)
    try:
        # The layout the build made is kept in this process: the report costs no layout.
        report = fit_report(*prepare(source, options))
    except ExportError:
        return Built(outcome)
    return Built(outcome, report.summary(), report.short)

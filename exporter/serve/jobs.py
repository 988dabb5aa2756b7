"""Build all: every article of the folder into dist/, in the workers, with its progress."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter.batch import Outcome
from exporter.errors import ExportError
from exporter.serve.answers import BusyError
from exporter.serve.status import Status, StatusBook, now
from exporter.serve.store import ArticleNotFoundError, ArticleStore, OutsideFolderError
from exporter.serve.workers import Built, Workers, build_article

OUT_FOLDER = "dist"
STATUSES = ("built", "refused", "failed")


@dataclass(slots=True)
class Progress:
    """How far a build of all articles has come."""

    total: int = 0
    """The number of articles in the build."""
    done: int = 0
    """The number finished, whatever became of them."""
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    """How many were built, refused and failed."""
    messages: list[str] = field(default_factory=list)
    """The one-line errors of the refused and failed ones."""
    running: bool = False
    """True while the build goes on."""
    seconds: float = 0.0
    """How long it has taken."""


class BuildAll:
    """One build of all articles at a time; its progress is read while it runs."""

    def __init__(self, store: ArticleStore, workers: Workers, statuses: StatusBook) -> None:
        self.store = store
        self.workers = workers
        self.statuses = statuses
        self.out_dir = store.folder / OUT_FOLDER
        self.progress = Progress()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> bool:
        """Start a build of every article; return False if one is running already."""
        if self.progress.running:
            return False
        names = self.store.names()
        self.progress = Progress(total=len(names), running=True)
        self.task = asyncio.ensure_future(self._run(names))
        return True

    def as_data(self) -> dict[str, Any]:
        """Return the progress as JSON data."""
        p = self.progress
        return {
            "total": p.total,
            "done": p.done,
            "running": p.running,
            "seconds": round(p.seconds, 1),
            **p.counts,
            "messages": p.messages,
        }

    async def _run(self, names: list[str]) -> None:
        started = time.perf_counter()
        try:
            self.out_dir = self.store.out_dir(OUT_FOLDER)
        except OutsideFolderError as error:  # checked at each build: a link made meanwhile
            self.progress.messages.append(str(error))
            self.progress.counts["failed"] = self.progress.done = len(names)
            self.progress.running = False
            return
        try:
            # A few articles in the workers' queue at a time: the rest wait here, so that
            # a large folder leaves room in the queue for the editors' proofs.
            slots = asyncio.Semaphore(2 * self.workers.jobs)
            jobs = [self._build(name, slots) for name in names]
            for next_done in asyncio.as_completed(jobs):
                name, version, built = await next_done
                self._count(built.outcome)
                if version:
                    self._record(name, version, built)
                self.progress.seconds = time.perf_counter() - started
        finally:
            self.progress.running = False
            self.progress.seconds = time.perf_counter() - started

    async def _build(self, name: str, slots: asyncio.Semaphore) -> tuple[str, str, Built]:
        """Build one article; a file gone or broken meanwhile is reported, not raised."""
        try:
            async with slots:
                version = self.store.read(name).version
                path = str(self.store.path(name))
                return name, version, await self._run_when_free(path)
        except (ArticleNotFoundError, OSError, ExportError) as error:
            detail = "no longer in the folder" if isinstance(error, LookupError) else str(error)
            return name, "", Built(Outcome(Path(name), "failed", f"{name}: {detail}"))

    async def _run_when_free(self, path: str) -> Built:
        """Build in a worker, waiting while the workers' queue is full of other requests."""
        while True:
            try:
                return await self.workers.run(build_article, path, str(self.out_dir))
            except BusyError as error:
                if self.workers.stopping:
                    raise  # the server is stopping: the build goes no further
                await asyncio.sleep(error.retry_after / 5)

    def _count(self, outcome: Outcome) -> None:
        self.progress.done += 1
        self.progress.counts[outcome.status] += 1
        if outcome.message:
            self.progress.messages.append(outcome.message)

    def _record(self, name: str, version: str, built: Built) -> None:
        outcome = built.outcome
        if outcome.status == "built":
            fit = built.fit or "fits two pages"
            status = Status(version, True, fit, outcome.warnings, now(), built.short)
        else:
            too_long = "too long for two pages" in outcome.message
            fits = False if too_long else None
            status = Status(version, fits, outcome.message, outcome.warnings, now())
        self.statuses.record(name, status)

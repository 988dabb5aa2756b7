"""Proofs of the store's articles: built once per version in a worker, then kept a while."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from exporter.errors import ExportError
from exporter.serve.answers import BusyError, ClientGoneError
from exporter.serve.proofing import Proof, proof_article
from exporter.serve.status import Status, StatusBook, now
from exporter.serve.store import ArticleStore, Snapshot
from exporter.serve.workers import Workers

PROOF_DPI = 100
KEPT_PROOFS = 32
KEPT_STEPS = 1024
CLIENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Checked:
    """The proof of one version of an article, or why there is none."""

    version: str
    """The version of the file laid out."""
    proof: Proof | None
    """The pages and the fitting's result; None when the article could not be read."""
    error: str = ""
    """The one-line error of an article that could not be laid out."""

    @property
    def status(self) -> Status:
        """Return what the library page shows of this check."""
        if self.proof is None:
            return Status(self.version, None, self.error, (), now())
        proof = self.proof
        return Status(self.version, proof.fits, proof.fit, proof.warnings, now(), proof.short)


@dataclass(slots=True)
class _Running:
    """A proof being built, and how many requests wait for it."""

    task: asyncio.Task[Checked]
    waiting: int = 0


class Proofs:
    """Proofs by article and version; two requests for one proof share one build.

    A build nobody waits for any longer (every client that asked has gone) is stopped,
    so that abandoned pages do not hold the workers.
    """

    def __init__(self, store: ArticleStore, workers: Workers, statuses: StatusBook) -> None:
        self.store = store
        self.workers = workers
        self.statuses = statuses
        self.kept: OrderedDict[tuple[str, str], Checked] = OrderedDict()
        self.running: dict[tuple[str, str], _Running] = {}
        # The step each article's last proof was set at, where the next one starts.
        self.steps: OrderedDict[str, int] = OrderedDict()

    async def check(
        self, name: str, gone: Callable[[], Awaitable[bool]] | None = None
    ) -> tuple[Snapshot, Checked]:
        """Return the article as it is now and the proof of that version.

        `gone`, when given, says whether the client has gone away: then ClientGoneError.
        """
        snapshot = await asyncio.to_thread(self.store.read, name)
        key = (name, snapshot.version)
        if key in self.kept:
            self.kept.move_to_end(key)
            return snapshot, self.kept[key]
        running = self.running.get(key)
        if running is None:
            running = _Running(asyncio.ensure_future(self._build(name, snapshot.version)))
            self.running[key] = running
        running.waiting += 1
        try:
            return snapshot, await _unless_gone(running.task, gone)
        finally:
            running.waiting -= 1
            if running.waiting == 0 and not running.task.done():
                running.task.cancel()
                if self.running.get(key) is running:
                    del self.running[key]

    def kept_proof(self, name: str, version: str) -> Checked | None:
        """Return a proof already made of this version, if one is kept."""
        return self.kept.get((name, version))

    async def _build(self, name: str, version: str) -> Checked:
        try:
            path = str(self.store.path(name))
            proof = await self.workers.run(proof_article, path, PROOF_DPI, self.steps.get(name))
            # The file may have changed since it was asked for: keep the proof as what it is.
            checked = Checked(proof.version, proof)
            if proof.step is not None:
                self.steps[name] = proof.step
                self.steps.move_to_end(name)
                while len(self.steps) > KEPT_STEPS:
                    self.steps.popitem(last=False)
        except BusyError:
            raise  # not a result of the article: said to the client, not kept
        except ExportError as error:
            checked = Checked(version, None, str(error.in_file(name)))
        except Exception as error:  # a bug: said on the page, the server goes on
            detail = " ".join(str(error).split())
            checked = Checked(
                version, None, f"{name}: internal error: {type(error).__name__}: {detail}"
            )
        finally:
            running = self.running.get((name, version))
            if running is not None and running.task is asyncio.current_task():
                del self.running[(name, version)]
        self.kept[(name, checked.version)] = checked
        while len(self.kept) > KEPT_PROOFS:
            self.kept.popitem(last=False)
        self.statuses.record(name, checked.status)
        return checked


async def _unless_gone(
    task: asyncio.Task[Checked], gone: Callable[[], Awaitable[bool]] | None
) -> Checked:
    """Return the task's result; raise ClientGoneError first if the client goes away."""
    while True:
        done, _ = await asyncio.wait({task}, timeout=CLIENT_CHECK_SECONDS)
        if done:
            return task.result()
        if gone is not None and await gone():
            raise ClientGoneError("the client went away before its proof was made")

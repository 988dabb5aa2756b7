"""Proofs of the store's articles and of their unsaved texts: built in a worker, kept a while.

A proof is kept by article and version (the SHA-256 of the text laid out), whether the
text is the file's or a draft sent by the editor, so that one picture URL serves both.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from exporter.errors import ExportError
from exporter.recent import Recent
from exporter.serve.answers import BusyError, ClientGoneError
from exporter.serve.proofing import Proof, page_picture, proof_article, proof_text
from exporter.serve.status import Status, StatusBook, now
from exporter.serve.store import ArticleStore, Snapshot
from exporter.serve.workers import Workers

PROOF_DPI = 100
FULL_DPI = 200
"""The resolution of a page picture at reading size (`?size=full`): drawn on demand."""
KEPT_PROOFS = 32
KEPT_BYTES = 64 * 2**20
"""The most bytes the kept proofs hold, pictures and PDFs: a two-page proof holds about
half a megabyte, one of an article far too long a few."""
KEPT_LARGE = 6
"""Pictures at reading size kept (about a megabyte each): the pages an editor reads."""
KEPT_STEPS = 1024
CLIENT_CHECK_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class Checked:
    """The proof of one version of an article, or why there is none."""

    version: str
    """The version of the text laid out."""
    proof: Proof | None
    """The pages and the fitting's result; None when the article could not be read."""
    error: str = ""
    """The one-line error of an article that could not be laid out."""
    line: int | None = None
    """The line of the text the error names, from 1, when it names one."""
    column: int | None = None
    """The column of that line the error names, from 1, when it names one."""

    @property
    def status(self) -> Status:
        """Return what the library page shows of this check."""
        if self.proof is None:
            return Status(self.version, None, self.error, (), now())
        proof = self.proof
        return Status(self.version, proof.fits, proof.fit, proof.warnings, now(), proof.short)

    @property
    def size(self) -> int:
        """Return about how many bytes this proof holds."""
        if self.proof is None:
            return len(self.error)
        return len(self.proof.pdf) + sum(len(page) for page in self.proof.pages)


class SupersededError(Exception):
    """A newer text of the article came while this one waited: it is not laid out."""

    def __init__(self, version: str, newer: str) -> None:
        super().__init__("a newer text of the article was sent while this one waited")
        self.version = version
        self.newer = newer


@dataclass(slots=True)
class _Running:
    """A proof being built, and how many requests wait for it."""

    task: asyncio.Task[Checked]
    waiting: int = 0


@dataclass(slots=True)
class _Draft:
    """An unsaved text of an article, and the requests that wait for its proof."""

    text: str
    version: str
    answers: list[asyncio.Future[Checked]] = field(default_factory=list)
    stopped: bool = False
    """True once its layout is stopped: nobody waits for it, and no newer text either."""


@dataclass(slots=True)
class _Desk:
    """One article's unsaved texts: the one being laid out, and at most one waiting."""

    running: _Draft | None = None
    waiting: _Draft | None = None
    layout: asyncio.Task[Checked] | None = None


class Proofs:
    """Proofs by article and version; two requests for one proof share one build.

    A build nobody waits for any longer (every client that asked has gone) is stopped,
    so that abandoned pages do not hold the workers. The proofs kept are bounded in
    number and in bytes, the pictures at reading size in number.
    """

    def __init__(self, store: ArticleStore, workers: Workers, statuses: StatusBook) -> None:
        self.store = store
        self.workers = workers
        self.statuses = statuses
        self.kept: OrderedDict[tuple[str, str], Checked] = OrderedDict()
        self.kept_bytes = 0
        self.running: dict[tuple[str, str], _Running] = {}
        # The step each article's last proof was set at, where the next one starts.
        self.steps: OrderedDict[str, int] = OrderedDict()
        self.desks: dict[str, _Desk] = {}
        self.large: Recent[bytes] = Recent(KEPT_LARGE)
        self._drivers: set[asyncio.Task[None]] = set()

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
        checked = self.kept.get((name, version))
        if checked is not None:
            self.kept.move_to_end((name, version))
        return checked

    async def draft(
        self,
        name: str,
        text: str,
        version: str,
        gone: Callable[[], Awaitable[bool]] | None = None,
    ) -> Checked:
        """Return the proof of an unsaved text of the article (`version` is its hash).

        While a text of the article is laid out, at most one more waits: a newer text
        takes its place, and the request that sent the one replaced gets
        SupersededError at once. Only the newest text is laid out after the running
        one; the texts of different articles wait for each other only in the worker
        pool. Nothing is written, not even the article's status.
        """
        kept = self.kept_proof(name, version)
        if kept is not None:
            return kept
        desk = self.desks.setdefault(name, _Desk())
        answer: asyncio.Future[Checked] = asyncio.get_running_loop().create_future()
        # The same text as one running or waiting shares its proof, unless it is stopped.
        running = desk.running
        if running is not None and running.version == version and not running.stopped:
            running.answers.append(answer)
        elif desk.waiting is not None and desk.waiting.version == version:
            desk.waiting.answers.append(answer)
        elif desk.running is None:
            desk.running = _Draft(text, version, [answer])
            driver = asyncio.ensure_future(self._drive(name, desk))
            self._drivers.add(driver)
            driver.add_done_callback(self._drivers.discard)
        else:
            if desk.waiting is not None:
                replaced = desk.waiting
                for earlier in replaced.answers:
                    if not earlier.done():
                        earlier.set_exception(SupersededError(replaced.version, version))
            desk.waiting = _Draft(text, version, [answer])
        try:
            return await _unless_gone(answer, gone)
        finally:
            if not answer.done():  # gone, or the request cancelled
                answer.cancel()
                _leave(desk, answer)
            elif not answer.cancelled():
                answer.exception()  # read, so that an answer come too late is not logged

    async def large_page(
        self,
        checked: Checked,
        name: str,
        number: int,
        gone: Callable[[], Awaitable[bool]] | None = None,
    ) -> bytes | None:
        """Return page `number` of a proof at reading size; None when it has no such page.

        Drawn from the proof's PDF in a worker; the last few are kept.
        """
        proof = checked.proof
        if proof is None or not proof.pdf or not 1 <= number <= len(proof.pages):
            return None
        key = (name, checked.version, number)
        found = self.large.get(key)
        if found is not None:
            return found
        picture = await self.workers.run(
            page_picture, proof.pdf, number, FULL_DPI, proof.marks, gone=gone
        )
        return self.large.put(key, picture)

    async def _build(self, name: str, version: str) -> Checked:
        try:
            path = str(self.store.path(name))
            proof = await self.workers.run(proof_article, path, PROOF_DPI, self.steps.get(name))
            # The file may have changed since it was asked for: keep the proof as what it is.
            checked = Checked(proof.version, proof)
            self._remember_step(name, proof)
        except BusyError:
            raise  # not a result of the article: said to the client, not kept
        except ExportError as error:
            checked = _failed(name, version, error)
        except Exception as error:  # a bug: said on the page, the server goes on
            checked = _internal(name, version, error)
        finally:
            running = self.running.get((name, version))
            if running is not None and running.task is asyncio.current_task():
                del self.running[(name, version)]
        self._keep(name, checked)
        self.statuses.record(name, checked.status)
        return checked

    async def _drive(self, name: str, desk: _Desk) -> None:
        """Lay out the article's running text, then the one waiting, until none is left."""
        try:
            while (draft := desk.running) is not None:
                if not draft.stopped:  # (its request may have gone before this started)
                    desk.layout = asyncio.ensure_future(self._draft_proof(name, draft))
                    await asyncio.wait({desk.layout})
                    _answer(draft.answers, desk.layout)
                desk.running, desk.waiting, desk.layout = desk.waiting, None, None
        finally:
            for draft in (desk.running, desk.waiting):
                for answer in draft.answers if draft is not None else ():
                    answer.cancel()
            if desk.layout is not None:
                desk.layout.cancel()
            if self.desks.get(name) is desk:
                del self.desks[name]

    async def _draft_proof(self, name: str, draft: _Draft) -> Checked:
        """Lay out an unsaved text with the article's pictures; keep its proof.

        Its status is not recorded: the library shows the files' statuses, and a
        draft's proof writes nothing to the folder.
        """
        folder = str(self.store.path(name).parent)
        try:
            start = self.steps.get(name)
            proof = await self.workers.run(
                proof_text, draft.text, folder, PROOF_DPI, start, draft.version
            )
            checked = Checked(draft.version, proof)
            self._remember_step(name, proof)
        except BusyError:
            raise
        except ExportError as error:
            checked = _failed(name, draft.version, error)
        except Exception as error:  # a bug: said to the editor, the server goes on
            checked = _internal(name, draft.version, error)
        self._keep(name, checked)
        return checked

    def _remember_step(self, name: str, proof: Proof) -> None:
        if proof.step is not None:
            self.steps[name] = proof.step
            self.steps.move_to_end(name)
            while len(self.steps) > KEPT_STEPS:
                self.steps.popitem(last=False)

    def _keep(self, name: str, checked: Checked) -> None:
        """Keep a proof; the least recently used go past KEPT_PROOFS or KEPT_BYTES."""
        key = (name, checked.version)
        previous = self.kept.pop(key, None)
        if previous is not None:
            self.kept_bytes -= previous.size
        self.kept[key] = checked
        self.kept_bytes += checked.size
        while len(self.kept) > 1 and (len(self.kept) > KEPT_PROOFS or self.kept_bytes > KEPT_BYTES):
            _, dropped = self.kept.popitem(last=False)
            self.kept_bytes -= dropped.size


def _failed(name: str, version: str, error: ExportError) -> Checked:
    """Return the check of a text the toolkit refused, with the line it names."""
    return Checked(version, None, str(error.in_file(name)), error.line, error.column)


def _internal(name: str, version: str, error: Exception) -> Checked:
    detail = " ".join(str(error).split())
    return Checked(version, None, f"{name}: internal error: {type(error).__name__}: {detail}")


def _answer(answers: list[asyncio.Future[Checked]], layout: asyncio.Task[Checked]) -> None:
    """Give the layout's outcome to every request still waiting for it."""
    failure = None if layout.cancelled() else layout.exception()
    for answer in answers:
        if answer.done():
            continue
        if layout.cancelled():
            answer.cancel()
        elif failure is not None:
            answer.set_exception(failure)
        else:
            answer.set_result(layout.result())


def _leave(desk: _Desk, answer: asyncio.Future[Checked]) -> None:
    """Forget a request that went away; drop a text nobody waits for.

    The running layout is stopped only when no newer text waits either: an editor's
    page that gives up on an older text while it sends a newer one is still there, and
    the layout ends sooner than a stopped worker is replaced.
    """
    for draft in (desk.running, desk.waiting):
        if draft is not None and answer in draft.answers:
            draft.answers.remove(answer)
    if desk.waiting is not None and not desk.waiting.answers:
        desk.waiting = None
    running = desk.running
    if running is not None and not running.answers and desk.waiting is None:
        running.stopped = True
        if desk.layout is not None:
            desk.layout.cancel()


async def _unless_gone(
    task: asyncio.Future[Checked], gone: Callable[[], Awaitable[bool]] | None
) -> Checked:
    """Return the task's result; raise ClientGoneError first if the client goes away."""
    while True:
        done, _ = await asyncio.wait({task}, timeout=CLIENT_CHECK_SECONDS)
        if done:
            return task.result()
        if gone is not None and await gone():
            raise ClientGoneError("the client went away before its proof was made")

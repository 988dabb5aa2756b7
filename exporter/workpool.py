"""Worker processes that run one task at a time and are replaced after N tasks or a fault.

Written here rather than taken from `concurrent.futures.ProcessPoolExecutor`, whose
`max_tasks_per_child` deadlocks on CPython 3.11 and 3.12 once a recycled worker leaves
tasks waiting (CPython issue gh-115634: a batch of 101 articles built 100 and hung), and
whose pool breaks whole (`BrokenProcessPool`) when one worker dies. Here each worker has
a pipe of its own, so the pool knows which task a worker was running when it died, ran
out of time or of memory: that task alone fails, with the reason, and the worker alone
is replaced. Workers end by themselves when the process that started them is gone.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from exporter.framestack import in_large_block

# The limits are held in this process by `exporter.limits`, which a build of one article
# loads without this module; its names stay importable from here for the pool's callers.
from exporter.limits import DEFAULT_LIMITS as DEFAULT_LIMITS
from exporter.limits import Limits as Limits
from exporter.limits import TaskError as TaskError
from exporter.limits import TaskMemoryError as TaskMemoryError
from exporter.limits import TaskTimeoutError as TaskTimeoutError

RECYCLE_AFTER = 500
"""A worker is replaced after this many tasks, and a fresh process gives back what its
libraries keep. A worker's memory is flat (139 MiB after 50 articles in three formats,
147 MiB after 350: benchmarks/memory.py), and a new one pays its start again (about a
second of imports and first layout), so it is replaced seldom."""
_PARENT_CHECK_SECONDS = 1.0


class WorkerDiedError(TaskError):
    """The worker running the task ended before it answered (killed, crashed)."""


class TaskAbortedError(TaskError):
    """The task was stopped because nobody waits for its result any longer."""


class PoolBusyError(Exception):
    """The pool holds as many waiting tasks as it takes."""


@dataclass(slots=True)
class _Task:
    function: Callable[..., Any]
    args: tuple[Any, ...]
    future: Future[Any] = field(default_factory=Future)
    started: float = 0.0
    stop_reason: TaskError | None = None
    """Why the task is to be stopped. It is the task's, not its worker's: a task stopped
    just as it ends must not stop the next task its worker takes."""


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    connection: Connection
    task: _Task | None = None
    done: int = 0
    ready: bool = False
    """True once the worker has started and run its initializer: a task's time counts
    from there, not from a spawn that a loaded machine makes slow."""


class WorkerPool:
    """Up to `jobs` worker processes, each running one task at a time."""

    def __init__(
        self,
        jobs: int,
        *,
        initializer: Callable[[], None] | None = None,
        recycle_after: int = RECYCLE_AFTER,
        limits: Limits = DEFAULT_LIMITS,
        start_method: str = "spawn",
        max_waiting: int | None = None,
    ) -> None:
        self.jobs = max(1, jobs)
        self.limits = limits
        self.recycle_after = recycle_after
        self.max_waiting = max_waiting
        self._initializer = initializer
        # Spawned by default: the parent may have threads, which a fork does not copy whole.
        self._context: Any = multiprocessing.get_context(start_method)
        self._lock = threading.Lock()
        self._waiting: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._wanted = 0
        self._closing = False
        self._cancel_waiting = False
        self._wake_reader, self._wake_writer = multiprocessing.Pipe(duplex=False)
        self._thread = threading.Thread(target=self._manage, name="workpool", daemon=True)
        self._thread.start()

    @property
    def waiting(self) -> int:
        """The number of tasks not yet given to a worker."""
        return len(self._waiting)

    @property
    def running(self) -> int:
        """The number of tasks being run by a worker now."""
        with self._lock:
            return sum(worker.task is not None for worker in self._workers)

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the workers alive now."""
        with self._lock:
            return [worker.process.pid for worker in self._workers if worker.process.pid]

    def start_workers(self) -> None:
        """Start every worker now rather than on the first task."""
        with self._lock:
            self._wanted = self.jobs
        self._wake()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Queue `function(*args)` for a worker; its future holds the result or the error."""
        task = _Task(function, args)
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is shut down")
            if self.max_waiting is not None and len(self._waiting) >= self.max_waiting:
                raise PoolBusyError(f"{len(self._waiting)} tasks are waiting already")
            self._waiting.append(task)
        self._wake()
        return task.future

    def abort(self, future: Future[Any]) -> None:
        """Drop the task of `future`: unstarted, it is cancelled; running, its worker stops."""
        with self._lock:
            for task in self._waiting:
                if task.future is future:
                    self._waiting.remove(task)
                    future.cancel()
                    return
            for worker in self._workers:
                if worker.task is not None and worker.task.future is future:
                    worker.task.stop_reason = TaskAbortedError("nobody waits for it any longer")
        self._wake()

    def shutdown(self, *, wait: bool = True, cancel_waiting: bool = True) -> None:
        """Stop taking tasks; cancel the waiting ones, let the running ones finish.

        With `wait`, return once every worker has ended.
        """
        with self._lock:
            self._closing = True
            self._cancel_waiting = self._cancel_waiting or cancel_waiting
        self._wake()
        if wait:
            self._thread.join()

    def kill(self) -> None:
        """Stop at once: cancel the waiting tasks and kill the workers running the others."""
        with self._lock:
            self._closing = self._cancel_waiting = True
            for worker in self._workers:
                if worker.task is not None:
                    worker.task.stop_reason = TaskAbortedError("the pool was stopped")
        self._wake()
        self._thread.join()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_writer.send_bytes(b"")

    def _manage(self) -> None:
        """Give tasks to workers and watch them, until shut down and idle."""
        try:
            while self._step():
                pass
        finally:
            # Every worker is told to stop before any is waited for: they end together.
            workers = list(self._workers)
            for worker in workers:
                self._stop(worker)
            for worker in workers:
                self._reap(worker)
            self._fail_waiting(RuntimeError("the worker pool is shut down"))

    def _step(self) -> bool:
        """Do one round of the pool's work; return False when it is over."""
        with self._lock:
            if self._cancel_waiting:
                self._fail_waiting(None)
            busy = any(worker.task is not None for worker in self._workers)
            if self._closing and not busy and not self._waiting:
                return False
            self._start_needed()
            assignments = self._assign()
        for worker, task in assignments:
            self._send(worker, task)
        self._stop_overdue()
        objects: list[Any] = [self._wake_reader]
        for worker in self._workers:
            objects += [worker.connection, worker.process.sentinel]
        for ready in wait(objects, timeout=self._next_deadline()):
            if ready is self._wake_reader:
                with contextlib.suppress(EOFError, OSError):
                    while self._wake_reader.poll():
                        self._wake_reader.recv_bytes()
        for worker in list(self._workers):
            self._collect(worker)
        return True

    def _start_needed(self) -> None:
        wanted = 0 if self._closing else max(self._wanted, min(self.jobs, len(self._waiting)))
        busy = sum(worker.task is not None for worker in self._workers)
        wanted = max(wanted, busy)
        while len(self._workers) < wanted:
            self._workers.append(self._new_worker())

    def _new_worker(self) -> _Worker:
        ours, theirs = multiprocessing.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main,
            args=(theirs, self._initializer, self.limits.memory, os.getpid()),
            name="exporter-worker",
            daemon=True,
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def _assign(self) -> list[tuple[_Worker, _Task]]:
        assignments = []
        for worker in self._workers:
            if worker.task is not None or not worker.ready or not self._waiting:
                continue
            while self._waiting:
                task = self._waiting.popleft()
                if task.future.set_running_or_notify_cancel():
                    worker.task = task
                    task.started = time.monotonic()
                    assignments.append((worker, task))
                    break
        return assignments

    def _send(self, worker: _Worker, task: _Task) -> None:
        try:
            worker.connection.send((task.function, task.args))
        except (OSError, EOFError):
            pass  # the worker died: its sentinel says so and the task fails with the reason
        except Exception as error:  # the task cannot be pickled: the worker never got it
            worker.task = None
            task.future.set_exception(error)

    def _stop_overdue(self) -> None:
        seconds = self.limits.seconds
        now = time.monotonic()
        for worker in list(self._workers):
            task = worker.task
            if task is None:
                continue
            if seconds is not None and now - task.started > seconds and not task.stop_reason:
                limit = f"{seconds:g}"
                task.stop_reason = TaskTimeoutError(f"took longer than the limit of {limit} s")
            if task.stop_reason is not None:
                self._retire(worker)  # killed: the task ends with the reason

    def _next_deadline(self) -> float:
        if self.limits.seconds is None:
            return _PARENT_CHECK_SECONDS
        now = time.monotonic()
        left = [
            task.started + self.limits.seconds - now
            for task in (worker.task for worker in self._workers)
            if task is not None
        ]
        return max(0.0, min([_PARENT_CHECK_SECONDS, *left]))

    def _collect(self, worker: _Worker) -> None:
        """Take a worker's answer if it has one; replace it if it died or is used up."""
        answer: tuple[str, Any] | None = None
        try:
            if worker.connection.poll():
                answer = worker.connection.recv()
        except (EOFError, OSError):
            answer = None
        except Exception as error:  # an answer that cannot be unpickled
            answer = ("error", error)
        if answer == ("ready", None):
            worker.ready = True
            return
        if answer is not None and worker.task is not None:
            kind, value = answer
            worker.done += 1
            if kind == "ok":
                self._end_task(worker, None, value)
            elif kind == "memory":
                self._end_task(worker, self._memory_error())
                self._retire(worker)
                return
            else:
                self._end_task(worker, value)
            if worker.done >= self.recycle_after:
                self._retire(worker)
                return
        if worker.process.exitcode is not None or (
            answer is None and not worker.process.is_alive()
        ):
            if worker.task is not None:
                self._end_task(worker, WorkerDiedError(_death(worker.process.exitcode)))
            elif not worker.ready:
                self._fail_first_waiting(worker.process.exitcode)
            self._retire(worker)

    def _memory_error(self) -> TaskMemoryError:
        megabytes = (self.limits.memory or 0) // 1024**2
        return TaskMemoryError(f"needed more memory than the limit of {megabytes} MB")

    def _end_task(self, worker: _Worker, error: BaseException | None, value: Any = None) -> None:
        task, worker.task = worker.task, None
        if task is None or task.future.done():
            return
        if error is None:
            task.future.set_result(value)
        else:
            task.future.set_exception(error)

    def _retire(self, worker: _Worker) -> None:
        """End a worker: politely when idle, by force when it still runs a task."""
        self._stop(worker)
        self._reap(worker)

    def _stop(self, worker: _Worker) -> None:
        """Take a worker out of the pool and tell it to stop, or kill it if it runs a task."""
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        if worker.task is not None:
            reason = worker.task.stop_reason or TaskAbortedError("the pool was stopped")
            self._end_task(worker, reason)
            worker.process.kill()
        else:
            with contextlib.suppress(OSError, EOFError):
                worker.connection.send(None)

    def _reap(self, worker: _Worker) -> None:
        """Wait for a stopped worker to end (killing it after a while) and close its pipe."""
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.connection.close()

    def _fail_first_waiting(self, exitcode: int | None) -> None:
        """Fail the oldest waiting task: a worker died before it could take one.

        Without this a worker that cannot start (a broken installation) would be
        replaced for ever while the tasks wait.
        """
        with self._lock:
            task = self._waiting.popleft() if self._waiting else None
        if task is not None and task.future.set_running_or_notify_cancel():
            task.future.set_exception(WorkerDiedError(_death(exitcode, "a worker starting up")))

    def _fail_waiting(self, error: BaseException | None) -> None:
        while self._waiting:
            task = self._waiting.popleft()
            if error is None:
                task.future.cancel()
            elif task.future.set_running_or_notify_cancel():
                task.future.set_exception(error)


def _death(exitcode: int | None, who: str = "the worker building it") -> str:
    """Say how a worker ended, as the reason its task failed."""
    if exitcode is not None and exitcode < 0:
        return f"{who} died (signal {-exitcode})"
    return f"{who} died (exit code {exitcode})"


def _worker_main(
    connection: Connection,
    initializer: Callable[[], None] | None,
    memory: int | None,
    parent: int,
) -> None:
    """Run tasks from `connection` until told to stop, the pipe closes or the parent dies."""
    if memory is not None:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            memory = min(memory, hard)  # a limit set from outside is never raised
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer()
    try:
        connection.send(("ready", None))
    except (OSError, EOFError):
        return
    for _ in itertools.count():
        try:
            message = connection.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        function, args = message
        try:
            answer: tuple[str, Any] = ("ok", in_large_block(function, *args))
        except MemoryError:
            answer = ("memory", None)
        except BaseException as error:  # every error travels back to the task's caller
            answer = ("error", error)
        try:
            connection.send(answer)
        except (OSError, EOFError):
            break
        except Exception as error:  # a result or error that cannot be pickled
            connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
        if answer[0] == "memory":
            break
    # Nothing the worker made is needed any more: frozen, it is spared the collections of
    # the interpreter's exit, which scan every object its libraries made (0.5 s and more
    # after a build in three formats, waited for by the pool's shutdown).
    gc.freeze()


def _watch_parent(parent: int) -> None:
    """End this worker soon after the process that started it is gone (killed with -9)."""
    while True:
        time.sleep(_PARENT_CHECK_SECONDS)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

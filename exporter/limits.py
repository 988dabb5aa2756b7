"""The time and memory one build may use, and holding a build to them in this process.

Apart from `exporter.workpool`, whose worker processes apply the same limits, so that a
build of one article in this process does not load multiprocessing.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

DEFAULT_TIMEOUT = 300.0
"""Seconds one task may take: the longest bulletin builds in about 5 s here."""
DEFAULT_MEMORY = 4 * 1024**3
"""Bytes of address space a worker may map (RLIMIT_AS): a worker building full bulletins
peaks at about 450 MB (benchmarks/soak.py), so 4 GB is reached by runaway input only."""
MEMORY_VARIABLE = "EXPORTER_WORKER_MEMORY"
"""The environment variable that sets the memory limit, in megabytes (0: none)."""


class TaskError(Exception):
    """A task that its worker could not finish; the message says why, in words."""


class TaskTimeoutError(TaskError):
    """The task ran past the time limit; its worker was stopped."""


class TaskMemoryError(TaskError):
    """The task needed more memory than the worker's limit."""


@dataclass(frozen=True, slots=True)
class Limits:
    """What one task may use before it is stopped."""

    seconds: float | None = DEFAULT_TIMEOUT
    """Wall-clock seconds per task; None for no limit."""
    memory: int | None = DEFAULT_MEMORY
    """Bytes of address space per worker; None for no limit."""


DEFAULT_LIMITS = Limits()


def memory_from_environment(default: int | None = DEFAULT_MEMORY) -> int | None:
    """Return the worker memory limit that $EXPORTER_WORKER_MEMORY (megabytes) sets."""
    text = os.environ.get(MEMORY_VARIABLE, "").strip()
    if not text:
        return default
    megabytes = int(text)  # a bad value is the user's to fix: raised as ValueError
    return megabytes * 1024**2 if megabytes > 0 else None


REPEAT_SECONDS = 0.05
"""How often an overdue task is told again that its time is up."""


@contextlib.contextmanager
def limited(limits: Limits) -> Iterator[None]:
    """Hold the task run inside to `limits` in this process (the main thread only).

    The time limit is an interval timer whose signal raises TaskTimeoutError, again
    every REPEAT_SECONDS until the task has ended: a library's broad `except` may take
    one for its own failure and go on. The memory limit lowers this process's RLIMIT_AS
    for the while, so that MemoryError becomes TaskMemoryError. Both are restored on the way out.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import resource

    saved_memory = resource.getrlimit(resource.RLIMIT_AS)
    if limits.memory is not None:
        soft, hard = saved_memory
        memory = limits.memory if hard == resource.RLIM_INFINITY else min(limits.memory, hard)
        if soft == resource.RLIM_INFINITY or memory < soft:
            resource.setrlimit(resource.RLIMIT_AS, (memory, hard))

    def overdue(_signal: int, _frame: object) -> None:
        raise TaskTimeoutError(f"took longer than the limit of {limits.seconds:g} s")

    timed = bool(limits.seconds)
    if timed:
        saved_handler = signal.signal(signal.SIGALRM, overdue)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds or 0, REPEAT_SECONDS)
    try:
        yield
    except MemoryError:
        megabytes = (limits.memory or 0) // 1024**2
        raise TaskMemoryError(f"needed more memory than the limit of {megabytes} MB") from None
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, saved_handler)
        resource.setrlimit(resource.RLIMIT_AS, saved_memory)

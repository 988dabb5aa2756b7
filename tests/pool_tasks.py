"""Tasks for the worker pool's tests: importable by name, as spawned workers need."""

from __future__ import annotations

import os
import signal
import time


def pid_after(seconds: float) -> int:
    """Return the worker's process id after waiting `seconds`."""
    time.sleep(seconds)
    return os.getpid()


def die_by_signal() -> None:
    """Kill the worker running this, as the OOM killer would."""
    os.kill(os.getpid(), signal.SIGKILL)


def allocate(megabytes: int) -> int:
    """Take `megabytes` of memory and return its size."""
    return len(bytearray(megabytes * 1024**2))


def fail(message: str) -> None:
    """Raise an ordinary error, which travels back to the caller."""
    raise ValueError(message)


def slow_build(markdown: bytes, fmt: str, print_marks: bool) -> object:
    """Stand in for a build that takes a while: sleep the seconds the body says."""
    from exporter.serve.workers import Rendered

    del fmt, print_marks
    time.sleep(float(markdown.decode()))
    return Rendered(str(os.getpid()).encode(), ())


def exit_at_start() -> None:
    """An initializer that fails, as a broken installation would."""
    raise SystemExit(3)


def start_slowly() -> None:
    """An initializer that takes longer than a task's time limit."""
    time.sleep(2)


def loaded_modules() -> list[str]:
    """Return the modules the worker running this has loaded."""
    import sys

    return sorted(sys.modules)

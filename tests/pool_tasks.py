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


def collection_threshold() -> int:
    """Return the new objects after which the worker running this collects cycles."""
    import gc

    return gc.get_threshold()[0]


def meet_at_exit(folder: str, name: str, other: str) -> None:
    """Wait until `other` runs too (in another worker); then, at this worker's exit, leave
    a mark, wait for the other's and write down how many objects the worker had frozen."""
    import atexit
    import gc
    from pathlib import Path

    here = Path(folder)

    def wait_for(path: Path) -> bool:
        for _ in range(200):  # 20 s at most
            if path.exists():
                return True
            time.sleep(0.1)
        return False

    (here / f"{name}.running").touch()
    wait_for(here / f"{other}.running")

    def at_exit() -> None:
        (here / f"{name}.ending").touch()
        if wait_for(here / f"{other}.ending"):
            (here / f"{name}.ended").write_text(str(gc.get_freeze_count()))

    atexit.register(at_exit)

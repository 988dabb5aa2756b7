"""Atomic output: a file appears whole or not at all, never half written."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename it.

    Ctrl-C and termination signals wait until the file is whole and renamed (or the
    temporary file removed), so an interrupted build leaves no temporary file behind.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _signals_deferred(), _whole_temporary(path, data) as temporary:
        os.replace(temporary, path)


def write_new(path: Path, data: bytes) -> None:
    """Write a new file whole, as write_atomic does; raise FileExistsError if `path` exists.

    The whole temporary file is hard-linked to its name, which fails when the name is
    taken: an existing file is never overwritten, even by a writer racing this one.
    """
    with _signals_deferred(), _whole_temporary(path, data) as temporary:
        os.link(temporary, path)


@contextlib.contextmanager
def _whole_temporary(path: Path, data: bytes) -> Iterator[str]:
    """Yield a temporary file beside `path` holding `data`, flushed to disk; remove it after."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        yield temporary
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back Ctrl-C and termination signals while the block runs; deliver them after."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, DEFERRED_SIGNALS)
    except (AttributeError, OSError, ValueError):  # no signal masks here: write unguarded
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)

"""Atomic output: a file appears whole or not at all, never half written."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

DEFERRED_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


def write_atomic(path: Path, data: bytes) -> os.stat_result:
    """Write `data` to `path` through a temporary file in the same folder, then rename it.

    Ctrl-C and termination signals wait until the file is whole and renamed (or the
    temporary file removed), so an interrupted build leaves no temporary file behind.
    Return the status of the file written (its size and time, which the rename keeps).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _signals_deferred(), _whole_temporary(path, data) as temporary:
        status = os.stat(temporary)
        os.replace(temporary, path)
    return status


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


def write_all_atomic(files: dict[Path, bytes]) -> None:
    """Write several files, all of them or none: an article and the pictures beside it.

    Each is first written whole to a temporary file beside it; then all are renamed,
    in the order given. Should a rename fail, the ones done are undone (a file that was
    there before is put back), so a failure leaves the folder as it was.
    """
    for path in files:
        path.parent.mkdir(parents=True, exist_ok=True)
    with _signals_deferred(), contextlib.ExitStack() as stack:
        temporaries = [
            (stack.enter_context(_whole_temporary(path, data)), path)
            for path, data in files.items()
        ]
        done: list[tuple[Path, str | None]] = []
        try:
            for temporary, path in temporaries:
                backup = _backup(path)
                if backup is not None:
                    stack.callback(_remove, backup)
                os.replace(temporary, path)
                done.append((path, backup))
        except BaseException:
            for path, backup in reversed(done):
                if backup is not None:
                    os.replace(backup, path)
                else:
                    _remove(str(path))
            raise


def _backup(path: Path) -> str | None:
    """Return a hard link to the file at `path` beside it, if there is one, to undo a rename."""
    if not path.is_file():
        return None
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old")
    os.close(handle)
    os.unlink(name)
    os.link(path, name)
    return name


def _remove(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name)

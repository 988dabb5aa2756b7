"""Build a batch's articles on a running Dask distributed cluster: `build --scheduler`.

Each task carries its article's files (the article and the other files of its folder:
its pictures) and, when `--layout` names a folder of the user's, that layout, all as
bytes: a worker needs the toolkit installed, not the files. The worker rebuilds them in
a temporary folder, renders there and sends the outputs' bytes back; this process
writes them into the output folder atomically, through the same code as a local build
(`write_outputs`), and keeps the manifest. An article that fails fails alone; the tasks
of a worker lost mid-task are run on another by the scheduler, and an article whose
worker dies `distributed.scheduler.allowed-failures` + 1 times (4 by default) is
reported failed.
"""

from __future__ import annotations

import functools
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from exporter.batch import ARTICLE_SUFFIXES, Outcome
from exporter.build import BuildOptions, prepare, render, write_outputs
from exporter.errors import ExportError, UsageError
from exporter.fingerprint import Stamp, stamp_of, toolkit_digest
from exporter.framestack import in_large_block
from exporter.layouts import BUNDLED_LAYOUTS, find_layout
from exporter.report import collect_warnings

if TYPE_CHECKING:
    from exporter.incremental import Record

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the scheduler before giving up."""
RETRIES = 1
"""Further tries of an article whose task raised on the worker (a full disk, say), beyond
the scheduler's own rescheduling of the tasks of a lost worker."""
MAX_FOLDER_BYTES = 256 * 1024**2
"""The most an article's folder may hold to be sent to a worker."""


@dataclass(frozen=True, slots=True)
class Payload:
    """An article's files as bytes, by path relative to its folder (POSIX separators)."""

    name: str
    """The article file's name in its folder."""
    files: dict[str, bytes]
    """The article file and the other files of its folder."""
    shown_as: str
    """The article's path as the user named it, for messages."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """What a worker made of one article."""

    status: str
    """built, refused or failed, as `Outcome.status`."""
    message: str
    """The one-line error of a refused or failed article."""
    outputs: dict[str, bytes]
    """Each format's bytes, when built."""
    warnings: tuple[str, ...]
    """The warnings of the build, each once."""
    series: str = ""
    """The series the article names."""
    pictures: dict[str, str | None] | None = None
    """The SHA-256 of each picture it prints, by path relative to its folder; None: missing."""
    toolkit: str = ""
    """The digest of the worker's toolkit (`toolkit_digest`): its code and libraries."""


def build_on_cluster(
    sources: list[Path],
    options: BuildOptions,
    address: str,
    formats: Mapping[Path, tuple[str, ...]] | None = None,
    record: bool = False,
) -> Iterator[Outcome]:
    """Yield the outcome of each article as the cluster at `address` finishes it."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UsageError(
            "--scheduler needs Dask distributed: pip install 'exporter[cluster]'"
        ) from None
    layout_files, layout_name = _layout_to_send(options.layout)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        detail = " ".join(str(error).split())
        raise UsageError(
            f"cannot reach the Dask scheduler at {address} within {CONNECT_TIMEOUT:g} s ({detail})"
        ) from None
    futures: dict[Any, Path] = {}
    toolkit = toolkit_digest()
    try:
        layout = client.scatter(layout_files, broadcast=True) if layout_files else None
        for source in sorted(sources, key=_size, reverse=True):
            try:
                payload = _payload(source)
            except ExportError as error:
                yield Outcome(source, "refused", str(error))
                continue
            wanted = options.formats if formats is None else formats.get(source, options.formats)
            task_options = replace(options, formats=wanted)
            future = client.submit(
                render_remote,
                payload,
                task_options,
                layout,
                layout_name,
                key=f"exporter-build-{uuid.uuid4().hex}",
                pure=False,
                retries=RETRIES,
                priority=_size(source),
            )
            futures[future] = source
        for future in as_completed(futures):
            source = futures.pop(future)
            yield _outcome(future, source, options, record, toolkit)
            future.release()
    finally:
        if futures:
            client.cancel(list(futures))
        client.close()


def render_remote(
    payload: Payload,
    options: BuildOptions,
    layout_files: dict[str, bytes] | None,
    layout_name: str,
) -> Rendered:
    """Rebuild an article's folder (and layout) in a temporary folder and render it there.

    Runs on a worker; never raises for a bad article.
    """
    _quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="exporter-task-") as tmp:
        folder = Path(tmp) / "article"
        _unpack(payload.files, folder)
        if layout_files is not None:
            _unpack(layout_files, Path(tmp) / "layout" / layout_name)
            options = replace(options, layout=str(Path(tmp) / "layout" / layout_name))
        source = folder / payload.name
        with collect_warnings() as messages:
            try:
                return in_large_block(_render_in, source, options, messages)
            except ExportError as error:
                status = "refused" if error.exit_code == 2 else "failed"
                message = str(error.in_file(str(source)))
            except MemoryError:
                status, message = "refused", f"{source}: refused: the build ran out of memory"
            except Exception as error:  # a bug: reported for this article, the others go on
                detail = " ".join(str(error).split())
                status = "failed"
                message = f"{source}: internal error: {type(error).__name__}: {detail}"
        shown = _shown(payload.shown_as, source, folder)
        return Rendered(status, shown(message), {}, tuple(shown(m) for m in messages))


def _render_in(source: Path, options: BuildOptions, messages: list[str]) -> Rendered:
    """Render one unpacked article in every format asked for."""
    from exporter.incremental import picture_stamps

    article, context = prepare(source, options)
    pictures = picture_stamps(article, context.source_dir)
    outputs = {fmt: render(article, context, fmt) for fmt in options.formats}
    root = source.parent.resolve()
    relative = {
        Path(path).relative_to(root).as_posix(): None if stamp is None else stamp.sha256
        for path, stamp in pictures.items()
    }
    toolkit = _worker_toolkit()
    return Rendered("built", "", outputs, tuple(messages), article.series, relative, toolkit)


def _outcome(
    future: Any, source: Path, options: BuildOptions, record: bool, toolkit: str
) -> Outcome:
    """Write a finished task's outputs and return what became of its article; outputs
    of a worker whose toolkit is not this one are not written (nor recorded as this one's)."""
    try:
        rendered: Rendered = future.result()
    except Exception as error:  # the worker died too often, or the task raised
        name = type(error).__name__
        detail = " ".join(str(error).split())
        if name == "KilledWorker":
            detail = "its worker died on every try (distributed.scheduler.allowed-failures)"
        return Outcome(source, "failed", f"{source}: failed on the cluster: {name}: {detail}")
    if rendered.status != "built":
        return Outcome(source, rendered.status, rendered.message, (), rendered.warnings)
    if rendered.toolkit != toolkit:
        message = (
            f"{source}: failed on the cluster: its worker runs another version of the "
            "toolkit or of its libraries than this machine"
        )
        return Outcome(source, "failed", message, (), rendered.warnings)
    written = write_outputs(source, options, rendered.outputs)
    paths = tuple(path for path, _status in written.values())
    recorded = _record(source, options, rendered, written) if record else None
    return Outcome(source, "built", "", paths, rendered.warnings, recorded)


def _record(
    source: Path,
    options: BuildOptions,
    rendered: Rendered,
    written: Mapping[str, tuple[Path, os.stat_result]],
) -> Record:
    """Return what the build read and wrote, as a local build records it: the pictures
    stamped here, each kept only if it still has the bytes the worker was sent."""
    import hashlib

    from exporter.fingerprint import file_digest
    from exporter.incremental import Record

    root = source.resolve().parent
    pictures: dict[str, Stamp | None] = {}
    for relative, sha in (rendered.pictures or {}).items():
        path = root / relative
        try:
            stamp = stamp_of(path) if path.is_file() else None
        except OSError:
            stamp = None
        # A picture changed since it was sent is recorded as unreadable: built again.
        pictures[str(path)] = stamp if stamp is None or stamp.sha256 == sha else None
    try:
        text = file_digest(source)
    except OSError:
        text = ""
    layout = find_layout(options.layout, rendered.series).folder
    outputs = {
        fmt: (
            path.name,
            Stamp(
                status.st_size,
                status.st_mtime_ns,
                hashlib.sha256(rendered.outputs[fmt]).hexdigest(),
            ),
        )
        for fmt, (path, status) in written.items()
    }
    return Record(text, rendered.series, layout, pictures, outputs)


def _payload(source: Path) -> Payload:
    """Return an article file and the other files of its folder (not other articles,
    hidden files or folders) as bytes."""
    folder = source.parent
    try:
        files = {source.name: source.read_bytes()}
    except OSError:  # sent without it: the worker's reader says why it is not there
        return Payload(source.name, {}, str(source))
    total = len(files[source.name])
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if (
            path == source
            or any(part.startswith(".") for part in relative.parts)
            or path.suffix.lower() in ARTICLE_SUFFIXES
            or not path.is_file()
        ):
            continue
        try:
            data = path.read_bytes()
        except OSError:  # a picture that cannot be read: the build says so if it prints it
            continue
        total += len(data)
        if total > MAX_FOLDER_BYTES:
            raise UsageError(
                f"the article's folder holds over {MAX_FOLDER_BYTES // 1024**2} MB to send",
                file=str(source),
            )
        files[relative.as_posix()] = data
    return Payload(source.name, files, str(source))


def _layout_to_send(layout: str | None) -> tuple[dict[str, bytes] | None, str]:
    """Return the files of the layout `--layout` names when it is not a bundled one, and
    its folder's name; (None, "") when the workers have it installed."""
    if layout is None:
        return None, ""
    folder = find_layout(layout).folder
    if folder.is_relative_to(BUNDLED_LAYOUTS.resolve()):
        return None, ""
    files = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    return files, folder.name


def _unpack(files: Mapping[str, bytes], folder: Path) -> None:
    """Write files sent as bytes under `folder`; a path leading out of it is refused."""
    root = folder.resolve()
    for relative, data in files.items():
        path = (root / PurePosixPath(relative)).resolve()
        if not path.is_relative_to(root):
            raise UsageError(f"a file sent leads out of its folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _shown(shown_as: str, source: Path, folder: Path) -> Callable[[str], str]:
    """Return a function putting the article's own path in a message in place of the
    temporary one."""

    def shown(message: str) -> str:
        message = message.replace(str(source), shown_as)
        return message.replace(str(folder.resolve()), str(Path(shown_as).parent))

    return shown


@functools.cache
def _worker_toolkit() -> str:
    """Return the digest of the toolkit a worker runs, made once per worker process."""
    return toolkit_digest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported by the build itself
        return 0


def _quiet_libraries() -> None:
    """Keep a worker's library chatter out of its log; the warnings travel in Rendered."""
    logging.getLogger("exporter").propagate = False
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

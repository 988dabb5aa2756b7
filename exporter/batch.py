"""Build many articles, in worker processes: one broken article never stops the others."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.build import BuildOptions, build_file
from exporter.errors import ExportError
from exporter.framestack import in_large_block
from exporter.limits import DEFAULT_LIMITS, Limits, TaskError, limited
from exporter.report import collect_warnings

if TYPE_CHECKING:
    from concurrent.futures import Future

    from exporter.incremental import Record
    from exporter.workpool import WorkerPool

# Folders are searched for the article formats only: a web page or DOCX is imported
# with `exporter import`, not built as found.
ARTICLE_SUFFIXES = (".md", ".markdown", ".json")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one article."""

    source: Path
    """The article file."""
    status: str
    """built, refused (bad input, exit 2) or failed (an internal error)."""
    message: str = ""
    """The one-line error of a refused or failed article."""
    paths: tuple[Path, ...] = ()
    """The files written."""
    warnings: tuple[str, ...] = ()
    """The warnings of the build, each once."""
    record: Record | None = None
    """What a built article's build read and wrote, when asked for (an incremental build)."""


def expand_sources(paths: list[Path]) -> list[Path]:
    """Return the article files named, folders replaced by the articles inside them, each once."""
    sources: list[Path] = []
    for path in paths:
        if path.is_dir():
            sources.extend(
                sorted(
                    found
                    for found in path.rglob("*")
                    if found.suffix.lower() in ARTICLE_SUFFIXES
                    and found.is_file()
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                )
            )
        else:
            sources.append(path)
    return list(dict.fromkeys(sources))  # each once: a file named and found in a folder


def build_one(source: Path, options: BuildOptions, record: bool = False) -> Outcome:
    """Build one article and say what became of it; never raises for a bad article.

    With `record`, the outcome also says what the build read and wrote (`Record`).
    """
    recorded = None
    with collect_warnings() as messages:
        try:
            if record:
                from exporter.incremental import build_recorded

                built, recorded = build_recorded(source, options)
                paths = tuple(built)
            else:
                paths = tuple(build_file(source, options))
            status, message = "built", ""
        except ExportError as error:
            paths = ()
            status = "refused" if error.exit_code == 2 else "failed"
            message = str(error.in_file(str(source)))
        except (TaskError, MemoryError):
            raise  # a limit passed: the caller reports it, and a worker is replaced
        except Exception as error:  # a bug: reported for this article, the others go on
            paths = ()
            status = "failed"
            detail = " ".join(str(error).split())
            message = f"{source}: internal error: {type(error).__name__}: {detail}"
    return Outcome(source, status, message, paths, tuple(messages), recorded)


def build_all(
    sources: list[Path],
    options: BuildOptions,
    jobs: int,
    limits: Limits = DEFAULT_LIMITS,
    formats: Mapping[Path, tuple[str, ...]] | None = None,
    record: bool = False,
    pool: WorkerPool | None = None,
) -> Iterator[Outcome]:
    """Yield the outcome of each article as it is done, in worker processes when jobs > 1.

    Every article has the time and memory of `limits`; one that passes them, or whose
    worker dies, is reported and the others go on. `formats` names the formats to build
    of an article when not all of the options' (an incremental build); with `record`,
    each outcome says what its build read and wrote. A `pool` started beforehand
    (`batchpool.start_pool`) builds the articles, and is shut down at the end.
    """

    def options_of(source: Path) -> BuildOptions:
        if formats is None or source not in formats:
            return options
        return dataclasses.replace(options, formats=formats[source])

    if pool is None and (jobs <= 1 or len(sources) <= 1):
        for source in sources:
            yield in_large_block(build_limited, source, options_of(source), limits, record)
        return
    # Imported here: a build of one article, or in one process, needs no pool.
    from concurrent.futures import as_completed

    from exporter.batchpool import start_pool

    if pool is None:
        pool = start_pool(min(jobs, len(sources)), options.formats, limits)
    try:
        # Longest first, so that no long article is left to one worker at the end.
        ordered = sorted(sources, key=_size, reverse=True)
        futures: dict[Future[Outcome], Path] = {
            pool.submit(build_one, source, options_of(source), record): source for source in ordered
        }
        for future in as_completed(futures):
            yield _outcome_of(future, futures[future])
    finally:
        pool.shutdown(wait=True, cancel_waiting=True)


def build_limited(
    source: Path, options: BuildOptions, limits: Limits, record: bool = False
) -> Outcome:
    """Build one article in this process, within the time and memory of `limits`."""
    try:
        with limited(limits):
            return build_one(source, options, record)
    except TaskError as error:
        return _refused_for(source, error)


def _outcome_of(future: Future[Outcome], source: Path) -> Outcome:
    """Return what a worker's future says of its article, a worker's fault included."""
    from exporter.workpool import WorkerDiedError

    try:
        return future.result()
    except WorkerDiedError as error:
        return Outcome(source, "failed", f"{source}: {error}")
    except TaskError as error:
        return _refused_for(source, error)


def _refused_for(source: Path, error: Exception) -> Outcome:
    return Outcome(source, "refused", f"{source}: refused: the build {error}")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # reported by the build itself
        return 0

"""The worker processes of a batch build, each loading its formats' writers as it starts."""

from __future__ import annotations

import functools
import importlib
import logging
import os
import signal
from collections.abc import Sequence
from typing import TYPE_CHECKING

from exporter.collector import collect_rarely
from exporter.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from exporter.workpool import WorkerPool

BUILD_MODULE = "exporter.batch"
"""The module of the function a worker runs for each article."""


def start_pool(jobs: int, formats: Sequence[str], limits: Limits = DEFAULT_LIMITS) -> WorkerPool:
    """Start `jobs` workers now, each loading the writers of `formats` before its first task.

    Started before this process has read its articles, the workers load their libraries
    (WeasyPrint, ebooklib, python-docx) meanwhile rather than after.
    """
    from exporter.workpool import WorkerPool

    initializer = functools.partial(start_worker, tuple(formats))
    pool = WorkerPool(jobs, initializer=initializer, limits=limits)
    pool.start_workers()
    return pool


def start_worker(formats: tuple[str, ...]) -> None:
    """Set a worker up: quiet, Ctrl-C left to the main process, its writers loaded."""
    # As `python -m exporter` does: an article makes many objects and frees few cycles,
    # and Python's frequent collections took 5-8% of a worker's time.
    collect_rarely()
    quiet_worker()
    from exporter.writers import WRITERS

    modules = [BUILD_MODULE, *(WRITERS[fmt].module for fmt in formats if fmt in WRITERS)]
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception:  # each article's build reports it, naming the article
            continue


def quiet_worker() -> None:
    """Keep a worker's library chatter off the terminal; its warnings travel in Outcome.

    Ctrl-C is the main process's to handle: it cancels the articles not yet started and
    lets the workers finish the ones they are writing, each file whole.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("exporter").propagate = False
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


def default_jobs() -> int:
    """Return the number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1

"""Warnings of a build, collected per article and printed once at the end, with the file."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("exporter")


class _Collector(logging.Handler):
    """Keeps each distinct warning message once, in order."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = " ".join(record.getMessage().split())
        if message not in self.messages:
            self.messages.append(message)


@contextmanager
def collect_warnings() -> Iterator[list[str]]:
    """Collect the exporter's warnings while the block runs; yield the list they go to."""
    collector = _Collector()
    log.addHandler(collector)
    try:
        yield collector.messages
    finally:
        log.removeHandler(collector)

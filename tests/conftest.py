"""Shared set-up: a cache folder apart from the user's, and the toolkit's logger reset per test."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest

from exporter.cache import CACHE_VARIABLE


@pytest.fixture(scope="session", autouse=True)
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the cache folder at the session's own (worker processes inherit it)."""
    previous = os.environ.get(CACHE_VARIABLE)
    os.environ[CACHE_VARIABLE] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        del os.environ[CACHE_VARIABLE]
    else:
        os.environ[CACHE_VARIABLE] = previous


@pytest.fixture(autouse=True)
def _logger_as_found() -> Iterator[None]:
    """Give the next test the toolkit's logger as this one found it (the CLI sets its level)."""
    logger = logging.getLogger("exporter")
    level, propagate, handlers = logger.level, logger.propagate, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.propagate = propagate
    logger.handlers[:] = handlers

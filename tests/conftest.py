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


_LOGGER = logging.getLogger("exporter")
_LOGGER_AT_START = (_LOGGER.level, _LOGGER.propagate, list(_LOGGER.handlers))


def _reset_logger() -> None:
    """Set the toolkit's logger as it was before any test (the CLI sets its level)."""
    level, propagate, handlers = _LOGGER_AT_START
    _LOGGER.setLevel(level)
    _LOGGER.propagate = propagate
    _LOGGER.handlers[:] = handlers


@pytest.fixture(autouse=True)
def _logger_as_at_start() -> Iterator[None]:
    """Give each test the toolkit's logger as the session found it, whatever ran before."""
    _reset_logger()
    yield
    _reset_logger()

"""Shared set-up: the tests keep the toolkit's cache folder apart from the user's."""

from __future__ import annotations

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

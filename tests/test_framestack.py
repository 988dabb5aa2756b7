"""Calls from a large block of frames: no block mapped and unmapped at every deep call."""

from __future__ import annotations

import resource
import sys
from collections.abc import Callable

import pytest

from exporter.framestack import in_large_block

CALLS = 2000
"""Calls of the hot function at each depth tried."""


def _leaf(value: int) -> int:
    return value + 1


def _hot() -> int:
    """Call a function CALLS times at one depth, as a layout calls its line breaker."""
    total = 0
    for index in range(CALLS):
        total = _leaf(total + index - index)
    return total


def _descend(depth: int, then: Callable[[], int]) -> int:
    if depth:
        return _descend(depth - 1, then)
    return then()


def _page_faults(call: Callable[[], int]) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    call()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def _worst_faults(start: Callable[[Callable[[], int]], int]) -> int:
    """Return the most page faults of the hot loop, begun at each of 200 depths."""
    return max(
        _page_faults(lambda depth=depth: start(lambda: _descend(depth, _hot)))
        for depth in range(200)
    )


@pytest.mark.skipif(
    sys.implementation.name != "cpython" or sys.version_info < (3, 11),
    reason="CPython 3.11's blocks of frames",
)
def test_a_deep_hot_call_maps_no_block_of_frames_at_any_depth() -> None:
    # Called plainly, the loop at some depth straddles a block's end: a block is
    # mapped at every call (a page fault each), which is what in_large_block avoids.
    assert _worst_faults(lambda call: call()) >= CALLS
    assert _worst_faults(lambda call: in_large_block(call)) < CALLS / 10


def test_the_call_gives_its_result_and_its_errors() -> None:
    assert in_large_block(divmod, 7, 2) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        in_large_block(divmod, 7, 0)

"""Run a call from a frame so large that CPython gives it a block of frames of its own.

CPython (3.11 and later) keeps the frames of Python calls on a stack of 16 KiB blocks,
and frees a block as soon as the call that began it returns. A call that straddles a
block's end maps a new block when it starts and unmaps it when it returns, and a build
calls the same deep functions (WeasyPrint's layout, line by line) many thousand times
at one depth: where that depth fell on a block's end, a build of the benchmark's 28
articles mapped and unmapped a block 90,000 to 510,000 times, depending only on how
many calls deep the build began (one more level in the command line's code moved it
from 17,000 to 90,000 for five articles). With the page faults of each new block, that
was 0.9 s of system time in a `--jobs 2` build of 28 articles, and 10% of its wall time.

`in_large_block` calls its function from a frame of about 25 KiB (a function given
FRAME_SLOTS unused local variables, made once from a small one's code): CPython starts
a block of 64 KiB for it, and the calls under it have the rest, about 38 KiB, more than
a build goes deep. The same
build then maps about 700 blocks in all, wherever it began. No library offers this; it
relies on how CPython sizes its frames and blocks (`Python/pystate.c`, `push_chunk`),
and elsewhere it is a plain call.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

FRAME_SLOTS = 3200
"""Local variables of the calling frame: 8 bytes each, more than a 16 KiB block holds
(with CPython's reserve of 1,000 slots), so that its block is 64 KiB."""


def _call(call: Callable[..., Any], *args: Any) -> Any:
    return call(*args)


def _large_caller(slots: int) -> Callable[..., Any]:
    """Return `_call` with `slots` more local variables, never used: a larger frame."""
    code = _call.__code__
    names = tuple(f"local{index}" for index in range(slots))
    larger = code.replace(co_varnames=code.co_varnames + names, co_nlocals=code.co_nlocals + slots)
    caller: Callable[..., Any] = types.FunctionType(larger, globals(), "call_from_large_frame")
    return caller


_call_from_large_frame = _large_caller(FRAME_SLOTS)


def in_large_block(call: Callable[..., T], *args: Any) -> T:
    """Return `call(*args)`, called from the start of a large block of frames."""
    result: T = _call_from_large_frame(call, *args)
    return result

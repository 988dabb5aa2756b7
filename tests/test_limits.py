"""The limits a task runs under in its process: the time limit holds through a library's
broad `except`."""

from __future__ import annotations

import time

import pytest

from exporter.limits import Limits, TaskTimeoutError, limited


def test_a_time_limit_swallowed_once_is_raised_again() -> None:
    swallowed = 0
    started = time.monotonic()
    with pytest.raises(TaskTimeoutError, match=r"limit of 0\.05 s"), limited(Limits(seconds=0.05)):
        while time.monotonic() - started < 5:
            try:
                time.sleep(0.01)
            except Exception:  # a library that takes every failure for its own
                swallowed += 1
                if swallowed == 1:
                    continue
                raise
    assert swallowed == 2
    assert time.monotonic() - started < 1


def test_the_timer_is_off_once_the_task_has_ended() -> None:
    with limited(Limits(seconds=0.05)):
        pass
    time.sleep(0.2)  # no TaskTimeoutError arrives after the task

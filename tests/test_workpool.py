"""The worker pool: recycling without a deadlock, and one task's fault costs that task alone."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import CancelledError, Future, wait
from pathlib import Path
from typing import Any

import pytest

from exporter.workpool import (
    Limits,
    PoolBusyError,
    TaskAbortedError,
    TaskError,
    TaskMemoryError,
    TaskTimeoutError,
    WorkerDiedError,
    WorkerPool,
)
from tests import pool_tasks


def results(futures: list[Future[int]]) -> list[int]:
    done, _ = wait(futures, timeout=120)
    assert len(done) == len(futures), "the pool stopped answering"
    return [future.result() for future in futures]


def test_workers_are_replaced_after_n_tasks_and_every_task_is_done() -> None:
    # Many more tasks than workers times their allowance: the case that deadlocks
    # ProcessPoolExecutor(max_tasks_per_child=...) on CPython 3.11 (gh-115634).
    pool = WorkerPool(2, recycle_after=5)
    try:
        pids = results([pool.submit(pool_tasks.pid_after, 0.0) for _ in range(40)])
    finally:
        pool.shutdown()
    assert len(pids) == 40
    assert len(set(pids)) >= 8
    assert all(pids.count(pid) <= 5 for pid in set(pids))


def test_a_killed_worker_fails_its_task_alone_and_is_replaced() -> None:
    pool = WorkerPool(2)
    try:
        before = [pool.submit(pool_tasks.pid_after, 0.05) for _ in range(6)]
        dying = pool.submit(pool_tasks.die_by_signal)
        after = [pool.submit(pool_tasks.pid_after, 0.05) for _ in range(6)]
        assert len(results(before + after)) == 12
        with pytest.raises(WorkerDiedError, match=r"the worker building it died \(signal 9\)"):
            dying.result(timeout=30)
    finally:
        pool.shutdown()


def test_an_ordinary_error_travels_back_and_the_worker_stays() -> None:
    pool = WorkerPool(1)
    try:
        first = pool.submit(pool_tasks.pid_after, 0)
        with pytest.raises(ValueError, match="bad article"):
            pool.submit(pool_tasks.fail, "bad article").result(timeout=30)
        assert pool.submit(pool_tasks.pid_after, 0).result(timeout=30) == first.result()
    finally:
        pool.shutdown()


def test_a_task_past_the_time_limit_is_stopped() -> None:
    pool = WorkerPool(1, limits=Limits(seconds=0.5, memory=None))
    try:
        started = time.monotonic()
        with pytest.raises(TaskTimeoutError, match=r"longer than the limit of 0\.5 s"):
            pool.submit(pool_tasks.pid_after, 60).result(timeout=30)
        assert time.monotonic() - started < 15
        assert pool.submit(pool_tasks.pid_after, 0).result(timeout=30) > 0
    finally:
        pool.shutdown()


def test_a_task_past_the_memory_limit_is_refused_and_the_worker_replaced() -> None:
    pool = WorkerPool(1, limits=Limits(seconds=None, memory=1024**3))
    try:
        first = pool.submit(pool_tasks.pid_after, 0).result(timeout=30)
        with pytest.raises(TaskMemoryError, match="more memory than the limit of 1024 MB"):
            pool.submit(pool_tasks.allocate, 2048).result(timeout=30)
        assert pool.submit(pool_tasks.allocate, 64).result(timeout=30) == 64 * 1024**2
        assert pool.submit(pool_tasks.pid_after, 0).result(timeout=30) != first
    finally:
        pool.shutdown()


def test_an_aborted_task_stops_its_worker_and_a_waiting_one_is_cancelled() -> None:
    pool = WorkerPool(1)
    try:
        running = pool.submit(pool_tasks.pid_after, 60)
        waiting = pool.submit(pool_tasks.pid_after, 0)
        time.sleep(1)
        pool.abort(waiting)
        pool.abort(running)
        with pytest.raises(TaskAbortedError):
            running.result(timeout=15)
        with pytest.raises(CancelledError):
            waiting.result(timeout=1)
    finally:
        pool.shutdown()


class GoneAsItEnds(WorkerPool):
    """A pool in which the first task is aborted just as its answer comes in."""

    first: Future[Any] | None = None

    def _collect(self, worker: Any) -> None:
        task = worker.task
        if task is not None and task.future is self.first and worker.connection.poll():
            self.abort(task.future)  # the editor's page closed at that moment
        super()._collect(worker)


def test_a_task_aborted_as_it_ends_does_not_stop_the_next_task() -> None:
    pool = GoneAsItEnds(1)
    try:
        pool.first = pool.submit(pool_tasks.pid_after, 0.2)
        following = pool.submit(pool_tasks.pid_after, 0.2)
        assert following.result(timeout=30) == pool.first.result(timeout=1)  # same worker
    finally:
        pool.shutdown()


def test_past_the_queue_limit_submitting_is_refused() -> None:
    pool = WorkerPool(1, max_waiting=2)
    try:
        futures = [pool.submit(pool_tasks.pid_after, 2)]
        deadline = time.monotonic() + 60
        while not pool.running:  # given to the worker once it has started: no longer waiting
            assert time.monotonic() < deadline, "the worker never started"
            time.sleep(0.05)
        futures += [pool.submit(pool_tasks.pid_after, 0) for _ in range(2)]
        with pytest.raises(PoolBusyError):
            pool.submit(pool_tasks.pid_after, 0)
        assert len(results(futures)) == 3
    finally:
        pool.kill()


PARENT = """
import sys, time
from exporter.workpool import WorkerPool
from tests import pool_tasks
pool = WorkerPool(2)
futures = [pool.submit(pool_tasks.pid_after, 60) for _ in range(2)]
while len(pool.worker_pids) < 2:
    time.sleep(0.05)
print(*pool.worker_pids, flush=True)
time.sleep(120)
"""


def test_workers_end_by_themselves_when_their_parent_is_killed() -> None:
    root = Path(__file__).resolve().parents[1]
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=root, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        pids = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(pids) == 2
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in pids)
    finally:
        parent.kill()


def alive(pid: int) -> bool:
    """Return True while `pid` runs (a zombie, reaped by init soon, counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z" and os.path.exists(f"/proc/{pid}")


def test_a_worker_that_cannot_start_fails_the_task_not_the_pool() -> None:
    pool = WorkerPool(1, initializer=pool_tasks.exit_at_start)
    try:
        with pytest.raises(TaskError, match=r"a worker starting up died \(exit code 3\)"):
            pool.submit(pool_tasks.pid_after, 0).result(timeout=60)
    finally:
        pool.kill()


def test_a_tasks_time_counts_from_its_start_not_from_the_workers_start() -> None:
    """A worker slow to start (a loaded machine) does not eat into a task's time limit."""
    pool = WorkerPool(1, initializer=pool_tasks.start_slowly, limits=Limits(1.0, None))
    try:
        assert pool.submit(pool_tasks.pid_after, 0.2).result(timeout=60) > 0
    finally:
        pool.kill()


def test_a_shut_down_pools_workers_are_all_told_to_stop_and_end_frozen(tmp_path: Path) -> None:
    # Each worker, at its exit, waits for the other's: a pool that waited for one worker
    # to end before telling the next to stop would leave the first waiting in vain.
    pool = WorkerPool(2)
    futures = [
        pool.submit(pool_tasks.meet_at_exit, str(tmp_path), name, other)
        for name, other in (("a", "b"), ("b", "a"))
    ]
    for future in futures:
        future.result(timeout=60)
    pool.shutdown(wait=True)
    ended = {path.stem: int(path.read_text()) for path in tmp_path.glob("*.ended")}
    assert set(ended) == {"a", "b"}
    # Frozen before the interpreter's exit, which then scans none of the worker's objects.
    assert all(count > 0 for count in ended.values())

"""Batch workers come from a fork server: a lock another thread of the caller holds is not
copied into them, and a worker that dies is one clear error, not a crash."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from spilldesk.notify.batch import render_packets
from spilldesk.worker_pool import WorkerDied, process_pool

_LOCK = threading.Lock()


def _lock_is_free(_: int) -> bool:
    taken = _LOCK.acquire(timeout=5)  # a forked copy of a held lock would never be released
    if taken:
        _LOCK.release()
    return taken


def test_a_lock_held_by_another_thread_of_the_caller_does_not_reach_the_workers() -> None:
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with _LOCK:
            held.set()
            done.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        with process_pool(2) as pool:
            assert list(pool.map(_lock_is_free, range(2))) == [True, True]
    finally:
        done.set()
        holder.join()


class _Dying:
    """A notice whose rendering kills the worker (its language is read only there)."""

    notice_number = "TEST-000001-00"

    @property
    def language(self) -> str:
        os._exit(9)


def test_a_worker_that_dies_is_one_clear_error(tmp_path: Path) -> None:
    jobs = [_Dying()] * 4
    with pytest.raises(WorkerDied, match="rendering packets.*died.*nothing was recorded"):
        render_packets(jobs, tmp_path, workers=2, chunk_size=1)  # type: ignore[arg-type]

"""Worker processes for batch work (packets, access logs, the demo's gate run), started from a
fork server rather than by forking the caller.

The caller is rarely alone: Rich's progress bar refreshes from a thread, the web server answers
from several, a test runner keeps its own. Forking such a process copies every lock those
threads held at that instant into a child that has none of the threads to release them, and a
child that then needs one hangs or dies (a batch of packets lost its workers this way, once in
several runs). The fork server is a fresh interpreter, started once per caller, that imports the
named modules and forks each worker from itself: workers start warm and owe nothing to the
caller's threads.

A worker that dies (a signal, the kernel out of memory) is a `WorkerDied`, said in one line; the
caller's transaction rolls back around it.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver


class WorkerDied(RuntimeError):
    """A worker process ended in the middle of its work."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"a worker process {what} died before it finished (killed, or out of memory); "
            "nothing was recorded, run it again"
        )


def start_server(preload: Sequence[str]) -> None:
    """Start the fork server now, if it is not running: it imports `preload` while the caller
    goes on (a command reading the store meanwhile), so the first pool's workers fork warm."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    forkserver.ensure_running()


def process_pool(
    workers: int, *, preload: Sequence[str] = (), initializer: Callable[[], None] | None = None
) -> ProcessPoolExecutor:
    """A pool of `workers` processes forked from the fork server. `preload` (module names) is
    imported by the server when this process starts it, so that every worker has it already."""
    context = multiprocessing.get_context("forkserver")
    # Read only when the server starts (once per process); later pools add nothing to it and
    # their workers import what they lack when they unpickle their first task.
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=initializer)

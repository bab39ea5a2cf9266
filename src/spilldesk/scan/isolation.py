"""Untrusted bytes are parsed in a worker process, so that no input can take the caller down.

Every entry point of the gate (`scan_path`, `scan_bytes`, `extract_records`,
`document_lines`, `read_first_sheet`) reads through `run_isolated`. The worker may add
`Limits.memory` bytes to the address space it starts with (RLIMIT_AS) and has
`Limits.seconds` of wall time; a worker that runs out of memory or time, or dies (a native
library that aborts), becomes a ScanError naming the file, and the caller goes on.

Starting a worker is cheap, whoever asks:
- a process with one Python thread (the CLI) forks itself: the child already has every
  module imported and the input in memory (a few ms, no interpreter start). Native thread
  pools (OpenBLAS, started by importing numpy; duckdb) are idle, never used by the child,
  and handle fork themselves;
- a process with several Python threads (the web server, where another request's thread
  may hold a lock the child would need) hands the file to the zygote (zygote.py): a small
  process started once with the scan modules imported, which forks a worker per file.
Code that already runs in a worker calls nested entry points directly.
"""

from __future__ import annotations

import os
import select
import signal
import struct
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from spilldesk.config import SCAN_TIMEOUT
from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import Limits, human_size
from spilldesk.scan.worker import answer, confine, in_worker, outcome
from spilldesk.scan.zygote import run_in_zygote

T = TypeVar("T")
Job = tuple[tuple[Any, ...], str]
"""The arguments of one task and the name of the file it reads (for error messages)."""
_FRAME = struct.Struct("!q")


def run_isolated(task: Callable[..., T], *args: Any, name: str, limits: Limits) -> T:
    """`task(*args)` in a worker; its ScanError, or what became of the worker, is raised here.

    `task` must be a module-level function of an importable module (the zygote receives it
    by name).
    """
    (result,) = run_isolated_each(task, [(args, name)], limits)
    if isinstance(result, ScanError):
        raise result
    return result


def run_isolated_each(
    task: Callable[..., T], jobs: Sequence[Job], limits: Limits
) -> list[T | ScanError]:
    """`task` for each job, each result or ScanError in order, with each file's limits.

    A forked worker reads the files in turn (the caches it warms carry over from file to
    file); one that dies or runs out of time or memory on a file that was not its first is
    replaced, and that file is read again by a fresh worker: every file gets the verdict
    that a worker of its own would give.
    """
    if in_worker():
        return [task(*args) for args, _ in jobs]
    if not may_fork():
        return [_in_zygote(task, args, name, limits) for args, name in jobs]
    results: list[T | ScanError] = []
    while len(results) < len(jobs):
        results += _in_forked_child(task, jobs[len(results) :], limits)
    return results


def may_fork() -> bool:
    """Whether this process may fork its workers: no other Python thread could be holding a
    lock that the child would need."""
    return threading.active_count() == 1


def _in_zygote(
    task: Callable[..., T], args: tuple[Any, ...], name: str, limits: Limits
) -> T | ScanError:
    try:
        payload, timed_out = run_in_zygote(task, args, name, limits)
    except (OSError, ScanError) as error:
        return _no_worker(name, error)
    status, value = _answer_of(payload or None)
    if status == "died":  # nothing, half an answer, or one a worker may not send
        return ScanError(_death_message(name, limits, timed_out, None))
    result: T | ScanError = value
    return result


def _in_forked_child(
    task: Callable[..., T], jobs: Sequence[Job], limits: Limits
) -> list[T | ScanError]:
    """The results of the jobs a forked worker got through (at least the first one's)."""
    try:
        reader, writer = os.pipe()
        pid = os.fork()
    except OSError as error:  # no process to be had: this file cannot be judged now
        return [_no_worker(jobs[0][1], error)]
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(reader)
            confine(limits)
            for args, name in jobs:
                said = outcome(task, args, name)
                view = memoryview(_FRAME.pack(len(said)) + said)
                while view:
                    view = view[os.write(writer, view) :]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(writer)
    results: list[T | ScanError] = []
    try:
        frames = _Frames(reader)
        for _, name in jobs:
            frame, timed_out = frames.next(time.monotonic() + limits.seconds)
            status, value = _answer_of(frame)
            if status in ("ok", "error") or (status == "memory" and not results):
                results.append(value)
                continue
            _kill(pid)
            if not results:  # the worker's first file: what happened is this file's verdict
                results.append(ScanError(_death_message(name, limits, timed_out, _reap(pid))))
            break
    except BaseException:  # Ctrl-C in the caller: the worker goes too
        _kill(pid)
        raise
    finally:
        os.close(reader)
        _reap(pid)
    return results


def _answer_of(frame: bytes | None) -> tuple[str, Any]:
    """(status, value) of a worker's answer; one that is missing or not what a worker may send
    (a crafted file that took the worker over) counts as the worker having died."""
    if frame is None:
        return "died", None
    try:
        status, value = answer(frame)
    except Exception:
        return "died", None
    return str(status), value


class _Frames:
    """Length-prefixed answers read from a worker's pipe, each before its deadline."""

    def __init__(self, channel: int) -> None:
        self.channel = channel
        self.buffer = bytearray()

    def next(self, deadline: float) -> tuple[bytes | None, bool]:
        """(the next answer, or None if the worker died or time ran out; whether it did)."""
        while True:
            if len(self.buffer) >= _FRAME.size:
                (size,) = _FRAME.unpack_from(self.buffer)
                if len(self.buffer) >= _FRAME.size + size:
                    frame = bytes(self.buffer[_FRAME.size : _FRAME.size + size])
                    del self.buffer[: _FRAME.size + size]
                    return frame, False
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.channel], [], [], left)[0]:
                return None, True
            chunk = os.read(self.channel, 1 << 20)
            if not chunk:
                return None, False
            self.buffer += chunk


def _reap(pid: int) -> int | None:
    """The worker's exit code, or minus the signal that ended it (None if already reaped)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _no_worker(name: str, error: BaseException) -> ScanError:
    reason = error if isinstance(error, ScanError) else f"{type(error).__name__}: {error}"
    return ScanError(f"{name}: not judged: no worker process could be started ({reason})")


def _death_message(name: str, limits: Limits, timed_out: bool, code: int | None) -> str:
    if timed_out:
        return (
            f"{name}: not judged within {limits.seconds:g} s (the time limit); split it, or "
            f"raise {SCAN_TIMEOUT.env_var}"
        )
    return (
        f"{name}: the reader stopped abnormally{_how(code)}: the file is damaged or needs more "
        f"than {human_size(limits.memory)} of memory to read; re-save or split it"
    )


def _how(code: int | None) -> str:
    if code is None:
        return ""
    if code >= 0:
        return f" (exit status {code})"
    try:
        return f" (signal {signal.Signals(-code).name})"
    except ValueError:
        return f" (signal {-code})"

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
import pickle
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import Limits, human_size
from spilldesk.scan.worker import in_worker, receive, work
from spilldesk.scan.zygote import run_in_zygote

T = TypeVar("T")


def run_isolated(task: Callable[..., T], *args: Any, name: str, limits: Limits) -> T:
    """`task(*args)` in a worker; its ScanError, or what became of the worker, is raised here.

    `task` must be a module-level function of an importable module (the zygote receives it
    by name).
    """
    if in_worker():
        return task(*args)
    if threading.active_count() == 1:
        payload, timed_out, code = _in_forked_child(task, args, name, limits)
    else:
        payload, timed_out = run_in_zygote(task, args, name, limits)
        code = None
    try:
        status, value = pickle.loads(payload)
    except Exception:  # nothing, or half an answer: the worker died
        raise ScanError(_death_message(name, limits, timed_out, code)) from None
    if status == "error":
        raise value
    result: T = value
    return result


def _in_forked_child(
    task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits
) -> tuple[bytes, bool, int]:
    """(the answer, empty if the worker died; whether it ran out of time; its exit code, or
    minus the signal that ended it)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(reader)
            view = memoryview(work(task, args, name, limits))
            while view:
                view = view[os.write(writer, view) :]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(writer)
    try:
        payload, timed_out = receive(reader, time.monotonic() + limits.seconds)
    except BaseException:  # Ctrl-C in the caller: the worker goes too
        _kill(pid)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(reader)
    if timed_out:
        _kill(pid)
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return (b"" if timed_out else payload), timed_out, code


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _death_message(name: str, limits: Limits, timed_out: bool, code: int | None) -> str:
    if timed_out:
        return (
            f"{name}: not judged within {limits.seconds:g} s (the time limit); split it, or "
            "raise SPILLDESK_SCAN_TIMEOUT"
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

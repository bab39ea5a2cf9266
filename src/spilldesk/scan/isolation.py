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
  may hold a lock the child would need) asks multiprocessing's fork server, started once
  with the scan modules preloaded, which forks a fresh worker for each file.
Code that already runs in a worker calls nested entry points directly.
"""

from __future__ import annotations

import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.context import ForkServerContext
from typing import Any, TypeVar

from spilldesk.scan.errors import ScanError, unreadable
from spilldesk.scan.limits import Limits, human_size

T = TypeVar("T")
_PRELOAD = ["__main__", "spilldesk.scan", "spilldesk.scan.first_sheet", "spilldesk.scan.lines"]
_READ_BLOCK = 1 << 20
_EXIT_GRACE = 5.0  # seconds a worker that has answered gets to exit before it is killed
_in_worker = False
_server_lock = threading.Lock()
_server: ForkServerContext | None = None


def run_isolated(task: Callable[..., T], *args: Any, name: str, limits: Limits) -> T:
    """`task(*args)` in a worker; its ScanError, or what became of the worker, is raised here.

    `task` must be a module-level function (the fork server receives it by name).
    """
    if _in_worker:
        return task(*args)
    run = _in_forked_child if threading.active_count() == 1 else _in_server_child
    payload, death = run(task, args, name, limits)
    if not payload:
        raise ScanError(_death_message(name, limits, death))
    try:
        status, value = pickle.loads(payload)
    except Exception:
        raise ScanError(_death_message(name, limits, death)) from None
    if status == "error":
        raise value
    result: T = value
    return result


# --- the worker's side --------------------------------------------------------------------


def _work(task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits) -> bytes:
    """Confine this process, run the task, and say how it went (pickled)."""
    global _in_worker
    _in_worker = True
    _confine(limits)
    outcome: tuple[str, object]
    try:
        outcome = ("ok", task(*args))
    except BaseException as error:  # the worker's boundary: whatever happened is reported
        outcome = ("error", unreadable(name, error))
    try:
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # e.g. out of memory while pickling a large answer
        return pickle.dumps(("error", unreadable(name, error)))


def _confine(limits: Limits) -> None:
    _lower(resource.RLIMIT_CORE, 0)  # a library that aborts leaves no core file behind
    address_space = _address_space()
    if address_space is not None:
        _lower(resource.RLIMIT_AS, address_space + limits.memory)
    _lower(resource.RLIMIT_CPU, int(limits.seconds) + 10)  # a backstop to the caller's clock
    # Native libraries report their failures on stderr (a Rust allocation failure prints a
    # backtrace, faulthandler a Python one); the user gets one line from the caller instead.
    # Nothing may reach stdout, which carries the gate's JSON report.
    faulthandler.disable()
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.close(quiet)


def _lower(limit: int, value: int) -> None:
    _, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value if hard == resource.RLIM_INFINITY else hard))


def _address_space() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _server_child_main(
    sender: multiprocessing.connection.Connection,
    task: Callable[..., object],
    args: tuple[Any, ...],
    name: str,
    limits: Limits,
) -> None:
    sender.send_bytes(_work(task, args, name, limits))
    sender.close()


# --- the caller's side --------------------------------------------------------------------

Death = tuple[bool, int | None]  # (timed out, exit status or minus the signal)


def _in_forked_child(
    task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits
) -> tuple[bytes | None, Death]:
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            os.close(reader)
            view = memoryview(_work(task, args, name, limits))
            while view:
                view = view[os.write(writer, view) :]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(writer)
    try:
        payload = _receive(reader, time.monotonic() + limits.seconds)
    except BaseException:  # Ctrl-C in the caller: the worker goes too
        _kill(pid)
        os.waitpid(pid, 0)
        raise
    finally:
        os.close(reader)
    if payload is None:
        _kill(pid)
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return payload, (payload is None, code)


def _receive(reader: int, deadline: float) -> bytes | None:
    """Everything the worker writes until it closes the pipe, or None when time runs out."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([reader], [], [], left)[0]:
            return None
        chunk = os.read(reader, _READ_BLOCK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _in_server_child(
    task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits
) -> tuple[bytes | None, Death]:
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=_server_child_main, args=(sender, task, args, name, limits), daemon=True
    )
    try:
        worker.start()
        sender.close()
        ready = receiver.poll(limits.seconds)
        payload = _recv(receiver) if ready else None
        worker.join(_EXIT_GRACE if ready else 0)
    finally:
        receiver.close()
        if worker.is_alive() and worker.pid is not None:
            _kill(worker.pid)
        worker.join()
    return payload, (not ready, worker.exitcode)


def _recv(receiver: multiprocessing.connection.Connection) -> bytes | None:
    try:
        return receiver.recv_bytes()
    except (EOFError, OSError):
        return None


def _fork_server() -> ForkServerContext:
    global _server
    with _server_lock:
        if _server is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            _server = context
        return _server


def _death_message(name: str, limits: Limits, death: Death) -> str:
    timed_out, code = death
    if timed_out:
        return (
            f"{name}: not judged within {limits.seconds:g} s (the time limit); split it, or "
            "raise SPILLDESK_SCAN_TIMEOUT"
        )
    return (
        f"{name}: the reader stopped abnormally ({_how(code)}): the file is damaged or needs more "
        f"than {human_size(limits.memory)} of memory to read; re-save or split it"
    )


def _how(code: int | None) -> str:
    if code is None or code >= 0:
        return f"exit status {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"

"""The worker's side of isolation: confine this process, run the task, say how it went; and
the caller's side of the channel (read the answer before a deadline). See isolation.py."""

from __future__ import annotations

import faulthandler
import io
import os
import pickle  # nosec B403 # only between the gate and its own worker process
import resource
import select
import time
from collections.abc import Callable
from typing import Any

from spilldesk.scan.errors import ScanError, one_line, unreadable
from spilldesk.scan.limits import Limits

_READ_BLOCK = 1 << 20
_inside = False


def in_worker() -> bool:
    """True in a worker: nested entry points run in it directly."""
    return _inside


def work(task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits) -> bytes:
    """Confine this process, run the task, and say how it went (pickled)."""
    confine(limits)
    return outcome(task, args, name)


def outcome(task: Callable[..., object], args: tuple[Any, ...], name: str) -> bytes:
    """(status, value) pickled: ("ok", the result), ("error", a ScanError), or ("memory", a
    ScanError) when the task ran out of memory (a worker that read other files first may just
    be fuller: the caller tries again in a fresh one)."""
    result: tuple[str, object]
    try:
        result = ("ok", task(*args))
    except BaseException as error:  # the worker's boundary: whatever happened is reported
        status = "memory" if isinstance(error, MemoryError) else "error"
        result = (status, unreadable(name, error))
    try:
        said = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # e.g. out of memory while pickling a large answer
        return pickle.dumps(("memory", unreadable(name, error)))
    try:
        answer(said)  # a reader that let a library's type through is named, not a death
    except pickle.UnpicklingError as error:
        refused = ScanError(f"{one_line(name)}: not judged: {error} (a defect in the reader)")
        return pickle.dumps(("error", refused))
    return said


# What a worker may send back: the gate's own types and a few plain ones. A worker that a
# crafted file took over could otherwise send a pickle that runs code in the caller.
_ALLOWED_MODULES = ("spilldesk.scan.",)
_ALLOWED = {
    ("builtins", "frozenset"), ("builtins", "set"), ("builtins", "slice"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"),
    ("datetime", "timedelta"), ("datetime", "timezone"), ("copyreg", "_reconstructor"),
    ("builtins", "object"),
}


class _AnswerUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module.startswith(_ALLOWED_MODULES) or (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a worker's answer may not hold {module}.{name}")


def answer(data: bytes) -> Any:
    """A worker's pickled answer, read without trusting it (only the gate's own types)."""
    return _AnswerUnpickler(io.BytesIO(data)).load()


def receive(channel: int, deadline: float) -> tuple[bytes, bool]:
    """What is written to `channel` until it is closed, and whether time ran out first."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([channel], [], [], left)[0]:
            return b"".join(chunks), True
        chunk = os.read(channel, _READ_BLOCK)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def confine(limits: Limits) -> None:
    """Make this process a worker: limits, no core file, no terminal."""
    global _inside
    _inside = True
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

"""Workers for a multi-threaded caller (the web server): a small process, started once, that
imports the scan modules and forks a fresh worker for each file.

Forking the caller itself could copy a lock that another of its threads holds. multiprocessing's
fork server would do, but in Python 3.11 it cannot preload the caller's `__main__`, so each of
its children re-ran the `spilldesk` console script (0.8 s per upload). The zygote is a fresh
interpreter that imports only `spilldesk.scan`; per file, the caller hands it one end of a new
socket pair (SCM_RIGHTS), and the worker forked for it writes its pid, reads the request
(length-prefixed) and writes its answer until it closes the socket. The zygote exits when its
caller does (its control socket closes).
"""

from __future__ import annotations

import os
import pickle  # nosec B403 # frames from our own worker over a private socketpair
import signal
import socket
import struct
import subprocess  # nosec B404 # starts only this interpreter (sys.executable), no shell
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from spilldesk.scan.errors import ScanError
from spilldesk.scan.limits import Limits
from spilldesk.scan.worker import receive, work

_COMMAND = "import sys; from spilldesk.scan.zygote import serve; serve(int(sys.argv[1]))"
_HEADER = struct.Struct("!q")
_lock = threading.Lock()
_zygote: tuple[subprocess.Popen[bytes], socket.socket] | None = None


def run_in_zygote(
    task: Callable[..., object], args: tuple[Any, ...], name: str, limits: Limits
) -> tuple[bytes, bool]:
    """(the worker's answer, empty if it died; whether it ran out of time and was killed)."""
    deadline = time.monotonic() + limits.seconds
    ours, theirs = socket.socketpair()
    with ours:
        try:
            _hand_over(theirs)
        finally:
            theirs.close()
        request = pickle.dumps((task, args, name, limits), protocol=pickle.HIGHEST_PROTOCOL)
        ours.sendall(_HEADER.pack(len(request)) + request)
        answer, timed_out = receive(ours.fileno(), deadline)
    if timed_out and len(answer) >= _HEADER.size:
        _kill(_HEADER.unpack_from(answer)[0])
    return answer[_HEADER.size :] if not timed_out else b"", timed_out


def serve(control_fd: int) -> None:
    """The zygote's loop: a worker per socket handed over, until the caller goes away."""
    import spilldesk.scan  # noqa: F401  (every worker starts with the readers imported)

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the workers
    control = socket.socket(fileno=control_fd)
    while True:
        message, fds, _, _ = socket.recv_fds(control, 1, 1)
        if not message:
            return
        for fd in fds:
            if os.fork() == 0:
                control.close()
                _answer(fd)
            os.close(fd)


def _answer(fd: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        with socket.socket(fileno=fd) as channel:
            channel.sendall(_HEADER.pack(os.getpid()))
            (size,) = _HEADER.unpack(_read_exactly(channel, _HEADER.size))
            # The parent process is the only peer of this socketpair.
            task, args, name, limits = pickle.loads(_read_exactly(channel, size))  # nosec B301 # our parent
            channel.sendall(work(task, args, name, limits))
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _read_exactly(channel: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = channel.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the caller went away")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _hand_over(channel: socket.socket) -> None:
    global _zygote
    with _lock:
        for _ in range(2):  # a zygote that died is started again, once
            if _zygote is None or _zygote[0].poll() is not None:
                _zygote = _start()
            try:
                socket.send_fds(_zygote[1], [b"w"], [channel.fileno()])
                return
            except OSError:
                _zygote = None
    raise ScanError("the gate's worker processes cannot be started")


def _start() -> tuple[subprocess.Popen[bytes], socket.socket]:
    ours, theirs = socket.socketpair()
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    process = subprocess.Popen(  # nosec B603 # fixed argv: sys.executable -c our code
        [sys.executable, "-c", _COMMAND, str(theirs.fileno())],
        pass_fds=[theirs.fileno()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment,
    )
    theirs.close()
    return process, ours


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return

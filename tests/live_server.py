"""A real `spilldesk serve` process for the tests that talk to one over HTTP: a free port,
and waiting until the server answers (or saying why it never will)."""

from __future__ import annotations

import contextlib
import socket
import subprocess

import httpx


def free_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, server: subprocess.Popen[bytes], path: str = "/api/live",
                  seconds: float = 60) -> None:
    """Return once `url + path` answers 200; fail if the server exits first or never answers.
    The bound is on waiting, not a timing claim: generous for a loaded machine."""
    for _ in range(int(seconds * 10)):
        if server.poll() is not None:
            raise AssertionError(f"spilldesk serve exited with {server.returncode}")
        try:
            if httpx.get(f"{url}{path}", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=0.1)
    raise AssertionError(f"spilldesk serve did not answer {path}")

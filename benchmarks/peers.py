"""The peers' environment: `make bench-peers` installs benchmarks/peers.txt into
benchmarks/.peers-venv, and a benchmark runs a peer's side of a comparison there, in a
subprocess. The peers never enter the project's environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = HERE / ".peers-venv" / "bin" / "python"
MISSING = "the peers' environment is missing: run `make bench-peers`"


class PeersMissing(RuntimeError):
    """The peers' environment has not been installed."""


def run_peer(script: str, *args: object, timeout: float = 3600) -> None:
    """Run benchmarks/<script> with the peers' Python; its failure stops the benchmark."""
    if not PYTHON.exists():
        raise PeersMissing(MISSING)
    env = {**os.environ, "DO_NOT_TRACK": "1", "PYTHONHASHSEED": "0"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run([str(PYTHON), str(HERE / script), *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise RuntimeError(f"{script} failed in the peers' environment (exit {done.returncode})")


def version(distribution: str) -> str:
    """A peer's installed version, for the figures' captions."""
    if not PYTHON.exists():
        raise PeersMissing(MISSING)
    code = f"from importlib.metadata import version; print(version({distribution!r}))"
    done = subprocess.run([str(PYTHON), "-c", code], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or "?"

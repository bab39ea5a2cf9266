"""A Spark standalone cluster on this machine: one master and N workers, each its own JVM, as
on separate machines (the same `spark-class` daemons a cluster runs). For the Spark backend's
test and benchmarks beyond `local[N]`.

    python benchmarks/spark_cluster.py [--workers 2] [--cores 1] [--memory 2g]

prints the master's URL (`spark://127.0.0.1:PORT`), waits until every worker has registered,
and keeps the cluster up until interrupted. Then, in another shell:

    SPILLDESK_SPARK_MASTER=spark://127.0.0.1:PORT spilldesk link ID --backend spark

`cluster()` does the same for a `with` block.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path


class ClusterError(RuntimeError):
    """The cluster did not come up; the message says which part and why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _spark_class() -> Path:
    import pyspark

    found = Path(pyspark.__file__).parent / "bin" / "spark-class"
    if not found.exists():
        raise ClusterError(f"{found}: missing (pyspark is installed without its launchers)")
    return found


def _daemon(stack: ExitStack, log_dir: Path, name: str, *args: str) -> subprocess.Popen[bytes]:
    log = stack.enter_context((log_dir / f"{name}.log").open("wb"))
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_PYTHON": sys.executable}
    process = subprocess.Popen([str(_spark_class()), *args], stdout=log, stderr=subprocess.STDOUT,
                               env=env, start_new_session=True)

    def stop() -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    stack.callback(stop)
    return process


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as answer:
            state = json.load(answer)
    except OSError:
        return -1
    return sum(1 for worker in state.get("workers", []) if worker.get("state") == "ALIVE")


@contextmanager
def cluster(workers: int = 2, cores: int = 1, memory: str = "2g",
            ready_within: float = 120.0) -> Iterator[str]:
    """A standalone master and `workers` workers; yields the master's URL, stops them all."""
    with ExitStack() as stack:
        log_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="spark-cluster-")))
        port, ui_port = _free_port(), _free_port()
        master = _daemon(stack, log_dir, "master", "org.apache.spark.deploy.master.Master",
                         "--host", "127.0.0.1", "--port", str(port),
                         "--webui-port", str(ui_port))
        url = f"spark://127.0.0.1:{port}"
        daemons = [master] + [
            _daemon(stack, log_dir, f"worker-{n}", "org.apache.spark.deploy.worker.Worker",
                    "--host", "127.0.0.1", "--cores", str(cores), "--memory", memory,
                    "--webui-port", str(_free_port()), "--work-dir", str(log_dir / f"work-{n}"),
                    url)
            for n in range(1, workers + 1)]
        deadline = time.monotonic() + ready_within
        while _alive_workers(ui_port) < workers:
            dead = [d for d in daemons if d.poll() is not None]
            if dead or time.monotonic() > deadline:
                logs = "; ".join(f"{p.name}: {p.read_text(errors='replace')[-300:]}"
                                 for p in sorted(log_dir.glob("*.log")))
                raise ClusterError(f"the cluster at {url} did not come up ({len(dead)} daemon(s) "
                                   f"exited): {logs}")
            time.sleep(0.25)
        yield url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="2g")
    options = parser.parse_args()
    with cluster(options.workers, options.cores, options.memory) as url:
        print(url, flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()


if __name__ == "__main__":
    main()

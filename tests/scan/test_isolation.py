"""The worker process: whatever a reader does to it (abort, run out of memory or time), the
caller gets a one-line ScanError and goes on; from a multi-threaded caller too (the zygote)."""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from spilldesk.scan import Limits, ScanError, isolation, worker
from spilldesk.scan.errors import UnsupportedFormat
from spilldesk.scan.isolation import run_isolated, run_isolated_each
from tests.scan.crafted import whole_grid_claim

# Time limits far beyond what a task that should finish needs, even on a loaded machine (a
# 2 s limit once cut short the aborting reader's work under load); only the tests of the time
# limit itself set a short one.
SMALL = Limits(memory=256 << 20, seconds=60)
SHORT = Limits(memory=256 << 20, seconds=5)


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fork path, even when earlier tests left threads behind (Spark's py4j threads):
    the workers here run only these tasks."""
    monkeypatch.setattr(isolation, "may_fork", lambda: True)


# Tasks run in the worker: module-level, so that the fork server can find them by name.
def build_the_whole_grid() -> int:
    """What the gate did before issue #10: ask calamine for a 17-billion-cell sheet."""
    book = CalamineWorkbook.from_filelike(io.BytesIO(whole_grid_claim()))
    return len(book.get_sheet_by_name("Stats").to_python(skip_empty_area=False))


def allocate(size: int) -> int:
    return len(bytearray(size))


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def refuse(message: str) -> None:
    raise UnsupportedFormat(message)


def fail_with_data() -> None:
    raise KeyError("A012345678 GARCIA")  # a library error quoting what it read


_kept: list[bytearray] = []


def step(what: str) -> int:
    """One file of a batch: read fine, abort, hang, or hold on to 160 MiB (as caches would)."""
    if what == "abort":
        os.abort()
    if what == "hang":
        time.sleep(60)
    if what == "hold":
        _kept.append(bytearray(160 << 20))
    return os.getpid()


def parent_of_worker() -> tuple[int, bool]:
    return os.getppid(), run_isolated(os.getpid, name="nested", limits=SMALL) == os.getpid()


def run(task: Callable[..., Any], *args: Any, threaded: bool, limits: Limits = SMALL) -> Any:
    """run_isolated forking this process, or from a second thread (the zygote)."""
    if not threaded:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(isolation, "may_fork", lambda: True)
            return run_isolated(task, *args, name="doc.xlsx", limits=limits)
    box: dict[str, Any] = {}

    def call() -> None:
        try:
            box["value"] = run_isolated(task, *args, name="doc.xlsx", limits=limits)
        except BaseException as error:
            box["error"] = error

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


@pytest.fixture(params=[False, True], ids=["fork", "zygote"])
def threaded(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def test_a_library_that_aborts_takes_only_the_worker(threaded: bool) -> None:
    with pytest.raises(ScanError) as caught:
        run(build_the_whole_grid, threaded=threaded)
    message = str(caught.value)
    assert message.startswith("doc.xlsx: the reader stopped abnormally")
    assert "needs more than 256 MiB of memory" in message
    assert "\n" not in message and "Traceback" not in message
    if not threaded:  # the worker is the caller's own child: how it ended is known
        assert "(signal SIGABRT)" in message
    assert run(allocate, 10, threaded=threaded) == 10  # and the caller goes on


def test_memory_beyond_the_limit_is_an_error(threaded: bool) -> None:
    with pytest.raises(ScanError, match="doc.xlsx: ran out of memory"):
        run(allocate, 1 << 30, threaded=threaded)
    assert run(allocate, 64 << 20, threaded=threaded) == 64 << 20


def test_time_beyond_the_limit_is_an_error(threaded: bool) -> None:
    started = time.monotonic()
    with pytest.raises(ScanError, match=r"doc.xlsx: not judged within 5 s \(the time limit\)"):
        run(sleep, 60, threaded=threaded, limits=SHORT)
    assert time.monotonic() - started < 30


def test_the_readers_own_errors_come_back_as_they_were(threaded: bool) -> None:
    with pytest.raises(UnsupportedFormat, match="^x.bin: not a format the gate reads$"):
        run(refuse, "x.bin: not a format the gate reads", threaded=threaded)


def test_other_failures_name_only_their_type(threaded: bool) -> None:
    with pytest.raises(ScanError) as caught:
        run(fail_with_data, threaded=threaded)
    assert str(caught.value) == "doc.xlsx: unreadable (KeyError); re-save or repair it"


def test_one_python_thread_forks_itself_and_nested_calls_stay_in_the_worker() -> None:
    threads = [threading.Thread(target=time.sleep, args=(0.5,)) for _ in range(2)]
    assert isolation.may_fork() is (threading.active_count() == 1)
    for thread in threads:
        thread.start()
    assert not isolation.may_fork()
    for thread in threads:
        thread.join()
    parent, nested_inline = run(parent_of_worker, threaded=False)
    assert parent == os.getpid() and nested_inline
    parent, nested_inline = run(parent_of_worker, threaded=True)
    assert parent != os.getpid() and nested_inline  # a child of the zygote


@pytest.mark.usefixtures("forking")
def test_a_batch_loses_only_the_file_that_killed_its_worker() -> None:
    jobs = [((what,), f"{n}-{what}") for n, what in enumerate(["ok", "abort", "ok", "hang", "ok"])]
    results = run_isolated_each(step, jobs, SHORT)
    assert isinstance(results[0], int) and isinstance(results[2], int)
    assert isinstance(results[4], int)
    assert str(results[1]).startswith("1-abort: the reader stopped abnormally (signal SIGABRT)")
    assert str(results[3]).startswith("3-hang: not judged within 5 s")
    assert results[0] != results[2] != results[4]  # a fresh worker after each loss


@pytest.mark.usefixtures("forking")
def test_a_file_that_runs_out_of_memory_after_others_is_read_again_alone() -> None:
    # Two files each need 160 MiB of a 256 MiB worker: together they do not fit, alone they do.
    results = run_isolated_each(step, [(("hold",), "a"), (("hold",), "b")], SMALL)
    assert all(isinstance(r, int) for r in results) and results[0] != results[1]
    alone = run_isolated_each(allocate, [((300 << 20,), "big")], SMALL)
    assert str(alone[0]).startswith("big: ran out of memory")  # no worker could: final


def test_no_worker_to_be_had_is_an_error_for_the_file_not_an_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(isolation, "may_fork", lambda: True)
    monkeypatch.setattr(isolation.os, "fork", refuse)
    (result,) = run_isolated_each(allocate, [((1,), "a.xlsx")], SMALL)
    assert str(result).startswith("a.xlsx: not judged: no worker process could be started")


def smuggle() -> Any:
    """An answer holding a type the gate does not accept (a reader that let a library's own
    type through, or a worker taken over by a crafted file)."""
    from collections import OrderedDict

    return OrderedDict(answer=1)


def test_a_reader_that_answers_a_foreign_type_is_named_not_a_death(threaded: bool) -> None:
    with pytest.raises(ScanError, match=r"doc.xlsx: not judged: .*OrderedDict \(a defect"):
        run(smuggle, threaded=threaded)


def test_an_answer_a_worker_may_not_send_is_not_unpickled(monkeypatch: pytest.MonkeyPatch) -> None:
    # A worker taken over by a crafted file skips its own check; the caller still refuses.
    monkeypatch.setattr(worker, "answer", lambda said: None)
    with pytest.raises(ScanError, match="doc.xlsx: the reader stopped abnormally"):
        run(smuggle, threaded=False)

"""Every reader, fuzzed: whatever the bytes, `scan_bytes` returns a report (never raises,
never takes the test process down) with a verdict in {pass, review, block, error} and a
one-line reason, in bounded time and without the worker dying; `extract_records` raises only
ScanError, and exactly when the scanner says `error`.

Deterministic for CI (derandomize, no example database); SPILLDESK_FUZZ_EXAMPLES raises the
number of examples per reader for a longer local run.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spilldesk.scan import FileReport, Limits, ScanError, Verdict, extract_records, scan_bytes
from tests.scan import fuzzing

EXAMPLES = int(os.environ.get("SPILLDESK_FUZZ_EXAMPLES", "40"))
LIMITS = Limits(memory=768 << 20, seconds=20)
fuzz = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_numbers = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def judge(folder: Path, data: bytes, name: str) -> FileReport:
    started = time.monotonic()
    report = scan_bytes(data, name, limits=LIMITS)
    assert time.monotonic() - started < LIMITS.seconds + 10
    assert isinstance(report, FileReport) and report.verdict in set(Verdict)
    for nested in report.flattened():
        if nested.verdict is Verdict.ERROR:
            reason = nested.error or ""
            assert reason.startswith(nested.path.split("!/")[0]) and "\n" not in reason
            # Small inputs never need the safety net: the readers bound their own work.
            assert "not judged within" not in reason, reason
            assert "stopped abnormally" not in reason, reason
    path = folder / f"{next(_numbers)}-{name}"
    path.write_bytes(data)
    try:
        extract_records(path, limits=LIMITS)
    except ScanError:
        refused = True
    else:
        refused = False
    assert refused == (report.verdict is Verdict.ERROR), report
    return report


@fuzz
@given(data=fuzzing.xlsx_files())
def test_xlsx(folder: Path, data: bytes) -> None:
    judge(folder, data, "book.xlsx")


@fuzz
@given(data=fuzzing.docx_files())
def test_docx(folder: Path, data: bytes) -> None:
    judge(folder, data, "letter.docx")


@fuzz
@given(data=fuzzing.pdf_files())
def test_pdf(folder: Path, data: bytes) -> None:
    judge(folder, data, "report.pdf")


@fuzz
@given(data=fuzzing.zip_files())
def test_zip(folder: Path, data: bytes) -> None:
    judge(folder, data, "bundle.zip")


@fuzz
@given(data=fuzzing.csv_files(), name=st.sampled_from(["list.csv", "list.tsv", "list"]))
def test_csv(folder: Path, data: bytes, name: str) -> None:
    judge(folder, data, name)


@fuzz
@given(data=fuzzing.html_files())
def test_html(folder: Path, data: bytes) -> None:
    judge(folder, data, "page.html")


@fuzz
@given(data=fuzzing.json_files())
def test_json(folder: Path, data: bytes) -> None:
    judge(folder, data, "records.json")


@fuzz
@given(data=fuzzing.text_files(), name=st.sampled_from(["notes.txt", "notes"]))
def test_text(folder: Path, data: bytes, name: str) -> None:
    judge(folder, data, name)


@fuzz
@given(data=st.binary(max_size=4096), name=st.sampled_from(
    ["x.xlsx", "x.docx", "x.pdf", "x.zip", "x.csv", "x.html", "x.json", "x.txt", "x"]))
def test_any_bytes(folder: Path, data: bytes, name: str) -> None:
    judge(folder, data, name)

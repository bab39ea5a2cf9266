"""Bad files get an `error` verdict with a clear reason, never a traceback; CSVs stream."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spilldesk.scan.tables as tables
from spilldesk.scan import Verdict, scan_bytes, scan_path
from spilldesk.scan.readers.archive import Limits
from spilldesk.scan.scanner import _scan_file
from tests.scan.scan_people import HEADERS_EN, people


def _xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS_EN)
    for person in people(5):
        sheet.append(person.row_en())
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_bytes()


def test_truncated_workbook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(XLSX[: len(XLSX) // 2])
    report = scan_path(path)
    assert report.verdict is Verdict.ERROR
    assert "cut.xlsx" in (report.error or "")


def test_encrypted_ooxml_is_an_error_that_says_so(tmp_path: Path) -> None:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path = tmp_path / "locked.xlsx"
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 1000)
    report = scan_path(path)
    assert report.verdict is Verdict.ERROR
    assert "password-protected" in (report.error or "")


def test_unsupported_binary_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "photo.bin"
    path.write_bytes(bytes(range(256)) * 10)
    assert scan_path(path).verdict is Verdict.ERROR


def test_zip_bomb_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.csv", b"0" * (8 << 20))
    report = scan_bytes(buffer.getvalue(), "bomb.zip")
    assert report.verdict is Verdict.ERROR
    assert "zip bomb" in (report.error or "")


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    data = b"hello"
    for level in range(4):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"level{level}.zip" if level else "a.txt", data)
        data = buffer.getvalue()
    report = scan_bytes(data, "deep.zip", limits=Limits(max_depth=2))
    assert report.verdict is Verdict.ERROR
    assert any("nested deeper" in (r.error or "") for r in report.flattened())


def _csv_peak(path: Path, rows: int) -> int:
    crowd = people(50)
    with path.open("w") as out:
        out.write(",".join(HEADERS_EN) + "\n")
        for index in range(rows):
            out.write(",".join(crowd[index % 50].row_en(index)) + "\n")
    tracemalloc.start()
    # What the worker process runs, run here: scan_path would measure an idle parent.
    report = _scan_file(str(path), str(path), Limits())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert report.verdict is Verdict.BLOCK
    records = [f for f in report.findings if f.entity == "PERSON_RECORDS"]
    assert sum(f.rows or 0 for f in records) == rows
    return peak


def test_csv_scans_in_bounded_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tables, "SAMPLE_ROWS", 20)
    small = _csv_peak(tmp_path / "small.csv", 2_000)
    large = _csv_peak(tmp_path / "large.csv", 20_000)  # ten times the bytes
    assert (tmp_path / "large.csv").stat().st_size > 2_000_000
    assert large < small * 2 + 200_000


NAMES = ["x.xlsx", "x.csv", "x.pdf", "x.docx", "x.html", "x.json", "x.zip", "x.txt", "x"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=4096), name=st.sampled_from(NAMES))
def test_random_bytes_never_crash(data: bytes, name: str) -> None:
    report = scan_bytes(data, name)
    assert report.verdict in set(Verdict)
    if report.verdict is Verdict.ERROR:
        assert report.error and "\n" not in report.error


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), max_size=8),
    keep=st.integers(16, len(XLSX)),
)
def test_damaged_workbooks_never_crash(cuts: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(XLSX[:keep])
    for offset, value in cuts:
        if offset < len(data):
            data[offset] = value
    report = scan_bytes(bytes(data), "damaged.xlsx")
    assert report.verdict in set(Verdict)


def test_unreadable_member_of_an_archive_is_for_review_not_an_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("stats.txt", "Average daily population 31,000")
        archive.writestr("tool.exe", bytes(range(256)) * 8)
    report = scan_bytes(buffer.getvalue(), "bundle.zip")
    assert report.verdict is Verdict.REVIEW
    member = report.members[1]
    assert member.path == "bundle.zip!/tool.exe" and member.findings[0].entity == "UNINSPECTABLE"


def test_plain_text_streams_in_chunks_and_says_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spilldesk.scan.readers.text as text_reader

    monkeypatch.setattr(text_reader, "TEXT_CHUNK", 4096)
    crowd = people(4, seed=31)
    filler = "Average daily population was stable this month.\n" * 400
    path = tmp_path / "notes.txt"
    path.write_text(filler + "\n".join(p.line() for p in crowd) + "\n" + filler)
    report = _scan_file(str(path), str(path), Limits())  # in this process: the patched chunk
    assert report.verdict is Verdict.BLOCK
    cells = {f.location.cell for f in report.findings if f.entity == "A_NUMBER"}
    assert cells and all(c and c.startswith("line ") and c != "line 1" for c in cells)

"""All 89 real ICE workbooks pass; their hidden parts are reported as information."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from spilldesk.scan import FileReport, Severity, Verdict, scan_path
from tests.scan.scan_people import real_workbooks

BOOKS = real_workbooks()


@cache
def judged(book: Path) -> FileReport:
    return scan_path(book)


def test_the_collection_is_all_there() -> None:
    assert len(BOOKS) == 89


@pytest.mark.parametrize("book", BOOKS, ids=[b.name[:14] for b in BOOKS])
def test_real_workbook_passes(book: Path) -> None:
    report = judged(book)
    assert report.verdict is Verdict.PASS, [f.to_json() for f in report.findings]
    assert all(f.severity is Severity.INFO for f in report.findings)


def test_hidden_things_in_real_workbooks_are_reported() -> None:
    hidden_sheet = next(b for b in BOOKS if b.name.startswith("20240514055812"))
    findings = judged(hidden_sheet).findings
    assert any(f.entity == "HIDDEN_CONTENT" and f.location.sheet == "Sheet1" for f in findings)
    commented = [
        b for b in BOOKS if any(f.location.part == "comment" for f in scan_path(b).findings)
    ]
    assert commented

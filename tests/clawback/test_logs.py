"""Reading access logs: formats, compression, rotation, pieces, malformed lines, errors."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from spilldesk.clawback.logs import LogError, read_logs
from tests.clawback.logs_made import (
    BINGBOT,
    CLOUDFRONT_FIELDS,
    IIS_FIELDS,
    URL,
    at,
    cloudfront,
    combined,
    common,
    iis,
    write,
)

NAME = "Report2022.xlsx"


def test_combined_and_common_lines_are_read_and_others_not_kept(tmp_path: Path) -> None:
    log = write(tmp_path / "access.log", [
        combined("203.0.113.5", at(10, 0), 200, 100_000),
        combined("203.0.113.6", at(10, 1), 200, 5_000, target="/index.html"),
        common("203.0.113.7", at(10, 2), 200, 100_000),
        combined("203.0.113.8", at(10, 3), 304, None),
    ])
    reading = read_logs([log], NAME)
    assert reading.lines == 4 and reading.malformed == 0
    assert [(r.client, r.status, r.size) for r in reading.requests] == [
        ("203.0.113.5", 200, 100_000), ("203.0.113.7", 200, 100_000), ("203.0.113.8", 304, 0)]
    assert reading.requests[0].source == "access.log:1"
    assert reading.requests[1].agent == ""  # common log format: no agent


def test_a_malformed_line_is_counted_and_located_never_fatal(tmp_path: Path) -> None:
    lines = [combined("203.0.113.5", at(10, n), 200, 10) for n in range(5)]
    lines[2] = "this is not a log line"
    lines.insert(4, '203.0.113.9 - - [28/Nov/2022:10:09:00 -0500] "GET ' + URL)  # cut short
    log = write(tmp_path / "access.log", lines)
    reading = read_logs([log], NAME)
    report = reading.files[0]
    assert (report.lines, report.malformed, report.malformed_lines) == (6, 2, (3, 5))
    assert report.malformed_mentions == 1  # the cut-short line named the document


def test_a_shaped_line_with_an_impossible_time_is_malformed(tmp_path: Path) -> None:
    bad = combined("203.0.113.5", at(10, 0), 200, 100_000).replace("28/Nov/2022", "31/Feb/2022")
    good = combined("203.0.113.6", at(10, 1), 200, 1, target="/")
    reading = read_logs([write(tmp_path / "a.log", [bad, good])], NAME)
    assert reading.malformed == 1 and not reading.requests


def test_gzipped_rotation_and_bz2_are_read_and_merged_by_time(tmp_path: Path) -> None:
    write(tmp_path / "access.log", [combined("198.51.100.1", at(13, 0), 200, 1)])
    write(tmp_path / "access.log.1.gz", [combined("198.51.100.2", at(11, 0), 200, 1)],
                  gz=True)
    oldest = tmp_path / "access.log.2.bz2"
    oldest.write_bytes(bz2.compress(
        (combined("198.51.100.3", at(9, 0), 200, 1) + "\n").encode()))
    reading = read_logs([tmp_path], NAME)  # a folder: the rotated set
    assert [r.client for r in reading.requests] == ["198.51.100.3", "198.51.100.2",
                                                    "198.51.100.1"]
    assert {f.compression for f in reading.files} == {None, "gzip", "bzip2"}
    assert reading.requests[0].source == "access.log.2.bz2:1"


def test_pieces_read_side_by_side_give_the_same_answer_as_one_pass(tmp_path: Path) -> None:
    lines = []
    for n in range(3000):
        target = URL if n % 97 == 0 else f"/page/{n}"
        lines.append(combined(f"203.0.113.{n % 250}", at(10, n // 60 % 60, n % 60), 200, n,
                              target=target))
    lines[1500] = "garbage"
    log = write(tmp_path / "big.log", lines)
    whole = read_logs([log], NAME, workers=1)
    pieces = read_logs([log], NAME, workers=2, piece_bytes=20_000)
    assert whole.files == pieces.files
    assert sorted(whole.requests, key=lambda r: r.source) == sorted(pieces.requests,
                                                                    key=lambda r: r.source)
    assert whole.files[0].malformed_lines == (1501,)
    assert len(whole.requests) == len([n for n in range(3000) if n % 97 == 0 and n != 1500])


def test_cloudfront_w3c_with_url_encoded_agents_and_ranges(tmp_path: Path) -> None:
    log = write(tmp_path / "cf.log", [
        "#Version: 1.0", f"#Fields: {CLOUDFRONT_FIELDS}",
        cloudfront("192.0.2.10", at(11, 0), 206, 50_000, start=0, end=49_999),
        cloudfront("192.0.2.10", at(11, 1), 206, 50_000, start=50_000, end=99_999),
        cloudfront("192.0.2.11", at(11, 2), 200, 100_000, agent=BINGBOT),
    ])
    reading = read_logs([log], NAME)
    assert reading.files[0].format == "w3c" and reading.malformed == 0
    first, _, crawler = reading.requests
    assert first.at == at(11, 0) and first.byte_range == "bytes=0-49999"
    assert first.size == 50_000  # the body (sc-content-len), not sc-bytes with headers
    assert crawler.agent == BINGBOT  # decoded twice: CloudFront encodes some characters twice


def test_iis_w3c_with_plus_for_spaces_and_fields_that_change(tmp_path: Path) -> None:
    log = write(tmp_path / "u_ex221128.log", [
        "#Software: Microsoft Internet Information Services 10.0", f"#Fields: {IIS_FIELDS}",
        iis("192.0.2.20", at(12, 0), 200, 100_400),
        "#Fields: date time c-ip cs-method cs-uri-stem sc-status sc-bytes",
        f"2022-11-28 17:30:00 192.0.2.21 HEAD {URL} 200 0",
        "2022-11-28 17:31:00 192.0.2.22 GET",  # too few values
    ])
    reading = read_logs([log], NAME)
    assert [r.client for r in reading.requests] == ["192.0.2.20", "192.0.2.21"]
    assert reading.requests[0].agent.startswith("Mozilla/5.0 (Windows NT 10.0;")
    assert reading.requests[1].method == "HEAD"
    assert reading.files[0].malformed_lines == (6,)


def test_w3c_data_before_any_fields_directive_is_malformed(tmp_path: Path) -> None:
    log = write(tmp_path / "w.log", ["#Version: 1.0", "2022-11-28 10:00:00 192.0.2.1 GET",
                                     f"#Fields: {IIS_FIELDS}", iis("192.0.2.2", at(10, 0), 200, 1)])
    reading = read_logs([log], NAME)
    assert reading.malformed == 1 and len(reading.requests) == 1


@pytest.mark.parametrize("content, message", [
    ('{"time": "2022-11-28T10:00:00", "path": "/x"}\n{"time": 1}\n', "no line is in the combined"),
    ("#Fields: date time cs-uri-stem\n2022-11-28 10:00:00 /x\n", "#Fields lacks c-ip"),
])
def test_a_file_that_is_no_access_log_is_an_error(tmp_path: Path, content: str,
                                                  message: str) -> None:
    path = tmp_path / "other.log"
    path.write_text(content)
    with pytest.raises(LogError, match=message):
        read_logs([path], NAME)


def test_a_damaged_or_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    good = gzip.compress(("\n".join(combined("203.0.113.1", at(10, n % 60), 200, n)
                                    for n in range(2000)) + "\n").encode())
    cut = tmp_path / "access.log.3.gz"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(LogError, match="access.log.3.gz"):
        read_logs([cut], NAME)
    with pytest.raises(LogError, match="no such log file"):
        read_logs([tmp_path / "missing.log"], NAME)


def test_the_name_is_found_percent_encoded_or_in_another_case(tmp_path: Path) -> None:
    log = write(tmp_path / "a.log", [
        combined("203.0.113.1", at(10, 0), 200, 1, target="/doclib/stats/REPORT2022.XLSX"),
        combined("203.0.113.2", at(10, 1), 200, 1, target="/doclib/stats/Report2022%2Exlsx"),
    ])
    assert len(read_logs([log], NAME).requests) == 2


def test_files_of_different_formats_are_merged_by_time(tmp_path: Path) -> None:
    write(tmp_path / "origin.log", [combined("203.0.113.1", at(10, 0), 200, 1),
                                    combined("203.0.113.3", at(12, 0), 200, 1)])
    write(tmp_path / "cdn.log", ["#Version: 1.0", f"#Fields: {CLOUDFRONT_FIELDS}",
                                 cloudfront("192.0.2.2", at(11, 0), 200, 1),
                                 cloudfront("192.0.2.4", at(13, 0), 200, 1)])
    reading = read_logs([tmp_path], NAME)
    assert [r.client for r in reading.requests] == ["203.0.113.1", "192.0.2.2", "203.0.113.3",
                                                    "192.0.2.4"]
    assert {f.format for f in reading.files} == {"combined", "w3c"}

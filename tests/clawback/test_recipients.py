"""Who received the whole document: every non-download case is evidence, not a recipient."""

from __future__ import annotations

import ipaddress
from datetime import datetime

from spilldesk.clawback.coverage import Coverage
from spilldesk.clawback.recipients import (
    Document,
    Reason,
    Window,
    find_recipients,
    normalise_path,
)
from spilldesk.clawback.requests import LogRequest
from tests.clawback.logs_made import BINGBOT, CHROME, POSTED, REMOVED, SIZE, URL, at

DOCUMENT = Document(normalise_path(URL), SIZE)
WINDOW = Window(POSTED, REMOVED)
INTERNAL = [ipaddress.ip_network("198.51.100.0/24")]


def req(client: str, when: datetime, status: int, size: int, *, method: str = "GET",
        target: str = URL, agent: str = CHROME, byte_range: str | None = None) -> LogRequest:
    return LogRequest(when, client, method, target, status, size, agent, byte_range,
                      f"test:{when:%H%M%S}")


def reasons(findings, client: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.reason.value for s in findings.evidence if s.request.client == client]


def test_each_non_download_is_evidence_and_not_a_recipient() -> None:
    requests = [
        req("203.0.113.1", at(10, 0), 200, 0, method="HEAD"),
        req("203.0.113.2", at(10, 1), 304, 0),
        req("203.0.113.3", at(10, 2), 404, 1_254),
        req("203.0.113.4", at(10, 3), 206, 32_768),  # a range that never completed
        req("203.0.113.5", at(10, 4), 200, 40_000),  # a download cut short
        req("203.0.113.6", at(10, 5), 200, SIZE, target="/old/Report2022.xlsx"),
        req("203.0.113.7", at(9, 30), 200, SIZE),  # before it was posted
        req("198.51.100.23", at(9, 46), 200, SIZE),  # the agency's own check
        req("203.0.113.8", at(10, 6), 403, 200),
    ]
    found = find_recipients(requests, DOCUMENT, WINDOW, INTERNAL)
    assert found.recipients == ()
    assert [s.reason.value for s in sorted(found.evidence, key=lambda s: s.request.client)] == [
        "internal", "head", "not_modified", "not_found", "incomplete", "incomplete",
        "other_path", "outside_window", "other_status"]
    assert any("another path" in w for w in found.warnings)
    assert any("outside the exposure window" in w for w in found.warnings)


def test_a_full_200_makes_a_recipient_and_two_make_two_downloads() -> None:
    requests = [req("203.0.113.9", at(10, 0), 200, SIZE), req("203.0.113.9", at(12, 0), 200, SIZE),
                req("203.0.113.9", at(12, 30), 304, 0)]
    (recipient,) = find_recipients(requests, DOCUMENT, WINDOW).recipients
    assert (recipient.downloads, recipient.first_at, recipient.last_at) == (2, at(10, 0),
                                                                              at(12, 0))
    assert recipient.bytes == 2 * SIZE
    assert reasons(find_recipients(requests, DOCUMENT, WINDOW), "203.0.113.9") == [
        "download", "download", "not_modified"]


def test_a_resumed_download_whose_ranges_cover_the_file_is_a_recipient() -> None:
    requests = [req("203.0.113.10", at(11, 0), 200, 60_000),  # the connection dropped
                req("203.0.113.10", at(11, 2), 206, 40_000, byte_range="bytes=60000-")]
    (recipient,) = find_recipients(requests, DOCUMENT, WINDOW).recipients
    assert recipient.downloads == 1 and recipient.first_at == at(11, 2)


def test_ranges_without_positions_count_their_bytes_and_placed_ones_their_union() -> None:
    unplaced = [req("203.0.113.11", at(11, n), 206, 25_000) for n in range(4)]
    assert len(find_recipients(unplaced, DOCUMENT, WINDOW).recipients) == 1
    overlapping = [req("203.0.113.12", at(11, n), 206, 50_000, byte_range="bytes=0-49999")
                   for n in range(3)]
    found = find_recipients(overlapping, DOCUMENT, WINDOW)
    assert found.recipients == () and reasons(found, "203.0.113.12") == ["incomplete"] * 3


def test_a_crawler_that_fetched_it_is_a_recipient_with_its_agent() -> None:
    (recipient,) = find_recipients([req("157.55.39.1", at(10, 0), 200, SIZE, agent=BINGBOT)],
                                   DOCUMENT, WINDOW).recipients
    assert recipient.agents == (BINGBOT,)


def test_the_same_document_by_another_spelling_of_its_path() -> None:
    spellings = ["/doclib//stats/./Report2022.xlsx?v=2", "/DOCLIB/stats/report2022.XLSX",
                 "https://www.ice.gov/doclib/stats/Report2022%2Exlsx"]
    requests = [req(f"203.0.113.{20 + n}", at(10, n), 200, SIZE, target=t)
                for n, t in enumerate(spellings)]
    assert len(find_recipients(requests, DOCUMENT, WINDOW).recipients) == 3


def test_clients_are_one_per_address_and_host_names_count_as_outside() -> None:
    requests = [req("::ffff:203.0.113.30", at(10, 0), 200, SIZE),
                req("203.0.113.30", at(10, 5), 200, SIZE),
                req("crawl-1.example.net", at(10, 6), 200, SIZE)]
    found = find_recipients(requests, DOCUMENT, WINDOW, INTERNAL)
    assert {(r.client, r.downloads) for r in found.recipients} == {
        ("203.0.113.30", 2), ("crawl-1.example.net", 1)}
    assert any("host name" in w for w in found.warnings)


def test_coverage_of_suffix_and_bounded_ranges() -> None:
    coverage = Coverage(100)
    coverage.partial("bytes=-30", 30)
    coverage.partial("bytes=0-69", 70)
    assert coverage.complete()
    short = Coverage(100)
    short.partial("bytes=0-99", 60)  # asked for all, got 60
    short.partial("bytes=0-99", 60)
    assert not short.complete()
    assert Reason.DOWNLOAD.value == "download"

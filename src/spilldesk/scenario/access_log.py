"""ice.gov's access log for Nov 28, 2022 (combined log format, times in -0500).

Thousands of ordinary requests from many clients; the workbook's URL fetched in full by six
outside parties between posting (09:45) and removal (14:04), and the noise real logs have:
ICE's own check after publishing, a range request that never completed, a conditional
request answered 304, and 404s for the workbook before it was posted and after it was removed.

Beside it, the network owners the agency's network team found (WHOIS): the networks five of
the six downloaders came from, with whom to write to — not the individual's, whose owner
must be identified by legal process — and a few others (search engines, a cable operator
whose block holds a smaller one of its customer's: the longest prefix is the owner).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from spilldesk.private_files import write_private
from spilldesk.scenario.timeline import EASTERN, WORKBOOK_POSTED, WORKBOOK_REMOVED

WORKBOOK_URL = "/doclib/detention/FY23_detentionStats11282022.xlsx"
ORDINARY_REQUESTS = 3600
CLIENTS = 700
DOWNLOADERS = 6
INTERNAL_CLIENT = "198.51.100.23"  # ICE's web-publishing network (documentation range)
DAY_START = datetime(2022, 11, 28, 0, 0, tzinfo=EASTERN)
PAGES = (
    ("/", 48_211), ("/detain/detention-management", 61_034),
    ("/detain/detention-facilities", 88_507),
    ("/news/releases", 39_880), ("/about-ice", 35_002), ("/contact", 22_410),
    ("/doclib/detention/FY22_detentionStats09292022.xlsx", 1_046_562),
    ("/detain/detention-management/dashboard", 44_890), ("/remove", 31_771),
    ("/webform/ice-tip-form", 27_310), ("/careers", 33_954), ("/features/foia", 29_620),
    ("/sites/default/files/css/css_main.css", 182_331),
    ("/sites/default/files/js/js_main.js", 402_118),
    ("/themes/custom/ice/logo.svg", 8_114), ("/robots.txt", 1_203), ("/favicon.ico", 15_086),
)
MISSING = ("/wp-login.php", "/.env", "/detain/detention-stats", "/doclib/detention/FY23.xlsx")
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/107.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:107.0) Gecko/20100101 Firefox/107.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/16.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/107.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
)
DOWNLOADER_KINDS = (
    "advocacy organisation (reported the posting at 13:53)", "news organisation",
    "law firm", "university researcher", "individual", "data aggregator",
)
PAGE_REFERER = "https://www.ice.gov/detain/detention-management"
# Who owns the network each kind of downloader came from (fictional; .example addresses).
# The individual's network is in no table: the owners file leaves it out.
OWNERS = {
    DOWNLOADER_KINDS[0]: ("Refugee Rights Advocates", "Office of the General Counsel",
                          "1200 Example Avenue NW, Suite 400", "Washington", "DC", "20005",
                          "legal@refugee-rights.example.org"),
    DOWNLOADER_KINDS[1]: ("The Capital Ledger", "Standards Editor", "700 Press Street",
                          "Arlington", "VA", "22201", "standards@capital-ledger.example.com"),
    DOWNLOADER_KINDS[2]: ("Hartley & Moss LLP", "Managing Partner", "55 Court Square",
                          "Boston", "MA", "02108", "counsel@hartley-moss.example.com"),
    DOWNLOADER_KINDS[3]: ("State University, Office of Research Integrity",
                          "Research Integrity Officer", "1 University Plaza", "Columbus", "OH",
                          "43210", "integrity@state-university.example.edu"),
    DOWNLOADER_KINDS[5]: ("Open Records Aggregator Inc.", "Legal Department",
                          "9 Data Park Drive", "Austin", "TX", "78701",
                          "legal@open-records.example.com"),
}
OWNER_COLUMNS = ("network", "organization", "contact", "address_line1", "city", "state",
                 "postal_code", "email")
OTHER_NETWORKS = (
    ("66.249.64.0/19", "Google LLC", "Search Legal Removals", "1600 Amphitheatre Parkway",
     "Mountain View", "CA", "94043", "removals@google.example.com"),
    ("157.55.39.0/24", "Microsoft Corporation (Bing)", "Bing Content Removal",
     "One Microsoft Way", "Redmond", "WA", "98052", "bing-removals@microsoft.example.com"),
)


@dataclass(frozen=True)
class LogLine:
    at: datetime
    client: str
    method: str
    path: str
    status: int
    size: int
    referer: str
    agent: str

    def render(self) -> str:
        stamp = self.at.strftime("%d/%b/%Y:%H:%M:%S %z")
        size = str(self.size) if self.size else "-"
        return (
            f'{self.client} - - [{stamp}] "{self.method} {self.path} HTTP/1.1" {self.status} '
            f'{size} "{self.referer or "-"}" "{self.agent}"'
        )


@dataclass(frozen=True)
class Downloader:
    client: str
    agent: str
    kind: str
    downloaded_at: list[str]


@dataclass(frozen=True)
class AccessLog:
    lines: list[LogLine]
    downloaders: list[Downloader]
    partial_only: list[str]
    internal: list[str]
    not_found_after_removal: list[str]


def _client(rng: random.Random) -> str:
    first = rng.choice((23, 24, 47, 50, 66, 68, 71, 73, 76, 96, 98, 99, 104, 108, 136, 142,
                        162, 173, 174, 184, 207, 208))
    return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def _at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def _ordinary(rng: random.Random, clients: list[tuple[str, str]]) -> list[LogLine]:
    lines = []
    day_end = DAY_START + timedelta(hours=23, minutes=59, seconds=59)
    for _ in range(ORDINARY_REQUESTS):
        client, agent = rng.choice(clients)
        at = _at(rng, DAY_START, day_end)
        if rng.random() < 0.015:
            lines.append(LogLine(at, client, "GET", rng.choice(MISSING), 404, 1_254, "", agent))
            continue
        path, size = rng.choice(PAGES)
        status = 304 if path.startswith(("/sites", "/themes")) and rng.random() < 0.4 else 200
        referer = PAGE_REFERER if path.endswith(".xlsx") else ""
        lines.append(LogLine(at, client, "GET", path, status, size if status == 200 else 0,
                             referer, agent))
    return lines


def _workbook_traffic(
    rng: random.Random, size: int, clients: list[tuple[str, str]]
) -> tuple[list[LogLine], list[Downloader], list[str], list[str]]:
    lines: list[LogLine] = []
    downloaders = []
    window_end = WORKBOOK_REMOVED - timedelta(minutes=2)
    internal_at = WORKBOOK_POSTED + timedelta(minutes=1, seconds=12)
    lines.append(LogLine(internal_at, INTERNAL_CLIENT, "GET", WORKBOOK_URL, 200, size,
                         PAGE_REFERER, AGENTS[0]))
    for index, kind in enumerate(DOWNLOADER_KINDS):
        client, agent = _client(rng), AGENTS[index % 5]
        at = _at(rng, WORKBOOK_POSTED + timedelta(minutes=4), window_end)
        if index == 0:  # the advocates who reported it downloaded it shortly before 13:53
            at = WORKBOOK_POSTED.replace(hour=13, minute=rng.randint(20, 45))
        if index == 1:  # a range request first, then the full download
            lines.append(LogLine(at - timedelta(seconds=40), client, "GET", WORKBOOK_URL, 206,
                                 65_536, PAGE_REFERER, agent))
        if index == 2:  # fetched twice; the second answered from its cache
            later = at + timedelta(minutes=rng.randint(5, 30))
            lines.append(LogLine(min(later, window_end), client, "GET", WORKBOOK_URL, 304, 0,
                                 PAGE_REFERER, agent))
        lines.append(LogLine(at, client, "GET", WORKBOOK_URL, 200, size, PAGE_REFERER, agent))
        downloaders.append(Downloader(client, agent, kind, [at.isoformat()]))
    partial = _client(rng)
    lines.append(LogLine(_at(rng, WORKBOOK_POSTED, window_end), partial, "GET", WORKBOOK_URL,
                         206, 32_768, PAGE_REFERER, AGENTS[3]))
    late = [c for c, _ in rng.sample(clients, 5)]
    for client in late:
        at = _at(rng, WORKBOOK_REMOVED + timedelta(minutes=1), WORKBOOK_REMOVED.replace(hour=20))
        lines.append(LogLine(at, client, "GET", WORKBOOK_URL, 404, 1_254, "", AGENTS[2]))
    early = _at(rng, DAY_START + timedelta(hours=7), WORKBOOK_POSTED - timedelta(minutes=5))
    lines.append(LogLine(early, _client(rng), "GET", WORKBOOK_URL, 404, 1_254, "", AGENTS[5]))
    return lines, downloaders, [partial], late


def make_access_log(rng: random.Random, workbook_size: int) -> AccessLog:
    clients = [(_client(rng), rng.choice(AGENTS)) for _ in range(CLIENTS)]
    lines = _ordinary(rng, clients)
    workbook_lines, downloaders, partial, late = _workbook_traffic(rng, workbook_size, clients)
    lines += workbook_lines
    lines.sort(key=lambda line: (line.at, line.client, line.path))
    return AccessLog(lines, downloaders, partial, [INTERNAL_CLIENT], late)


def network_owners(log: AccessLog) -> str:
    """The owners table (CSV) for the downloaders' networks: each downloader's /24, and for
    the aggregator also its cable operator's /16 (the /24 must win)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(OWNER_COLUMNS)
    for downloader in log.downloaders:
        owner = OWNERS.get(downloader.kind)
        if owner is None:
            continue
        first, second, third, _ = downloader.client.split(".")
        writer.writerow((f"{first}.{second}.{third}.0/24", *owner))
        if downloader.kind == DOWNLOADER_KINDS[5]:
            writer.writerow((f"{first}.{second}.0.0/16", "Regional Cable Co.", "Legal Compliance",
                             "44 Cable Road", "Denver", "CO", "80202",
                             "subpoenas@regional-cable.example.net"))
    for row in OTHER_NETWORKS:
        writer.writerow(row)
    return buffer.getvalue()


def write_access_log(path: Path, log: AccessLog) -> None:
    write_private(path, "".join(line.render() + "\n" for line in log.lines))

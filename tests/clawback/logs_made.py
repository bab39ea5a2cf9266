"""Access logs written the way servers write them, for the clawback tests."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

EST = timezone(timedelta(hours=-5))
URL = "/doclib/stats/Report2022.xlsx"
SIZE = 100_000
POSTED = datetime(2022, 11, 28, 9, 45, tzinfo=EST)
REMOVED = datetime(2022, 11, 28, 14, 4, tzinfo=EST)
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/107.0.0.0 Safari/537.36")
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


def at(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2022, 11, 28, hour, minute, second, tzinfo=EST)


def combined(client: str, when: datetime, status: int, size: int | None, *,
             method: str = "GET", target: str = URL, agent: str = CHROME,
             referer: str = "-") -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S %z")
    sent = "-" if size is None else str(size)
    return (f'{client} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {sent} '
            f'"{referer}" "{agent}"')


def common(client: str, when: datetime, status: int, size: int) -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{client} - frank [{stamp}] "GET {URL} HTTP/1.0" {status} {size}'


def write(path: Path, lines: list[str], *, gz: bool = False) -> Path:
    text = "".join(line + "\n" for line in lines)
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


CLOUDFRONT_FIELDS = ("date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem "
                     "sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) "
                     "x-edge-result-type x-edge-request-id sc-content-len sc-range-start "
                     "sc-range-end")


def cloudfront(client: str, when: datetime, status: int, body: int, *, agent: str = CHROME,
               start: int | None = None, end: int | None = None, target: str = URL) -> str:
    moment = when.astimezone(UTC)
    values = [moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S"), "IAD89-C1",
              str(body + 350), client, "GET", "d111.cloudfront.net", target, str(status), "-",
              quote(quote(agent, safe="/;,()"), safe="/;,()%"), "-", "-", "Miss", "req1",
              str(body), "-" if start is None else str(start), "-" if end is None else str(end)]
    return "\t".join(values)


IIS_FIELDS = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
              "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes "
              "time-taken")


def iis(client: str, when: datetime, status: int, size: int, *, agent: str = CHROME,
        method: str = "GET") -> str:
    moment = when.astimezone(UTC)
    return " ".join((moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M:%S"), "10.0.0.5",
                     method, URL, "-", "443", "-", client, agent.replace(" ", "+"), "-",
                     str(status), "0", "0", str(size), "31"))


# The clients of `a_day_of_logs`: who should come out as what.
TWICE = "203.0.113.10"  # downloaded twice (the second in yesterday's rotated, gzipped log)
RESUMED = "203.0.113.20"  # a 200 cut short, then the rest by a range request
CRAWLER = "157.55.39.7"  # bingbot
STRANGER = "192.0.2.77"  # in no network of the owners table
NOT_RECIPIENTS = {"203.0.113.30": "head", "203.0.113.31": "not_modified",
                  "203.0.113.32": "not_found", "203.0.113.33": "incomplete",
                  "203.0.113.34": "other_path", "198.51.100.23": "internal",
                  "203.0.113.35": "outside_window"}
OWNERS_CSV = (
    "network,organization,contact,address_line1,city,state,postal_code,email\n"
    "203.0.113.0/24,Example News Group,Standards Editor,1 Press Row,Arlington,VA,22201,"
    "standards@news.example\n"
    "203.0.113.16/28,Hartley & Moss LLP,Jane Roe,55 Court Square,Boston,MA,02108,"
    "jroe@hartley.example\n"
    "157.55.39.0/24,Microsoft Corporation (Bing),Bing Content Removal,One Microsoft Way,"
    "Redmond,WA,98052,removals@bing.example\n"
)


def a_day_of_logs(folder: Path) -> tuple[list[Path], Path]:
    """Today's log (plain, one malformed line) and yesterday's (gzipped) with every case."""
    folder.mkdir(parents=True, exist_ok=True)
    today = write(folder / "access.log", [
        combined(TWICE, at(10, 0), 200, SIZE),
        combined(RESUMED, at(10, 5), 200, 30_000),
        combined(RESUMED, at(10, 6), 206, SIZE - 30_000),
        combined(CRAWLER, at(10, 7), 200, SIZE, agent=BINGBOT),
        combined(STRANGER, at(10, 8), 200, SIZE),
        combined("203.0.113.30", at(10, 9), 200, 0, method="HEAD"),
        combined("203.0.113.31", at(10, 10), 304, None),
        combined("203.0.113.32", at(10, 13), 404, 1_254),
        combined("203.0.113.33", at(10, 11), 206, 4_096),
        combined("203.0.113.34", at(10, 12), 200, SIZE, target="/archive/Report2022.xlsx"),
        combined("198.51.100.23", at(9, 46), 200, SIZE),
        combined("203.0.113.35", at(15, 0), 200, SIZE),
        "\x16\x03\x01\x02\x00 garbage from a TLS client on port 80",
        combined("203.0.113.99", at(11, 0), 200, 5_000, target="/index.html"),
    ])
    yesterday = write(folder / "access.log.1.gz", [
        combined(TWICE, at(12, 0), 200, SIZE),
        combined("203.0.113.98", at(12, 1), 200, 4_000, target="/"),
    ], gz=True)
    owners = folder / "owners.csv"
    owners.write_text(OWNERS_CSV)
    return [today, yesterday], owners

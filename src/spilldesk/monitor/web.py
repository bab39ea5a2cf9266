"""Fetching what the monitor watches over HTTP: politely, and never trusting the server.

One `Fetcher` per run: a User-Agent naming the desk, robots.txt honoured (unless told not
to), at most `rate` requests a second to one host, conditional requests (ETag /
Last-Modified from the last check), a size and a time limit per document, redirects followed
on the same host only. Whatever goes wrong (an unreachable host, a 4xx/5xx, a redirect off
the host, a response too large or too slow) is a `Problem`: one line of the run's report.
"""

from __future__ import annotations

import html
import re
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx

from spilldesk import __version__

USER_AGENT = f"spilldesk-monitor/{__version__} (privacy office leak monitoring)"
MAX_BYTES = 50 << 20
SECONDS = 60.0
MAX_REDIRECTS = 5
_TYPES = {
    "text/html": ".html", "application/xhtml+xml": ".html", "text/plain": ".txt",
    "text/csv": ".csv", "application/pdf": ".pdf", "application/zip": ".zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
_KNOWN_SUFFIX = re.compile(r"\.(html?|txt|csv|tsv|pdf|zip|xlsx|xlsm|docx|json)$", re.I)


class Problem(Exception):
    """Something a source did that stops one document being read (a line of the report)."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the bytes finally came from (after same-host redirects)
    status: int  # 200, or 304 (unchanged since the last check)
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def is_feed(self) -> bool:
        path = urlsplit(self.url).path.lower()
        return self.content_type in FEED_TYPES or path.endswith(FEED_SUFFIXES) or \
            self.body.lstrip()[:200].lower().startswith((b"<?xml", b"<rss", b"<feed"))

    def name(self) -> str:
        """A file name the gate's readers recognise: the URL's, or one from the type."""
        path = urlsplit(self.url).path
        base = path.rsplit("/", 1)[-1] or "index"
        if _KNOWN_SUFFIX.search(base):
            return base
        return base + _TYPES.get(self.content_type, ".html" if self.body.lstrip()[:1] == b"<"
                                 else ".txt")


def same_host(a: str, b: str) -> bool:
    one, two = urlsplit(a), urlsplit(b)
    return (one.scheme, one.netloc.lower()) == (two.scheme, two.netloc.lower())


def absolute(base: str, link: str) -> str | None:
    """The link as an absolute http(s) URL without its fragment, or None."""
    url = urldefrag(urljoin(base, link.strip()))[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


class Fetcher:
    def __init__(self, *, rate: float = 2.0, max_bytes: int = MAX_BYTES,
                 seconds: float = SECONDS, robots: bool = True) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.max_bytes, self.seconds, self.robots = max_bytes, seconds, robots
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT},
                                    timeout=httpx.Timeout(min(seconds, 30.0)),
                                    follow_redirects=False)
        self._last: dict[str, float] = {}
        self._rules: dict[str, urllib.robotparser.RobotFileParser | None] = {}

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str, *, etag: str | None = None,
              last_modified: str | None = None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            self._allowed(current)
            fetched = self._get(current, headers)
            if isinstance(fetched, Fetched):
                return fetched
            target = absolute(current, fetched)
            if target is None or not same_host(url, target):
                raise Problem(f"redirects off the host (to {target or fetched!r}); not followed")
            current = target
        raise Problem(f"more than {MAX_REDIRECTS} redirects; not followed")

    def _allowed(self, url: str) -> None:
        if not self.robots or urlsplit(url).path == "/robots.txt":
            return
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._rules:
            self._rules[origin] = self._robots(origin)
        rules = self._rules[origin]
        if rules is not None and not rules.can_fetch(USER_AGENT, url):
            raise Problem("robots.txt disallows it; not fetched (--ignore-robots to override)")

    def _robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        try:
            fetched = self._get(origin + "/robots.txt", {})
        except Problem:
            return None  # no readable robots.txt: nothing is disallowed
        if not isinstance(fetched, Fetched):
            return None
        rules = urllib.robotparser.RobotFileParser()
        rules.parse(fetched.body.decode("utf-8", "replace").splitlines())
        return rules

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        wait = self._last.get(host, -1e9) + self.interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last[host] = time.monotonic()

    def _get(self, url: str, headers: dict[str, str]) -> Fetched | str:
        """The response, or the Location of a redirect."""
        self._wait_turn(url)
        deadline = time.monotonic() + self.seconds
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return self._answer(url, response, b"")
                if response.has_redirect_location:
                    return response.headers["location"]
                if response.status_code >= 400:
                    raise Problem(f"HTTP {response.status_code}; not read")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise Problem(f"{int(declared):,} bytes, over the {self.max_bytes:,}-byte "
                                  "limit; not read")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise Problem(f"over the {self.max_bytes:,}-byte limit; not read")
                    if time.monotonic() > deadline:
                        raise Problem(f"still sending after {self.seconds:.0f} s; not read")
                return self._answer(url, response, bytes(body))
        except httpx.HTTPError as error:
            raise Problem(f"cannot fetch: {_reason(error)}") from None

    @staticmethod
    def _answer(url: str, response: httpx.Response, body: bytes) -> Fetched:
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        return Fetched(url, response.status_code, body, kind, response.headers.get("etag"),
                       response.headers.get("last-modified"))


def _reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.ConnectError):
        return "host unreachable (connection refused or no such host)"
    if isinstance(error, httpx.TimeoutException):
        return "timed out"
    return type(error).__name__


_HREF = re.compile(rb"""(?:href|src|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_FEED_LINK = re.compile(
    rb"""<link>\s*([^<\s]+)\s*</link>|<link\b[^>]*\bhref\s*=\s*["']([^"']+)["']"""
    rb"""|<enclosure\b[^>]*\burl\s*=\s*["']([^"']+)["']""", re.I)


def page_links(body: bytes, base: str) -> list[str]:
    """The same-host http(s) links of an HTML page (a, link, iframe, img, embed, object)."""
    return _links(_HREF, body, base, lambda url: same_host(base, url))


def feed_links(body: bytes, base: str) -> list[str]:
    """The entries (and enclosures) of an RSS or Atom feed, wherever they are."""
    return _links(_FEED_LINK, body, base, lambda url: True)


def _links(pattern: re.Pattern[bytes], body: bytes, base: str,
           keep: Callable[[str], bool]) -> list[str]:
    found: dict[str, None] = {}
    for match in pattern.finditer(body):
        raw = next((g for g in match.groups() if g), b"")
        url = absolute(base, html.unescape(raw.decode("utf-8", "replace")))
        if url and keep(url):
            found.setdefault(url, None)
    return list(found)

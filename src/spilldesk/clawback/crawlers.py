"""Whether a user agent is a crawler, from the maintained list `crawler-user-agents`.

A crawler that fetched the document keeps a copy (a search index's cache, an archive), so it
is a recipient whose letter asks to remove the document from its index, caches and archives.
HTTP libraries and browser automation (curl, python-requests, headless browsers) are tools a
person runs: their downloads are an ordinary recipient's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from crawleruseragents import CRAWLER_USER_AGENTS_DATA, is_crawler

TOOLS = frozenset({"http-library", "browser-automation"})


@dataclass(frozen=True)
class Crawler:
    name: str  # the list's description, e.g. "Microsoft's web crawling bot for Bing ..."
    pattern: str
    url: str | None
    tags: tuple[str, ...]


@lru_cache(maxsize=4096)
def crawler_of(agent: str) -> Crawler | None:
    if not agent or not is_crawler(agent):
        return None
    for entry in CRAWLER_USER_AGENTS_DATA:
        if re.search(entry["pattern"], agent):
            tags = tuple(entry.get("tags") or ())
            if set(tags) <= TOOLS:
                continue
            return Crawler(entry.get("description") or entry["pattern"], entry["pattern"],
                           entry.get("url"), tags)
    return None


def first_crawler(agents: tuple[str, ...] | list[str]) -> Crawler | None:
    return next((c for c in map(crawler_of, agents) if c is not None), None)

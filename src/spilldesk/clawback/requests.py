"""One request for the disclosed document, as a web server's log recorded it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class LogRequest:
    """A logged request whose line names the document's file (the readers keep no others).

    `size` is the body bytes the log says were sent (W3C `sc-bytes` counts headers too);
    `byte_range` the range as logged (`bytes=0-65535`), when the log records one.
    """

    at: datetime  # aware
    client: str
    method: str
    target: str  # the request target as logged: path, maybe a query, maybe a full URL
    status: int
    size: int
    agent: str
    byte_range: str | None = None
    source: str = ""  # file:line

    def located(self, source: str) -> LogRequest:
        return replace(self, source=source)


_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})|\\(.)")


def unescape(text: str) -> str:
    r"""Undo the escapes Apache (`\"`, `\\`, `\xhh`) and nginx (`\x22`) write into quoted fields."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], text)

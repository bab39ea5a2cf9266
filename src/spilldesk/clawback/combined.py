"""The combined and common log formats (Apache `%h %l %u %t "%r" %>s %b`, nginx `combined`).

Two patterns: a shape every line must have (checked a megabyte at a time, in the regex
engine: this is what keeps the reader near disk speed) and the full parse, run only on the
few lines that name the document. Anything after the size — referer and user agent in the
combined format, the extra fields many servers append — may follow; a line without the
shape is malformed.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from spilldesk.clawback.requests import LogRequest, unescape

_QUOTED = rb'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
# One well-formed line, newline included; (?m) so that `subn` counts them in a whole chunk.
# The time is CLF's fixed 26 characters (`28/Nov/2022:09:46:12 -0500`): a fixed width is
# what lets the engine keep near 250 MB/s.
SHAPE = re.compile(rb"(?m)^[^ \n]++ [^ \n]++ [^ \n]++ \[.{26}\] " + _QUOTED
                   + rb" \d{3} (?:\d++|-).*+\n")

_Q = r'"([^"\\]*(?:\\.[^"\\]*)*)"'
_LINE = re.compile(r"^(\S+) \S+ \S+ \[([^\]]*)\] " + _Q + r" (\d{3}) (\d+|-)(?: " + _Q
                   + r" " + _Q + r")?")
_TIME = re.compile(r"^(\d{1,2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) "
                   r"([+-])(\d{2})(\d{2})$")
_MONTHS = {name: n for n, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def log_time(text: str) -> datetime | None:
    """`28/Nov/2022:09:46:12 -0500` as an aware datetime (English month names, as logged)."""
    found = _TIME.match(text)
    if not found:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = found.groups()
    number = _MONTHS.get(month.lower())
    if number is None:
        return None
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    try:
        return datetime(int(year), number, int(day), int(hour), int(minute), int(second),
                        tzinfo=timezone(offset))
    except ValueError:
        return None


def parse_line(line: str) -> LogRequest | None:
    """The request a well-shaped line records, or None when it cannot be read after all
    (a time that is no time, a request line that is not `METHOD TARGET [PROTOCOL]`)."""
    found = _LINE.match(line)
    if not found:
        return None
    client, stamp, request, status, size, _referer, agent = found.groups()
    at = log_time(stamp)
    parts = unescape(request).split(" ")
    if at is None or len(parts) not in (2, 3):
        return None
    return LogRequest(at=at, client=client, method=parts[0].upper(), target=parts[1],
                      status=int(status), size=0 if size == "-" else int(size),
                      agent=unescape(agent or ""))

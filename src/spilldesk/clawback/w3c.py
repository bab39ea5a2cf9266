"""W3C extended log files (IIS, CDNs such as CloudFront): `#Fields:` names the columns.

Directives start with `#`; a new `#Fields:` line (a restarted server) changes the columns
from there on. Values are separated by spaces (IIS writes a space inside a value as `+`) or
by tabs (CloudFront, which URL-encodes values, some of them twice). Times are UTC, as the
format says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import unquote, unquote_plus

from spilldesk.clawback.requests import LogRequest
from spilldesk.errors import ServiceError

REQUIRED = ("date", "time", "c-ip", "cs-method", "cs-uri-stem", "sc-status")
SIZES = ("sc-content-len", "sc-bytes")  # the body alone when the log has it


class W3CError(ServiceError):
    """A `#Fields:` directive this reader cannot use (the message names what is missing)."""


@dataclass(frozen=True)
class Columns:
    """The layout one `#Fields:` directive declares, with the shape of its data lines."""

    names: tuple[str, ...]
    index: dict[str, int]
    separator: str
    shape: re.Pattern[bytes]

    @classmethod
    def declare(cls, directive: str, separator: str) -> Columns:
        names = tuple(directive.split(":", 1)[1].split())
        index = {name.lower(): i for i, name in enumerate(names)}
        missing = [name for name in REQUIRED if name not in index]
        if not any(name in index for name in SIZES):
            missing.append("sc-bytes")
        if missing:
            raise W3CError(f"#Fields lacks {', '.join(missing)}")
        sep = re.escape(separator.encode())
        value = rb"[^\t\n]*+" if separator == "\t" else rb"[^ \n]++"
        shape = re.compile(rb"(?m)^(?!#)" + (value + sep) * (len(names) - 1) + value + rb"\r?\n")
        return cls(names, index, separator, shape)

    def parse(self, line: str) -> LogRequest | None:
        values = line.rstrip("\r\n").split(self.separator)
        if len(values) != len(self.names):
            return None
        def get(name: str) -> str:
            position = self.index.get(name)
            return values[position] if position is not None else ""

        try:
            at = datetime.fromisoformat(f"{get('date')}T{get('time')}").replace(tzinfo=UTC)
            status = int(get("sc-status"))
        except ValueError:
            return None
        size = next((v for v in (get(name) for name in SIZES) if v not in ("", "-")), "0")
        if not size.isdigit():
            return None
        target = get("cs-uri-stem")
        query = get("cs-uri-query")
        if query not in ("", "-"):
            target = f"{target}?{query}"
        return LogRequest(at=at, client=get("c-ip"), method=get("cs-method").upper(),
                          target=target, status=status, size=int(size),
                          agent=self._text(get("cs(user-agent)")),
                          byte_range=self._range(get("sc-range-start"), get("sc-range-end"),
                                                 get("cs(range)")))

    def _text(self, value: str) -> str:
        """A logged header value in clear: IIS writes spaces as `+`; CloudFront
        percent-encodes, and encodes some characters twice (`%2520`)."""
        if value in ("", "-"):
            return ""
        if self.separator == " ":
            return unquote_plus(value)
        decoded = unquote(value)
        return unquote(decoded) if re.search(r"%[0-9A-Fa-f]{2}", decoded) else decoded

    def _range(self, start: str, end: str, header: str) -> str | None:
        if start.isdigit():
            return f"bytes={start}-{end if end.isdigit() else ''}"
        return self._text(header) or None

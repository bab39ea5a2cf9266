"""Who received the whole document, from the requests that name its file.

A recipient is a client outside the internal networks that received the whole body inside
the exposure window: a 200 with the full size, or 200/206 responses that together cover the
file. Everything else that asked for the file is evidence with its reason — HEAD, 304, 404
and other statuses, incomplete transfers, requests outside the window or from inside, and
other paths with the same file name. One client downloading twice is one recipient with
two downloads.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import unquote, urlsplit

from spilldesk.clawback.coverage import Coverage
from spilldesk.clawback.requests import LogRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Reason(StrEnum):
    DOWNLOAD = "download"  # part of a complete download: its client is a recipient
    HEAD = "head"
    NOT_MODIFIED = "not_modified"  # 304: the client already had it (from an earlier download)
    NOT_FOUND = "not_found"  # 404 / 410
    OTHER_STATUS = "other_status"  # redirects, 403, 5xx ...
    INCOMPLETE = "incomplete"  # a cut-short 200 or ranges that never covered the file
    OTHER_PATH = "other_path"  # the same file name at another path
    OUTSIDE_WINDOW = "outside_window"
    INTERNAL = "internal"


@dataclass(frozen=True)
class Document:
    """The disclosed document as the logs name it."""

    path: str  # normalised (see `normalise_path`)
    size: int

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True)
class Received:
    """A client that received the whole document (owner not yet known)."""

    client: str
    downloads: int
    first_at: datetime  # when the first complete copy arrived
    last_at: datetime
    bytes: int  # every byte of the document sent to it in the window
    agents: tuple[str, ...]


@dataclass(frozen=True)
class Sighting:
    request: LogRequest
    reason: Reason


@dataclass(frozen=True)
class Findings:
    recipients: tuple[Received, ...]
    evidence: tuple[Sighting, ...]
    warnings: tuple[str, ...]

    def evidence_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(s.reason.value for s in self.evidence).items()))


_SLASHES = re.compile(r"/{2,}")


def normalise_path(target: str) -> str:
    """A request target as the server resolves it: no scheme or host, no query, percent-
    decoded, repeated slashes and dot segments resolved, case folded (so that a
    differently-cased request answered 200 with the full size still counts)."""
    path = urlsplit(target).path if "://" in target else target.split("?", 1)[0]
    path = _SLASHES.sub("/", unquote(path.split("#", 1)[0]))
    resolved = posixpath.normpath(path) if path else "/"
    return ("/" + resolved.lstrip("/")).lower()


def canonical_client(text: str) -> str:
    """One spelling per address (IPv4-mapped IPv6 as IPv4); anything else as logged."""
    try:
        address = ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return text
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def is_internal(client: str, internal: Sequence[Network]) -> bool | None:
    """True / False, or None when the client is no address (a logged host name)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return None
    return any(address.version == n.version and address in n for n in internal)


def largest_body(requests: Iterable[LogRequest], path: str) -> int | None:
    """The largest body a 200 sent for the path: the document's size when nothing better is
    known (a cut-short transfer sends less, never more)."""
    sizes = [r.size for r in requests
             if r.status == 200 and r.method != "HEAD" and normalise_path(r.target) == path]
    return max(sizes) if sizes else None


def find_recipients(
    requests: Iterable[LogRequest], document: Document, window: Window,
    internal: Sequence[Network] = (),
) -> Findings:
    evidence: list[Sighting] = []
    by_client: dict[str, list[LogRequest]] = defaultdict(list)
    warnings: list[str] = []
    late_copies = other_copies = hostnames = 0
    for request in requests:
        path = normalise_path(request.target)
        if posixpath.basename(path) != document.name:
            continue  # the name turned up elsewhere in the line (a referer, a longer name)
        client = canonical_client(request.client)
        whole = _delivers(request) and request.size >= document.size
        inside = is_internal(client, internal)
        if path != document.path:
            evidence.append(Sighting(request, Reason.OTHER_PATH))
            other_copies += whole
        elif inside:
            evidence.append(Sighting(request, Reason.INTERNAL))
        elif not window.holds(request.at):
            evidence.append(Sighting(request, Reason.OUTSIDE_WINDOW))
            late_copies += whole
        else:
            hostnames += inside is None
            by_client[client].append(request)
    recipients = []
    for client, asked in by_client.items():
        received, sightings = _client_downloads(client, asked, document.size)
        evidence += sightings
        if received is not None:
            recipients.append(received)
    if late_copies:
        warnings.append(f"{late_copies} complete download(s) outside the exposure window: "
                        "check the incident's window (they are evidence, not recipients)")
    if other_copies:
        warnings.append(f"{other_copies} complete response(s) for the same file name at "
                        "another path: check whether the document was posted there too")
    if hostnames:
        warnings.append(f"{hostnames} request(s) logged a host name, not an address: they "
                        "cannot be checked against --internal and count as outside")
    evidence.sort(key=lambda s: (s.request.at, s.request.client))
    recipients.sort(key=lambda r: (r.first_at, r.client))
    return Findings(tuple(recipients), tuple(evidence), tuple(warnings))


def _delivers(request: LogRequest) -> bool:
    return request.method != "HEAD" and request.status in (200, 206)


def _client_downloads(client: str, asked: list[LogRequest], size: int
                      ) -> tuple[Received | None, list[Sighting]]:
    sightings: list[Sighting] = []
    pending: list[LogRequest] = []
    coverage = Coverage(size)
    completed: list[LogRequest] = []
    agents: set[str] = set()
    sent = 0
    for request in sorted(asked, key=lambda r: r.at):
        if request.method == "HEAD":
            sightings.append(Sighting(request, Reason.HEAD))
            continue
        if request.status not in (200, 206):
            sightings.append(Sighting(request, _status_reason(request.status)))
            continue
        sent += request.size
        pending.append(request)
        if request.status == 200:
            coverage.whole_body(request.size)
        else:
            coverage.partial(request.byte_range, request.size)
        if coverage.complete():
            completed.append(request)
            agents.update(r.agent for r in pending if r.agent)
            sightings += [Sighting(r, Reason.DOWNLOAD) for r in pending]
            pending, coverage = [], Coverage(size)
    sightings += [Sighting(r, Reason.INCOMPLETE) for r in pending]
    if not completed:
        return None, sightings
    received = Received(client, len(completed), completed[0].at, completed[-1].at, sent,
                        tuple(sorted(agents)))
    return received, sightings


def _status_reason(status: int) -> Reason:
    if status == 304:
        return Reason.NOT_MODIFIED
    if status in (404, 410):
        return Reason.NOT_FOUND
    return Reason.OTHER_STATUS

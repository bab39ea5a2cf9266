"""Who owns a client's network: a table of CIDR blocks, the longest prefix wins.

`--owners CSV`, one header row: `network` (a CIDR block, IPv4 or IPv6) and `organization`
are required; `contact`, `address_line1`, `address_line2`, `city`, `state`, `postal_code`,
`country`, `email`, `phone` are optional. Typically filled from WHOIS/RDAP answers and from
what the agency already knows (news organisations, search engines). An unknown column, a
block that is not a network or a block listed twice is an error naming the row.
"""

from __future__ import annotations

import csv
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from spilldesk.clawback.recipients import Network
from spilldesk.errors import ServiceError

REQUIRED = ("network", "organization")
OPTIONAL = ("contact", "address_line1", "address_line2", "city", "state", "postal_code",
            "country", "email", "phone")


class OwnersError(ServiceError):
    """The owners table cannot be used; the message names the file, row and field."""


@dataclass(frozen=True)
class Owner:
    network: str
    organization: str
    contact: str | None = None
    address_lines: tuple[str, ...] = ()
    email: str | None = None
    phone: str | None = None


class NetworkTable:
    """CIDR blocks → owners, looked up longest prefix first."""

    def __init__(self, owners: dict[Network, Owner]) -> None:
        self._by_length: dict[tuple[int, int], dict[int, Owner]] = {}
        for network, owner in owners.items():
            key = (network.version, network.prefixlen)
            self._by_length.setdefault(key, {})[int(network.network_address)] = owner
        self._lengths = sorted(self._by_length, key=lambda k: -k[1])
        self.size = len(owners)

    def owner_of(self, client: str) -> Owner | None:
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return None
        bits = address.max_prefixlen
        value = int(address)
        for version, length in self._lengths:
            if version != address.version:
                continue
            masked = value >> (bits - length) << (bits - length) if length else 0
            owner = self._by_length[(version, length)].get(masked)
            if owner is not None:
                return owner
        return None


def read_owners(path: Path) -> NetworkTable:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = rows[0].keys() if rows else _header(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise OwnersError(f"{path}: cannot read the owners table ({exc})") from None
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problems = ([f"unknown column(s) {', '.join(map(str, unknown))}"] if unknown else []) + \
                   ([f"missing column(s) {', '.join(missing)}"] if missing else [])
        raise OwnersError(f"{path}: {'; '.join(problems)} (columns: "
                          f"{', '.join(REQUIRED + OPTIONAL)})")
    owners: dict[Network, Owner] = {}
    for number, row in enumerate(rows, start=2):
        network, owner = _owner(path, number, row)
        if network in owners:
            raise OwnersError(f"{path}, row {number}, network: {network} is listed twice")
        owners[network] = owner
    return NetworkTable(owners)


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def _owner(path: Path, number: int, row: dict[str, str | None]) -> tuple[Network, Owner]:
    def text(name: str) -> str | None:
        value = (row.get(name) or "").strip()
        return value or None

    block = text("network")
    try:
        network = ipaddress.ip_network(block or "", strict=False)
    except ValueError:
        raise OwnersError(f"{path}, row {number}, network: {block!r} is not a CIDR block "
                          "(e.g. 203.0.113.0/24)") from None
    organization = text("organization")
    if organization is None:
        raise OwnersError(f"{path}, row {number}, organization: is empty")
    region = " ".join(p for p in (text("state"), text("postal_code")) if p)
    place = ", ".join(p for p in (text("city"), region) if p)
    lines = tuple(p for p in (text("address_line1"), text("address_line2"), place,
                              text("country")) if p)
    return network, Owner(str(network), organization, text("contact"), lines, text("email"),
                          text("phone"))


def parse_networks(blocks: list[str], option: str = "--internal") -> list[Network]:
    networks = []
    for block in blocks:
        try:
            networks.append(ipaddress.ip_network(block.strip(), strict=False))
        except ValueError:
            raise OwnersError(f"{option}: {block!r} is not a CIDR block "
                              "(e.g. 198.51.100.0/24)") from None
    return networks

"""The owners table: longest prefix wins, IPv4 and IPv6, and errors that name the row."""

from __future__ import annotations

from pathlib import Path

import pytest

from spilldesk.clawback.owners import OwnersError, parse_networks, read_owners

HEADER = "network,organization,contact,address_line1,city,state,postal_code,email\n"


def test_the_longest_prefix_wins(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(HEADER + "73.2.0.0/16,Regional Cable Co.,Legal,44 Cable Rd,Denver,CO,80202,"
                    "s@cable.example\n73.2.78.0/24,Open Records Inc.,Counsel,9 Data Dr,Austin,TX,"
                    "78701,l@open.example\n2001:db8::/32,Example v6 Net,,,,,,\n"
                    "0.0.0.0/0,Somebody on the Internet,,,,,,\n")
    table = read_owners(path)
    assert table.owner_of("73.2.78.195").organization == "Open Records Inc."
    assert table.owner_of("73.2.1.1").organization == "Regional Cable Co."
    assert table.owner_of("2001:db8:1::5").organization == "Example v6 Net"
    assert table.owner_of("8.8.8.8").organization == "Somebody on the Internet"
    assert table.owner_of("not-an-address") is None
    owner = table.owner_of("73.2.78.195")
    assert owner.address_lines == ("9 Data Dr", "Austin, TX 78701")


def test_no_match_is_an_unknown_owner(tmp_path: Path) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(HEADER + "192.0.2.0/24,Someone,,,,,,\n")
    assert read_owners(path).owner_of("198.51.100.7") is None


@pytest.mark.parametrize("rows, message", [
    ("network,organization,fax\n", "unknown column(s) fax"),
    ("network,contact\n", "missing column(s) organization"),
    (HEADER + "192.0.2.0/33,Someone,,,,,,\n", "row 2, network: '192.0.2.0/33'"),
    (HEADER + "192.0.2.0/24,,,,,,,\n", "row 2, organization: is empty"),
    (HEADER + "192.0.2.0/24,A,,,,,,\n192.0.2.7/24,B,,,,,,\n", "row 3, network: 192.0.2.0/24 is"),
])
def test_bad_tables_are_errors_naming_row_and_field(tmp_path: Path, rows: str,
                                                    message: str) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(rows)
    with pytest.raises(OwnersError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_owners(path)


def test_internal_networks_must_be_blocks() -> None:
    assert [str(n) for n in parse_networks(["198.51.100.0/24", "2001:db8::/48"])] == [
        "198.51.100.0/24", "2001:db8::/48"]
    with pytest.raises(OwnersError, match="--internal: 'intranet'"):
        parse_networks(["intranet"])

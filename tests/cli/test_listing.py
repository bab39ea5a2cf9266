"""Long lists print one aligned line per row and never cut a value."""

from __future__ import annotations

from spilldesk.cli.listing import print_listing


def test_every_value_whole_and_columns_aligned(capsys) -> None:
    reasons = ", ".join(["notice_not_provided", "removal_hold"] * 10)  # wider than any screen
    print_listing("manifest.csv: removal on 2022-12-01", ("row", "A-number", "reasons"),
                  [(2, "A200000001", reasons), (10_001, "A*****0002", "")])
    title, header, rule, first, second = capsys.readouterr().out.splitlines()
    assert title == "manifest.csv: removal on 2022-12-01"
    assert header.split() == ["row", "A-number", "reasons"]
    assert first.endswith(reasons) and "A200000001" in first
    assert second.rstrip() == second and second.startswith("10001")
    # Each column starts at the same place on every line.
    for column in ("A-number", "reasons"):
        at = header.index(column)
        assert rule[at - 2:at] == "  " and rule[at] == "─"
    assert first.index("A200000001") == second.index("A*****0002") == header.index("A-number")
    assert first.index("notice_not_provided") == header.index("reasons")


def test_an_empty_list_still_has_its_header(capsys) -> None:
    print_listing("0 tasks", ("id", "about"), [])
    assert capsys.readouterr().out.splitlines() == ["0 tasks", "id  about", "──  ─────"]

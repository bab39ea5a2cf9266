"""Stored record fields → the engine's records; partial birth dates still link."""

from __future__ import annotations

from spilldesk.link import LinkRecord, link_records
from spilldesk.link.engine_records import json_safe, link_record_of


def test_full_name_column_is_split_family_first() -> None:
    record = link_record_of(
        7,
        {
            "full_name": "DE LA CRUZ PEREZ, MARIA JOSE",
            "date_of_birth": "1992-05-10",
            "sex": "F",
            "country_of_citizenship": "CUB",
        },
    )
    assert (record.family_name, record.given_name) == ("DE LA CRUZ PEREZ", "MARIA JOSE")
    assert (record.record_id, record.country, record.a_number) == (7, "CUB", None)


def test_partial_birth_dates_come_from_the_raw_text() -> None:
    assert link_record_of(1, {"date_of_birth_raw": "1990"}).date_of_birth == "1990"
    assert link_record_of(1, {"date_of_birth_raw": "1990-03"}).date_of_birth == "1990-03"
    assert link_record_of(1, {"date_of_birth_raw": "not a date"}).date_of_birth is None
    assert (
        link_record_of(1, {"date_of_birth": "1990-03-04", "date_of_birth_raw": "x"}).date_of_birth
        == "1990-03-04"
    )


def test_infinite_weights_become_null() -> None:
    assert json_safe({"a": float("-inf"), "b": 1.5, "c": "exact"}) == {
        "a": None,
        "b": 1.5,
        "c": "exact",
    }


def test_a_record_with_only_a_birth_year_still_finds_its_person(registry, crafted) -> None:
    swaps = crafted["cyrillic"]
    partial = LinkRecord(50, None, swaps.family_name, swaps.given_name, "1985", "M", "RUS")
    (result,) = link_records([partial], registry, custody_reference_date=None)
    assert result.status != "unmatched"
    assert result.candidates[0].person_id == 900002
    assert result.explanation["date_of_birth"] == "partial date agrees"


def test_degenerate_inputs_still_give_one_result_each() -> None:
    import pandas as pd

    registry = pd.DataFrame(
        [
            {
                "person_id": 1,
                "a_number": "A123456789",
                "family_name": "Pérez",
                "given_name": "Ana",
                "date_of_birth": "1990-01-02",
                "sex": "F",
                "country": "MEX",
                "book_in_date": None,
                "book_out_date": None,
            }
        ]
    )
    records = [
        LinkRecord(1, "A123456789", None, None, None, None, None),
        LinkRecord(2, None, None, None, None, None, None),
    ]
    first, second = link_records(records, registry, custody_reference_date=None)
    assert (first.status, first.person_id) == ("matched", 1)
    assert (second.status, second.reason) == ("unmatched", "no_candidate")

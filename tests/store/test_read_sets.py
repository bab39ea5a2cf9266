"""The persons an audit event names are all named: listed when few, packed when many, and
read back exactly; a damaged or oversized packed list is refused, never half read."""

from __future__ import annotations

import base64
import zlib
from array import array

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.store.read_sets import LISTED, ReadSetError, ids_named, persons_named


@given(st.sets(st.integers(min_value=1, max_value=2**31), max_size=300))
def test_a_few_are_listed_and_read_back(ids: set[int]) -> None:
    detail = persons_named(ids)
    assert detail == {"count": len(ids), "person_ids": sorted(ids)}
    assert ids_named(detail) == sorted(ids)


@given(st.sets(st.integers(min_value=1, max_value=2**31), min_size=1, max_size=200))
def test_many_are_packed_and_read_back_exactly(extra: set[int]) -> None:
    ids = set(range(1, LISTED + 2)) | extra  # one more than are listed, at least
    detail = persons_named([*ids, *ids])  # a person read twice is named once
    assert detail["count"] == len(ids)
    assert "person_ids" not in detail
    assert ids_named(detail) == sorted(ids)


def test_nothing_named_is_no_one() -> None:
    assert ids_named(None) == []
    assert ids_named({"purpose": "x"}) == []


def _packed(gaps: list[int]) -> str:
    return base64.b64encode(zlib.compress(array("I", gaps).tobytes())).decode()


@pytest.mark.parametrize("detail", [
    {"count": 3, "person_ids_packed": "not base64!"},
    {"count": 3, "person_ids_packed": base64.b64encode(b"not zlib").decode()},
    {"count": 3, "person_ids_packed": _packed([1, 1])},        # fewer than its count
    {"count": 2, "person_ids_packed": _packed([1] * 10**6)},   # far more: never inflated whole
    {"count": "3", "person_ids_packed": _packed([1, 1, 1])},
    {"count": 3, "person_ids_packed": 17},
    {"person_ids": [1, "2"]},
    {"person_ids": "1,2"},
])
def test_a_damaged_list_is_refused(detail: dict) -> None:
    with pytest.raises(ReadSetError):
        ids_named(detail)

"""Which persons an audit event names: every one, never a list cut short.

A bulk read, a manifest check or a linkage run can touch hundreds of thousands of persons, and
the audit log must still answer "who read this person's record, when, and why". An event's
detail names its persons by their row ids (never their data):

- up to `LISTED` of them as a plain JSON list, `person_ids` (readable as it stands);
- more, packed as `person_ids_packed`: the sorted ids' gaps as little-endian 32-bit
  integers, zlib, base64 (0.63 bytes an id for 473,015 ids scattered through a million, against
  7.9 as JSON). `count` is always the number of distinct ids.

`ids_named` reads either form back, and refuses a packed list that is damaged or that would
unpack to more ids than its `count` says (a bound on memory, not only a check)."""

from __future__ import annotations

import base64
import binascii
import sys
import zlib
from array import array
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

LISTED = 20_000
_GAP = "I"  # unsigned 32-bit: a gap between two row ids


class ReadSetError(ValueError):
    """A packed list of persons that cannot be read back as it was written."""


def persons_named(ids: Iterable[int]) -> dict[str, Any]:
    """The detail fields naming these persons: `count` and the ids, listed or packed."""
    unique = sorted(set(ids))
    if len(unique) <= LISTED:
        return {"count": len(unique), "person_ids": unique}
    return {"count": len(unique), "person_ids_packed": _pack(unique)}


def ids_named(detail: dict[str, Any] | None) -> list[int]:
    """The person ids an event's detail names (none if it names none)."""
    if not detail:
        return []
    if "person_ids_packed" in detail:
        return _unpack(detail["person_ids_packed"], detail.get("count"))
    listed = detail.get("person_ids")
    if listed is None:
        return []
    if not isinstance(listed, list) or not all(type(i) is int for i in listed):
        raise ReadSetError("person_ids: not a list of row ids")
    return listed


def _pack(ids: list[int]) -> str:
    if ids[0] < 0:
        raise ReadSetError("person ids are positive row ids")
    gaps = array(_GAP, (b - a for a, b in zip([0, *ids], ids, strict=False)))
    if sys.byteorder == "big":  # stored little-endian, whatever machine wrote it
        gaps.byteswap()
    return base64.b64encode(zlib.compress(gaps.tobytes(), 6)).decode("ascii")


def _unpack(packed: object, count: object) -> list[int]:
    if not isinstance(packed, str) or type(count) is not int or count < 0:
        raise ReadSetError("person_ids_packed: needs a text and a whole-number count")
    width = array(_GAP).itemsize
    try:
        inflate = zlib.decompressobj()
        raw = inflate.decompress(base64.b64decode(packed, validate=True), count * width + 1)
    except (binascii.Error, zlib.error) as exc:
        raise ReadSetError(f"person_ids_packed: unreadable ({exc})") from None
    if len(raw) != count * width or inflate.unconsumed_tail or not inflate.eof:
        raise ReadSetError(f"person_ids_packed: does not hold the {count} ids its count says")
    gaps = array(_GAP)
    gaps.frombytes(raw)
    if sys.byteorder == "big":
        gaps.byteswap()
    return list(accumulate(gaps))

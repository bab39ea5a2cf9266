"""Detectors, one small module per entity (Presidio's shape), plus column classification."""

from __future__ import annotations

from collections.abc import Iterator
from operator import attrgetter
from typing import Protocol

from spilldesk.scan.detectors import (
    a_number,
    address,
    date_of_birth,
    disclosure,
    email,
    nationality,
    passport,
    person_name,
    phone,
    ssn,
)
from spilldesk.scan.detectors.base import REPORTABLE, Hit
from spilldesk.scan.detectors.engine import Scan

__all__ = [
    "DETECTORS",
    "GOVERNMENT_IDS",
    "REPORTABLE",
    "REVEALING_WORDS",
    "Detector",
    "Hit",
    "find_all",
    "same_length_lower",
]


class Detector(Protocol):
    entity: str

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]: ...


DETECTORS: tuple[Detector, ...] = (
    a_number.DETECTOR,
    ssn.DETECTOR,
    passport.DETECTOR,
    date_of_birth.DETECTOR,
    person_name.DETECTOR,
    nationality.DETECTOR,
    phone.DETECTOR,
    email.DETECTOR,
    address.DETECTOR,
)
GOVERNMENT_IDS = frozenset({"A_NUMBER", "SSN", "PASSPORT"})
# Not one of the gate's: words that reveal a leak or a protection claim (the egress check's).
REVEALING_WORDS: Detector = disclosure.DETECTOR


def same_length_lower(text: str) -> str:
    """Lower case with offsets kept (a few characters, like `İ`, lower to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_START, _SCORE = attrgetter("start"), attrgetter("score")


def find_all(text: str, engine: str | None = None) -> list[Hit]:
    """Every hit in a text, overlapping hits resolved in favour of the higher score.

    `engine`: "re" or "hyperscan" to force one (the same hits either way; the benchmark
    checks it); by default Hyperscan where installed, for texts long enough to gain."""
    lowered = same_length_lower(text)
    scan = Scan(text, lowered, engine)
    hits = [hit for detector in DETECTORS for hit in detector.find(text, lowered, scan)]
    # By start, then higher score first: two stable sorts on plain fields (faster than a key
    # tuple for each of ~30,000 hits a MB of dense text; the same order).
    hits.sort(key=_SCORE, reverse=True)
    hits.sort(key=_START)
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.score > kept[-1].score:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept

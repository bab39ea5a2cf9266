"""Detectors, one small module per entity (Presidio's shape), plus column classification."""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter
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
from spilldesk.scan.detectors.base import REPORTABLE, Candidate, Hit
from spilldesk.scan.detectors.engine import Scan

__all__ = [
    "DETECTORS",
    "GOVERNMENT_IDS",
    "REPORTABLE",
    "REVEALING_WORDS",
    "Detector",
    "GateDetector",
    "Hit",
    "find_all",
    "resolve_overlaps",
    "same_length_lower",
]


class Detector(Protocol):
    entity: str

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]: ...


class GateDetector(Detector, Protocol):
    """One of the gate's: `find_all` takes its hits unmasked and masks the ones it keeps."""

    def candidates(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Candidate]: ...


DETECTORS: tuple[GateDetector, ...] = (
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


_START = itemgetter(1)  # a Candidate's start
_new_tuple = tuple.__new__


def find_all(text: str, engine: str | None = None) -> list[Hit]:
    """Every hit in a text, overlapping hits resolved in favour of the higher score.

    `engine`: "re" or "hyperscan" to force one (the same hits either way; the benchmark
    checks it); by default Hyperscan where installed, for texts long enough to gain."""
    lowered = same_length_lower(text)
    scan = Scan(text, lowered, engine)
    found: list[Candidate] = []
    for detector in DETECTORS:
        found.extend(detector.candidates(text, lowered, scan))
    kept = resolve_overlaps(found)
    # `masked` for each, inline (a call a hit costs more than the tuple it builds).
    return [
        _new_tuple(Hit, (entity, start, end, score, value, mask(value), pattern, validation))
        for entity, start, end, score, value, mask, pattern, validation in kept
    ]


def resolve_overlaps(found: list[Candidate]) -> list[Candidate]:
    """Overlapping candidates resolved in favour of the higher score (the earlier detector
    on a tie), in order of start. Sorts `found` in place.

    By start only (stable: detectors in order). Among candidates that start together the
    loop keeps the first of the highest score, as it would were they sorted by score too:
    they all overlap whatever is kept before them, or none does, and each replaces the one
    kept only when it scores more."""
    found.sort(key=_START)
    kept: list[Candidate] = []
    for candidate in found:
        if kept and candidate[1] < kept[-1][2]:
            if candidate[3] > kept[-1][3]:
                kept[-1] = candidate
            continue
        kept.append(candidate)
    return kept

"""The engine-neutral linkage model: what goes in, what comes out, and the knobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LinkStatus = Literal["matched", "review", "unmatched"]
Backend = Literal["duckdb", "spark"]

REASONS = (
    "not_in_custody_on_reference_date",
    "ambiguous",
    "conflict",
    "below_threshold",
    "no_candidate",
)


@dataclass(frozen=True)
class LinkRecord:
    """A disclosed record, as the scanner extracted it."""

    record_id: int
    a_number: str | None
    family_name: str | None
    given_name: str | None
    date_of_birth: str | None  # ISO yyyy-mm-dd (day and month may be swapped in the source)
    sex: str | None  # M/F/X
    country: str | None  # ISO 3166-1 alpha-3


@dataclass(frozen=True)
class Candidate:
    person_id: int
    probability: float
    match_weight: float
    # "<comparison>" → the level that hit, "<comparison>_weight" → its match weight (bits)
    explanation: dict[str, float | str]


@dataclass(frozen=True)
class LinkResult:
    record_id: int
    status: LinkStatus
    person_id: int | None
    probability: float | None
    explanation: dict[str, object]
    candidates: tuple[Candidate, ...]  # best first
    reason: str | None


@dataclass(frozen=True)
class LinkSettings:
    """Thresholds and training knobs. Probabilities are posterior match probabilities."""

    match_threshold: float = 0.99
    review_threshold: float = 0.5
    # Two candidates whose match weights are closer than this (bits) are ambiguous.
    ambiguity_margin: float = 5.0
    # An A-number match whose other evidence (names, birth date, ...) sums below this (bits)
    # is a conflict: the number is right but the record describes someone else.
    conflict_weight: float = 0.0
    max_candidates: int = 5
    # Training: pairs sampled for u, and the share of records sampled for EM at scale.
    u_max_pairs: float = 3e5
    em_max_pairs: float = 1e5
    em_min_pairs: int = 200
    seed: int = 42
    # Extra string columns compared exactly / fuzzily (benchmarks: addresses).
    extra_columns: tuple[str, ...] = field(default=())
    # Extra blocking rules in splink's ``l.col = r.col`` form (benchmarks: postcodes).
    extra_blocking: tuple[str, ...] = field(default=())
    use_identifier: bool = True
    # A registry larger than this is read in part: the candidates its blocking tokens find
    # and a seeded sample of this many persons (for the u-probabilities).
    registry_sample: int = 50_000

"""The detector shape (after Presidio's PatternRecognizer): patterns with a base score,
context words that raise it, and a validator that can reject or confirm a candidate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

CONTEXT_WINDOW = 48
CONTEXT_BOOST = 0.4
REPORTABLE = 0.5  # a hit at or above this score is a finding; below it, a hint only


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    score: float


@dataclass(frozen=True)
class Hit:
    """One match in a text. `value` stays inside the process; reports show `masked`."""

    entity: str
    start: int
    end: int
    score: float
    value: str
    masked: str


def mask_generic(value: str) -> str:
    """Keep the shape, hide the content: `****1234` for numbers, initials for words."""
    digits = [c for c in value if c.isdigit()]
    if len(digits) >= 4:
        return "*" * max(len(value.strip()) - 4, 1) + "".join(digits[-4:])
    return "*" * len(value.strip())


@dataclass
class PatternDetector:
    entity: str
    patterns: list[Pattern]
    context: tuple[str, ...] = ()
    validate: Callable[[str], bool] = field(default=lambda _value: True)
    mask: Callable[[str], str] = mask_generic
    prefilter: re.Pattern[str] | None = None

    def find(self, text: str) -> Iterator[Hit]:
        if self.prefilter is not None and not self.prefilter.search(text):
            return
        lowered: str | None = None
        for pattern in self.patterns:
            for match in pattern.regex.finditer(text):
                value = match.group(0)
                if not self.validate(value):
                    continue
                score = pattern.score
                if self.context:
                    lowered = lowered if lowered is not None else text.lower()
                    if has_context(lowered, match.start(), self.context):
                        score = min(1.0, score + CONTEXT_BOOST)
                yield Hit(self.entity, match.start(), match.end(), score, value, self.mask(value))


def has_context(lowered: str, start: int, words: tuple[str, ...]) -> bool:
    """Is one of the context words just before the candidate (same line or the one above)?"""
    window = lowered[max(0, start - CONTEXT_WINDOW) : start]
    return any(word in window for word in words)

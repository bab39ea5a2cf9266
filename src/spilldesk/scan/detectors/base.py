"""The detector shape (after Presidio's PatternRecognizer): patterns with a base score,
context words that raise it, and a validator that answers, like Presidio's `validate_result`,
one of three things about a candidate: CONFIRM (a real check passed: the score is raised to
the detector's `confirmed` score), REJECT (the candidate is dropped) or UNKNOWN (the check
cannot tell: the score stays as it is). Every hit says which pattern found it and what the
validator said (`Hit.pattern`, `Hit.validation`), and the pattern's name reaches the finding.

Speed (the gate must read text at >= 10 MB/s): Python's regex engine scans fast only for a
pattern that begins with a literal or a character class, so patterns begin with their rarest
character (`-` of `123-45-6789`, `A` of `A#...`) and give the characters before it as `back`,
a regex that must end right where the match starts. Patterns that mean nothing without a
context word (`context_only`) run only in the windows that follow such a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

CONTEXT_WINDOW = 48
CONTEXT_BOOST = 0.4
REPORTABLE = 0.5  # a hit at or above this score is a finding; below it, a hint only
CONFIRMED = 1.0  # Presidio's MAX_SCORE: what a confirmed candidate scores, unless told less
_BACK_REACH = 66


class Validation(StrEnum):
    """What a validator says about a candidate (Presidio's True / False / None)."""

    CONFIRM = "confirm"
    REJECT = "reject"
    UNKNOWN = "unknown"

    @classmethod
    def unless(cls, plausible: bool) -> Validation:
        """A check that can only refute: REJECT when it fails, else UNKNOWN."""
        return cls.UNKNOWN if plausible else cls.REJECT


def no_check(_value: str) -> Validation:
    return Validation.UNKNOWN


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: re.Pattern[str]
    score: float
    back: re.Pattern[str] | None = None
    context_only: bool = False


@dataclass(frozen=True)
class Hit:
    """One match in a text. `value` stays inside the process; reports show `masked`."""

    entity: str
    start: int
    end: int
    score: float
    value: str
    masked: str
    pattern: str = ""  # the name of the pattern that found it (`prefixed`, `dashed`...)
    validation: Validation = Validation.UNKNOWN


def mask_generic(value: str) -> str:
    """Keep the shape, hide the content: `****1234` for numbers, stars for words."""
    digits = [c for c in value if c.isdigit()]
    if len(digits) >= 4:
        return "*" * max(len(value.strip()) - 4, 1) + "".join(digits[-4:])
    return "*" * len(value.strip())


@dataclass
class PatternDetector:
    entity: str
    patterns: list[Pattern]
    context: tuple[str, ...] = ()
    validate: Callable[[str], Validation] = field(default=no_check)
    mask: Callable[[str], str] = mask_generic
    prefilter: re.Pattern[str] | None = None
    confirmed: float = CONFIRMED  # the score of a confirmed candidate (before context)

    def find(self, text: str, lowered: str | None = None) -> Iterator[Hit]:
        if self.prefilter is not None and not self.prefilter.search(text):
            return
        lowered = lowered if lowered is not None else text.lower()
        windows: list[tuple[int, int]] | None = None
        for pattern in self.patterns:
            if pattern.context_only:
                windows = windows if windows is not None else self._windows(lowered)
                spans = windows
            else:
                spans = [(0, len(text))]
            for start, end in spans:
                for match in pattern.regex.finditer(text, start, end):
                    hit = self._hit(pattern, match, text, lowered)
                    if hit is not None:
                        yield hit

    def _windows(self, lowered: str) -> list[tuple[int, int]]:
        """Stretches of text that follow a context word (merged when they overlap).

        Found with str.find, word by word: a substring search is far faster than a regex
        alternation whose words begin with common letters."""
        starts: list[tuple[int, int]] = []
        for word in self.context:
            at = lowered.find(word)
            while at != -1:
                starts.append((at, at + len(word) + CONTEXT_WINDOW + 32))
                at = lowered.find(word, at + 1)
        windows: list[tuple[int, int]] = []
        for start, end in sorted(starts):
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((start, end))
        return windows

    def _hit(self, pattern: Pattern, match: re.Match[str], text: str, lowered: str) -> Hit | None:
        start = match.start()
        if pattern.back is not None:
            before = pattern.back.search(text, max(0, start - _BACK_REACH), start)
            if before is None:
                return None
            start = before.start()
        value = text[start : match.end()]
        return self._scored(pattern, start, match.end(), value, lowered)

    def _scored(
        self, pattern: Pattern, start: int, end: int, value: str, lowered: str
    ) -> Hit | None:
        """Score a candidate: the pattern's score, then the validator's word, then context."""
        validation = self.validate(value)
        if validation is Validation.REJECT:
            return None
        score = pattern.score
        if validation is Validation.CONFIRM:
            score = max(score, self.confirmed)
        if self.context and has_context(lowered, start, self.context):
            score = min(1.0, score + CONTEXT_BOOST)
        return Hit(
            self.entity, start, end, score, value, self.mask(value), pattern.name, validation
        )


def has_context(lowered: str, start: int, words: tuple[str, ...]) -> bool:
    """Is one of the context words just before the candidate (same line or the one above)?"""
    window = lowered[max(0, start - CONTEXT_WINDOW) : start]
    return any(word in window for word in words)

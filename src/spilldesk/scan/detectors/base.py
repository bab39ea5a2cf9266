"""The detector shape (after Presidio's PatternRecognizer): patterns with a base score,
context words that raise it, and a validator that answers, like Presidio's `validate_result`,
one of three things about a candidate: CONFIRM (a real check passed: the score is raised to
the detector's `confirmed` score), REJECT (the candidate is dropped) or UNKNOWN (the check
cannot tell: the score stays as it is). Every hit says which pattern found it and what the
validator said (`Hit.pattern`, `Hit.validation`), and the pattern's name reaches the finding.

Speed (the gate must read text at >= 10 MB/s): on long ASCII texts Hyperscan first finds
where each pattern can match (`engine.py`), and `re` runs only there. Without it (short
texts, other text, no wheel), Python's regex engine scans fast only for a pattern that
begins with a literal or a character class, so patterns begin with their rarest character
(`-` of `123-45-6789`, `A` of `A#...`) and give the characters before it as `back`, a regex
that must end right where the match starts. Patterns that mean nothing without a context
word (`context_only`) run only in the windows that follow such a word.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import accumulate
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import NamedTuple

from spilldesk.scan.detectors.engine import Scan, register, register_words

CONTEXT_WINDOW = 48
CONTEXT_BOOST = 0.4
# How far before a candidate `back` is first searched (see PatternDetector.candidates).
_NEAR = 32
REPORTABLE = 0.5  # a hit at or above this score is a finding; below it, a hint only
CONFIRMED = 1.0  # Presidio's MAX_SCORE: what a confirmed candidate scores, unless told less


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
    # `back` must end where the match starts in one place at most: it begins with a
    # look-behind that refuses every character it consumes (tests/scan check each).
    back: re.Pattern[str] | None = None
    context_only: bool = False
    # How far before a match `back` is searched: its longest match, plus one for a `$` that
    # matches before a final newline. It can begin no earlier, so the search gives the same
    # match as one from farther back, and does not try every place in between.
    back_reach: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        if self.back is not None:
            longest = sre_parse.parse(self.back.pattern).getwidth()[1]
            object.__setattr__(self, "back_reach", longest + 1)


class Hit(NamedTuple):
    """One match in a text. `value` stays inside the process; reports show `masked`.

    A named tuple (immutable, like the frozen dataclass it was): one is built for every
    candidate, ~30,000 a MB of dense text, and a tuple is built several times faster."""

    entity: str
    start: int
    end: int
    score: float
    value: str
    masked: str
    pattern: str = ""  # the name of the pattern that found it (`prefixed`, `dashed`...)
    validation: Validation = Validation.UNKNOWN


# A hit before masking: Hit's fields, with the function that masks the value in place of
# `masked`. `find_all` masks only the hits that survive the overlaps (a fifth of dense
# text's candidates do not), and building one plain tuple costs less than a Hit.
Candidate = tuple[str, int, int, float, str, Callable[[str], str], str, Validation]


_new_tuple = tuple.__new__


def masked(candidate: Candidate) -> Hit:
    entity, start, end, score, value, mask, pattern, validation = candidate
    # tuple.__new__ straight away: a named tuple's own __new__ is a Python function.
    return _new_tuple(Hit, (entity, start, end, score, value, mask(value), pattern, validation))


def mask_generic(value: str) -> str:
    """Keep the shape, hide the content: `****1234` for numbers, stars for words."""
    last = value[-4:]
    if len(last) == 4 and last.isdigit():  # ends in four digits (a phone number): no filter
        return "*" * max(len(value.strip()) - 4, 1) + last
    digits = "".join(filter(str.isdigit, value))
    if len(digits) >= 4:
        return "*" * max(len(value.strip()) - 4, 1) + digits[-4:]
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

    def __post_init__(self) -> None:
        for pattern in self.patterns:
            register(pattern.regex, windowed=pattern.context_only)
        if self.context:
            register_words(self.context)

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]:
        return map(masked, self.candidates(text, lowered, scan))

    def candidates(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Candidate]:
        """The hits, in the order `find` gives them, each with its mask still to apply."""
        if self.prefilter is not None and not self.prefilter.search(text):
            return
        lowered = lowered if lowered is not None else text.lower()
        if scan is None or scan.text is not text or scan.lowered is not lowered:
            scan = Scan(text, lowered, engine="re")
        context: ContextWords | None = None
        entity, validate, mask, words = self.entity, self.validate, self.mask, self.context
        reject, confirm = Validation.REJECT, Validation.CONFIRM
        for pattern in self.patterns:
            if pattern.context_only:
                context = context or ContextWords(lowered, words, scan)
                matches = scan.finditer_in(pattern.regex, context.windows())
            else:
                matches = scan.finditer(pattern.regex)
            back, reach, name = pattern.back, pattern.back_reach, pattern.name
            # The four scores a candidate can get, worked out once: (unconfirmed, confirmed),
            # each without and with a context word before it.
            plain = pattern.score
            sure = max(plain, self.confirmed)
            plain_near, sure_near = min(1.0, plain + CONTEXT_BOOST), min(1.0, sure + CONTEXT_BOOST)
            for match in matches:
                # Per candidate (~30,000 a MB of dense text): kept to plain steps, inline.
                start, end = match.span()
                if back is not None:
                    # The nearest characters first: `back` ends at `start` in one place at
                    # most, so a match found there is the one the whole reach would give
                    # (an e-mail's local part is short; its reach, 65, is searched place by
                    # place).
                    before = None
                    if reach > _NEAR:
                        before = back.search(text, max(0, start - _NEAR), start)
                    if before is None:
                        before = back.search(text, max(0, start - reach), start)
                    if before is None:
                        continue
                    start = before.start()
                value = text[start:end]
                validation = validate(value)
                if validation is reject:
                    continue
                if words:
                    context = context or ContextWords(lowered, words, scan)
                    ends = context.ends
                    if ends is None:
                        near = context.before(start)
                    else:  # `context.before(start)`, inline: asked for most candidates
                        index = bisect_right(ends, start)
                        near = index > 0 and context.latest[index - 1] >= start - CONTEXT_WINDOW
                else:
                    near = False
                if validation is confirm:
                    scored = sure_near if near else sure
                else:
                    scored = plain_near if near else plain
                yield (entity, start, end, scored, value, mask, name, validation)


class ContextWords:
    """A detector's context words in one text. Read with Hyperscan, the words' places come
    from one pass for every detector (`Scan.words`) and a candidate is asked by bisection;
    otherwise (a short text: a cell, a line) the window before each candidate is searched,
    which costs less for a few candidates than finding every word first."""

    __slots__ = ("_lowered", "_words", "_found", "ends", "latest", "_windows")

    def __init__(self, lowered: str, words: tuple[str, ...], scan: Scan | None = None) -> None:
        self._lowered, self._words = lowered, words
        self._found = scan.words(words) if scan is not None else None
        self._windows: list[tuple[int, int]] | None = None
        # With Hyperscan: the words' ends, sorted, and the latest start among the first i.
        self.ends: list[int] | None = None
        self.latest: list[int] = []
        if self._found is not None:
            self.ends = [end for end, _ in self._found]
            self.latest = list(accumulate((at for _, at in self._found), max))

    def before(self, start: int) -> bool:
        """`has_context`: does a word lie whole in the CONTEXT_WINDOW characters before?"""
        if self.ends is None:
            return has_context(self._lowered, start, self._words)
        index = bisect_right(self.ends, start)
        return index > 0 and self.latest[index - 1] >= start - CONTEXT_WINDOW

    def windows(self) -> list[tuple[int, int]]:
        """Stretches of text that follow a context word (merged when they overlap).

        Found with str.find, word by word: a substring search is far faster than a regex
        alternation whose words begin with common letters."""
        if self._windows is None and self._found is not None:
            self._windows = _merged((at, end + CONTEXT_WINDOW + 32) for end, at in self._found)
        if self._windows is None:
            starts: list[tuple[int, int]] = []
            for word in self._words:
                at = self._lowered.find(word)
                while at != -1:
                    starts.append((at, at + len(word) + CONTEXT_WINDOW + 32))
                    at = self._lowered.find(word, at + 1)
            self._windows = _merged(starts)
        return self._windows


def _merged(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
        else:
            windows.append((start, end))
    return windows


def has_context(lowered: str, start: int, words: tuple[str, ...]) -> bool:
    """Is one of the context words just before the candidate (same line or the one above)?"""
    window = lowered[max(0, start - CONTEXT_WINDOW) : start]
    return any(word in window for word in words)

"""Revealing words: words that would tell a recipient that a person was in a leak
(pattern `disclosure`) or has a protection claim (pattern `protection`).

Not one of the gate's detectors (these words are no one's data, and a public page may say
"asylum"): the egress check runs it on an outgoing communication. Matched on the text folded
to lower-case ASCII (`filtración` → `filtracion`), as whole words; a hit's span is in the
original text, and its `masked` form is the folded word (what the egress report shows).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from unidecode import unidecode

from spilldesk.scan.detectors.base import Hit
from spilldesk.scan.detectors.engine import Scan

# Stems end in \w*.
DISCLOSURE_WORDS = (
    r"disclos\w*|breach\w*|leak\w*|pii|personally identifiable|personal information|"
    r"inadvertent\w*|privacy (?:incident|spill)|divulga\w*|filtra(?:cion|d[oa]s?)|"
    r"fuga de (?:datos|informacion)|violacion de (?:datos|privacidad)|datos personales|"
    r"informacion personal|publicad[oa]s? por error"
)
PROTECTION_WORDS = (
    r"asylum|(?:credible|reasonable) fear|fear|protection claims?|refugee\w*|"
    r"withholding of removal|convention against torture|persecut\w*|asilo|temor|miedo|"
    r"refugi\w*|persecu\w*|proteccion internacional|solicitud de proteccion"
)
# One pass, the patterns as named groups: where both could match, the earlier one wins.
WORDS = re.compile(
    rf"\b(?:(?P<disclosure>{DISCLOSURE_WORDS})|(?P<protection>{PROTECTION_WORDS}))\b"
)
SCORE = 0.8  # a listed word, as a whole word: no context or validator to weigh


def fold(text: str) -> tuple[str, list[int] | None]:
    """The text in lower-case ASCII, and for each folded character the offset of the one it
    came from (None when they are the same: plain ASCII text)."""
    if text.isascii():
        return text.lower(), None
    parts: list[str] = []
    origin: list[int] = []
    for at, char in enumerate(text):
        folded = char if char.isascii() else unidecode(char)
        parts.append(folded)
        origin += [at] * len(folded)
    return "".join(parts).lower(), origin


class RevealingWordsDetector:
    entity = "REVEALING_WORD"

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]:
        folded, origin = fold(text)
        for match in WORDS.finditer(folded):
            start, end = match.start(), match.end()
            if origin is not None:
                start, end = origin[start], origin[end - 1] + 1
            kind = "disclosure" if match.group("disclosure") else "protection"
            yield Hit(self.entity, start, end, SCORE, text[start:end], match.group(0), kind)


DETECTOR = RevealingWordsDetector()

"""Country of citizenship / nationality: a country named right after a label that says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spilldesk.domain.countries import UnknownCountry, country_code
from spilldesk.scan.detectors.base import Candidate, Hit, Validation, masked
from spilldesk.scan.detectors.engine import Scan, register_words

# Searched in the lower-cased text: a case-sensitive pattern with literal heads scans fast.
_LABEL = re.compile(
    r"(?:citizenship|nationality|citizen of|national of|nacionalidad|ciudadan[íi]a|"
    r"ciudadan[oa] de|pa[íi]s de origen|country of birth|nacionalidade)\s*[:\-]?\s*"
)
# Every label holds one of these (tests/scan check each): a text with none has no label,
# and finding that with substring searches costs a tenth of the label pattern's pass.
_STEMS = ("citizen", "national", "nacional", "ciudadan", "s de origen", "country of birth")
register_words(_STEMS)
_WORDS = re.compile(r"[A-Za-zÀ-ÿ]+(?: [A-Za-zÀ-ÿ]+){0,3}")


def as_country(text: str) -> str | None:
    """The ISO code of the longest leading run of words that names a country."""
    words = text.split()
    for size in range(len(words), 0, -1):
        try:
            return country_code(" ".join(words[:size]))
        except (UnknownCountry, ValueError):
            continue
    return None


def _code_of(found: str) -> str:
    """A hit's masked form: the country's code (a country alone identifies no one)."""
    return as_country(found) or ""


class NationalityDetector:
    entity = "NATIONALITY"

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]:
        return map(masked, self.candidates(text, lowered, scan))

    def candidates(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Candidate]:
        lowered = lowered if lowered is not None else text.lower()
        # Read with Hyperscan, the stems' places come from the shared word pass (the six
        # substring searches cost ~2 ms a MB); otherwise searched here.
        places = None
        if scan is not None and scan.text is text and scan.lowered is lowered:
            places = scan.words(_STEMS)
        labelled = any(stem in lowered for stem in _STEMS) if places is None else bool(places)
        if not labelled:
            return
        for label in _LABEL.finditer(lowered):
            words = _WORDS.match(text, label.end())
            if words is None:
                continue
            if as_country(words.group(0)) is not None:
                found = words.group(0)
                yield (self.entity, words.start(), words.end(), 0.6, found, _code_of,
                       "labelled", Validation.UNKNOWN)


DETECTOR = NationalityDetector()

"""Country of citizenship / nationality: a country named right after a label that says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spilldesk.domain.countries import UnknownCountry, country_code
from spilldesk.scan.detectors.base import Hit
from spilldesk.scan.detectors.engine import Scan

# Searched in the lower-cased text: a case-sensitive pattern with literal heads scans fast.
_LABEL = re.compile(
    r"(?:citizenship|nationality|citizen of|national of|nacionalidad|ciudadan[íi]a|"
    r"ciudadan[oa] de|pa[íi]s de origen|country of birth|nacionalidade)\s*[:\-]?\s*"
)
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


class NationalityDetector:
    entity = "NATIONALITY"

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]:
        lowered = lowered if lowered is not None else text.lower()
        for label in _LABEL.finditer(lowered):
            words = _WORDS.match(text, label.end())
            if words is None:
                continue
            code = as_country(words.group(0))
            if code is not None:
                found = words.group(0)
                yield Hit(self.entity, words.start(), words.end(), 0.6, found, code, "labelled")


DETECTOR = NationalityDetector()

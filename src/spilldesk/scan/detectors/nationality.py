"""Country of citizenship / nationality: a country named right after a label that says so."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spilldesk.domain.countries import UnknownCountry, country_code
from spilldesk.scan.detectors.base import Hit

_LABEL = re.compile(
    r"(?i)(?:citizenship|nationality|citizen of|national of|nacionalidad|ciudadan[íi]a|"
    r"ciudadan[oa] de|pa[íi]s de origen|country of birth|nacionalidade)\s*[:\-]?\s*"
    r"([A-Za-zÀ-ÿ]+(?: [A-Za-zÀ-ÿ]+){0,3})"
)


_LABEL_WORDS = (
    "itizen",
    "ITIZEN",
    "ational",
    "ATIONAL",
    "iudadan",
    "IUDADAN",
    "of birth",
    "OF BIRTH",
    "aís de",
    "ais de",
    "AIS DE",
    "AÍS DE",
)


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

    def find(self, text: str) -> Iterator[Hit]:
        # Plain substring checks are far cheaper than a case-insensitive regex pass.
        if not any(word in text for word in _LABEL_WORDS):
            return
        for match in _LABEL.finditer(text):
            code = as_country(match.group(1))
            if code is not None:
                yield Hit(self.entity, match.start(1), match.end(1), 0.6, match.group(1), code)


DETECTOR = NationalityDetector()

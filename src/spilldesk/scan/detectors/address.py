"""Street addresses (number, street name, street type), in English and Spanish."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector

_TYPE_WORDS = [
    *("street", "st", "avenue", "ave", "road", "rd", "drive", "dr", "way", "lane", "ln"),
    *("boulevard", "blvd", "highway", "hwy", "court", "ct", "place", "pl", "parkway", "pkwy"),
    *("circle", "cir", "terrace", "trail", "calle", "avenida", "camino"),
]
# Spelled in lower, Title and UPPER case: (?i) would slow the whole pass.
_TYPES = "|".join(f"{w}|{w.title()}|{w.upper()}" for w in _TYPE_WORDS)

DETECTOR = PatternDetector(
    entity="STREET_ADDRESS",
    patterns=[
        Pattern(
            "numbered_street",
            re.compile(
                r"\d(?<![\w-]\d)\d{0,5}\s+(?:[NSEW]\.?\s+)?(?:[A-ZÀ-Ý0-9][A-Za-zÀ-ÿ0-9'.-]*\s+){1,4}"
                rf"(?:{_TYPES})\.?(?!\w)"
            ),
            0.5,
        ),
        Pattern(
            "calle",
            re.compile(
                r"[CA](?<!\w[CA])(?:alle|ALLE|venida|VENIDA|v\.)\s+[A-Za-zÀ-ÿ' ]{2,40}\s+#?"
                r"\d{1,6}(?!\w)"
            ),
            0.5,
        ),
    ],
    context=("address", "dirección", "direccion", "domicilio", "resides", "lives at"),
)

"""Street addresses (number, street name, street type), in English and Spanish."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector

_TYPES = (
    r"street|st|avenue|ave|road|rd|drive|dr|way|lane|ln|boulevard|blvd|highway|hwy|"
    r"court|ct|place|pl|parkway|pkwy|circle|cir|terrace|trail|calle|avenida|camino"
)

DETECTOR = PatternDetector(
    entity="STREET_ADDRESS",
    patterns=[
        Pattern(
            "numbered_street",
            re.compile(
                rf"(?i)(?<![\w-])\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:[A-Za-zÀ-ÿ0-9'.-]+\s+){{1,4}}(?:{_TYPES})\.?(?!\w)"
            ),
            0.5,
        ),
        Pattern(
            "calle",
            re.compile(
                r"(?i)(?<!\w)(?:calle|avenida|av\.)\s+[A-Za-zÀ-ÿ' ]{2,40}\s+#?\d{1,6}(?!\w)"
            ),
            0.5,
        ),
    ],
    context=("address", "dirección", "direccion", "domicilio", "resides", "lives at"),
    prefilter=re.compile(r"\d{1,6}\s+\w"),
)

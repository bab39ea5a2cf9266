"""E-mail addresses."""

from __future__ import annotations

import re

from spilldesk.scan.detectors.base import Pattern, PatternDetector


def mask_email(text: str) -> str:
    _, _, domain = text.partition("@")
    return "****@" + domain


DETECTOR = PatternDetector(
    entity="EMAIL",
    patterns=[
        Pattern(
            "address",
            re.compile(
                r"@(?<=[\w.+-]@)[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b"
            ),
            0.6,
            back=re.compile(r"(?<![\w.+-])[\w.+-]{1,64}$"),
        )
    ],
    mask=mask_email,
)

"""Words that would tell a recipient a person was in a leak, or has a protection claim (what
the egress check looks for in an outgoing communication)."""

from __future__ import annotations

import re

# Matched on lower-case text with accents folded, as whole words (stems end in \w*).
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
WORDS = re.compile(
    rf"\b(?:(?P<disclosure>{DISCLOSURE_WORDS})|(?P<protection>{PROTECTION_WORDS}))\b"
)

"""Person-name normalisation: the one home for how names are compared.

Every caller that compares, indexes or links names goes through these functions, so a
name written ``Pérez-García, José``, ``PEREZ GARCIA JOSE`` or ``Перес`` lands on the same
upper-case ASCII form everywhere (blind indexes, the publication gate, linkage).
"""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

__all__ = [
    "PARTICLES",
    "name_tokens",
    "normalize_name",
    "split_full_name",
    "surnames",
]

# BGN/PCGN-style romanisation (Russian, Ukrainian, Belarusian letters) applied before the
# generic transliteration, so that ``Щ`` reads ``SHCH`` and ``Ю`` reads ``YU`` as passports do.
_CYRILLIC: dict[str, str] = dict(
    pair.split("=")
    for pair in [
        "А=A",
        "Б=B",
        "В=V",
        "Г=G",
        "Ґ=G",
        "Д=D",
        "Е=E",
        "Є=YE",
        "Ё=YO",
        "Ж=ZH",
        "З=Z",
        "И=I",
        "І=I",
        "Ї=YI",
        "Й=Y",
        "К=K",
        "Л=L",
        "М=M",
        "Н=N",
        "О=O",
        "П=P",
        "Р=R",
        "С=S",
        "Т=T",
        "У=U",
        "Ў=W",
        "Ф=F",
        "Х=KH",
        "Ц=TS",
        "Ч=CH",
        "Ш=SH",
        "Щ=SHCH",
        "Ъ=",
        "Ы=Y",
        "Ь=",
        "Э=E",
        "Ю=YU",
        "Я=YA",
    ]
)
_CYRILLIC_TABLE = str.maketrans({**_CYRILLIC, **{k.lower(): v for k, v in _CYRILLIC.items()}})

# Connectives that belong to the surname that follows them (``DE LA CRUZ``).
PARTICLES: frozenset[str] = frozenset(
    [
        "DE",
        "DEL",
        "LA",
        "LAS",
        "LOS",
        "DA",
        "DAS",
        "DO",
        "DOS",
        "DI",
        "DU",
        "VAN",
        "VON",
        "DER",
        "DEN",
        "LE",
        "ST",
        "SAN",
        "SANTA",
        "AL",
        "EL",
        "BIN",
    ]
)
# Joins two surnames (``GARCIA Y PEREZ``, Portuguese ``SILVA E SOUZA``); belongs to neither.
_CONJUNCTIONS: frozenset[str] = frozenset({"Y", "E", "I"})

_NOT_LETTER_OR_DIGIT = re.compile(r"[^A-Z0-9]+")


def normalize_name(text: str) -> str:
    """Upper-case ASCII, accents folded, Cyrillic romanised, punctuation to spaces.

    Apostrophes inside a name are dropped rather than split (``O'Brien`` → ``OBRIEN``),
    hyphens and every other punctuation become a space, and spaces are collapsed.
    """
    composed = unicodedata.normalize("NFC", text).translate(_CYRILLIC_TABLE)
    ascii_text = unidecode(composed).upper()
    ascii_text = ascii_text.replace("'", "").replace("`", "")
    return _NOT_LETTER_OR_DIGIT.sub(" ", ascii_text).strip()


def _groups(tokens: list[str]) -> list[str]:
    """Group tokens into surnames: particles stay with the word they introduce."""
    groups: list[str] = []
    pending: list[str] = []
    for token in tokens:
        if token in _CONJUNCTIONS and groups and not pending:
            continue
        pending.append(token)
        if token not in PARTICLES:
            groups.append(" ".join(pending))
            pending = []
    if pending:
        # Trailing particles (``CRUZ DE``) are a truncated name: keep them, never drop data.
        if groups:
            groups[-1] = " ".join([groups[-1], *pending])
        else:
            groups.append(" ".join(pending))
    return groups


def surnames(family: str) -> list[str]:
    """The surnames in a family name, particles kept with theirs.

    ``DE LA CRUZ PEREZ`` → ``["DE LA CRUZ", "PEREZ"]``; ``GARCIA Y PEREZ`` → ``["GARCIA",
    "PEREZ"]``. Most people carry one or two; all are returned, in order.
    """
    return _groups(normalize_name(family).split())


def split_full_name(text: str) -> tuple[str, str]:
    """Split a full name into normalised ``(family, given)``.

    With a comma the family name comes first (``APELLIDO1 APELLIDO2, NOMBRES``); without
    one the last surname (with its particles: ``Juan de la Cruz``) is the family name.
    A single word is taken as a family name with no given name.
    """
    if "," in text:
        family_part, _, given_part = text.partition(",")
        return normalize_name(family_part), normalize_name(given_part)
    tokens = normalize_name(text).split()
    if len(tokens) <= 1:
        return (tokens[0] if tokens else ""), ""
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    return " ".join(tokens[start:]), " ".join(tokens[:start])


def name_tokens(text: str) -> tuple[str, ...]:
    """The significant words of a name: normalised, particles and connectives left out.

    Order is kept; use ``frozenset(name_tokens(...))`` to compare names whose parts were
    written in a different order.
    """
    tokens = normalize_name(text).split()
    last = len(tokens) - 1
    return tuple(
        token
        for index, token in enumerate(tokens)
        if token not in PARTICLES
        # ``Y``/``E`` between two words joins surnames; alone or at an end it is an initial.
        and not (token in _CONJUNCTIONS and 0 < index < last)
    )

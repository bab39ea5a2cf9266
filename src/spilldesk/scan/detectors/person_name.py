"""Person names: in a table a name column says so by its header; in free text a name is a run
of capitalised words that a title or label introduces, or whose words are common given names
and surnames (a modest list shipped as package data, drawn from Faker's locale lists)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files

from spilldesk.domain.names import normalize_name
from spilldesk.scan.detectors.base import (
    CONTEXT_BOOST,
    Candidate,
    ContextWords,
    Hit,
    Validation,
    masked,
)
from spilldesk.scan.detectors.engine import Scan, register, register_words

CONTEXT = (
    "name:",
    "name ",
    "nombre",
    "apellido",
    "detainee",
    "respondent",
    "noncitizen",
    "mr.",
    "mrs.",
    "ms.",
    "señor",
    "señora",
    "sr.",
    "sra.",
    "dear ",
    "estimado",
    "estimada",
)
# Words that make a capitalised run an institution or a place rather than a person.
INSTITUTIONAL = frozenset(
    [
        "CENTER",
        "CENTRE",
        "COUNTY",
        "JAIL",
        "FACILITY",
        "DETENTION",
        "CORRECTIONAL",
        "CORRECTIONS",
        "PROCESSING",
        "ICE",
        "INSTITUTE",
        "INSTITUTION",
        "PRISON",
        "PARISH",
        "CITY",
        "STATE",
        "DEPARTMENT",
        "OFFICE",
        "SERVICE",
        "SERVICES",
        "COMPLEX",
        "REGIONAL",
        "HOLD",
        "ROOM",
        "STAGING",
        "HOSPITAL",
        "MEDICAL",
        "JUSTICE",
        "SHERIFF",
        "PUBLIC",
        "SAFETY",
        "UNITED",
        "STATES",
        "AREA",
        "RESPONSIBILITY",
        "FIELD",
        "TOTAL",
        "FY",
        "ADP",
        "ALOS",
        "FEDERAL",
        "RESIDENTIAL",
        "FAMILY",
        "CORRECTION",
        "UNIT",
        "MANAGEMENT",
        "ENFORCEMENT",
        "REMOVAL",
        "OPERATIONS",
        "HOMELAND",
        "SECURITY",
        "IMMIGRATION",
        "CUSTOMS",
        "POLICE",
        "DISTRICT",
        "SCHOOL",
        "UNIVERSITY",
        "HALL",
        "ROAD",
        "STREET",
        "AVENUE",
        "HIGHWAY",
        "DRIVE",
        "BOULEVARD",
        "MONTH",
        "YEAR",
    ]
)
# Begins with its capital (a character class) so the regex engine can scan fast; the
# look-behind after it keeps runs from starting inside a word.
_RUN = re.compile(
    r"[A-ZÀ-Ý](?<![\w'-][A-ZÀ-Ý])[A-Za-zÀ-ÿ'-]+(?:,?\s[A-ZÀ-Ý][A-Za-zÀ-ÿ'-]+){1,3}(?![\w'-])"
)
register(_RUN)
register_words(CONTEXT)
_TITLES = frozenset({"mr", "mrs", "ms", "sr", "sra", "srta", "señor", "señora", "dr"})
_TITLE_ENDS = frozenset(".rsaRSA")
_LEADS = _TITLES | {"dear", "estimado", "estimada", "querido", "querida", "hello", "hola"}
# The characters a lead can begin with: no other character lower-cases to a lead's first
# letter (a test checks all of Unicode), so a run beginning otherwise has no lead to drop.
_LEAD_HEADS = frozenset(w[0] for w in _LEADS) | frozenset(w[0].upper() for w in _LEADS)


@cache
def _names(resource: str) -> frozenset[str]:
    text = files("spilldesk.scan.detectors").joinpath("data", resource).read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def given_names() -> frozenset[str]:
    return _names("given_names.txt")


def family_names() -> frozenset[str]:
    return _names("family_names.txt")


@cache
def _given_and_family() -> tuple[frozenset[str], frozenset[str]]:
    return given_names(), family_names()


@cache
def known_words() -> frozenset[str]:
    """Every word that may make a run a name (commas stay attached: checked again later)."""
    names = given_names() | family_names()
    return frozenset(names | {n + "," for n in names})


def looks_like_person_name(text: str) -> bool:
    """The shape of a person's name: 2–6 words of letters, no digits, not an institution."""
    if not text or len(text) > 80 or any(c.isdigit() for c in text):
        return False
    tokens = normalize_name(text).split()
    if not 1 <= len(tokens) <= 6 or any(t in INSTITUTIONAL for t in tokens):
        return False
    return sum(len(t) > 1 for t in tokens) >= (2 if "," not in text else 1)


def name_likelihood(text: str) -> float:
    """0–1: how much a capitalised run reads as a person (known given name and surname)."""
    plain = text.isascii()
    tokens = set(text.upper().replace(",", " ").split() if plain else normalize_name(text).split())
    if len(tokens) < 2 or not INSTITUTIONAL.isdisjoint(tokens):
        return 0.0
    given_set, family_set = _given_and_family()
    given = not given_set.isdisjoint(tokens)
    family = not family_set.isdisjoint(tokens)
    if given and family:
        return 0.55
    return 0.15 if given or family else 0.0


def _titled(text: str, start: int) -> bool:
    """Is the run introduced by a title (`Mr.`, `Sra.`...)? Checked without a regex pass."""
    if start < 3 or text[start - 2] not in _TITLE_ENDS:
        return False  # every title ends in one of these, then a space
    words = text[max(0, start - 8) : start].replace(".", " ").split()
    return bool(words) and words[-1].lower() in _TITLES


class PersonNameDetector:
    """Two patterns, named on each hit: `titled` (a title or salutation introduces the run)
    and `known_names` (its words are known given names and surnames)."""

    entity = "PERSON_NAME"

    def find(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Hit]:
        return map(masked, self.candidates(text, lowered, scan))

    def candidates(
        self, text: str, lowered: str | None = None, scan: Scan | None = None
    ) -> Iterator[Candidate]:
        lowered = lowered if lowered is not None else text.lower()
        worth_a_look, known = _worth_a_look(), known_words()
        reader = scan if scan is not None and scan.text is text else Scan(text, lowered, "re")
        context: ContextWords | None = None
        for match in reader.finditer(_RUN):
            start, end = match.span()
            value = text[start:end]
            # Per run (~10,000 a MB of dense text): the common case first, in one test. An
            # ASCII run with no known name word, no title among its words and no title
            # before it is no name: dropping leads below would only shorten it.
            titled = start > 2 and text[start - 2] in _TITLE_ENDS and _titled(text, start)
            if not titled and value.isascii() and worth_a_look.isdisjoint(value.upper().split()):
                continue
            # "Dear Mr Quintavex" / "Señora Quintavex": salutations are not the name.
            while (
                value[:1] in _LEAD_HEADS
                and (space := value.find(" ")) > 0
                and value[:space].rstrip(".").lower() in _LEADS
            ):
                titled = titled or value[:space].rstrip(".").lower() in _TITLES
                value = value[space + 1 :].lstrip()
                start = end - len(value)
            if not titled and value.isascii() and known.isdisjoint(value.upper().split()):
                continue  # leads only: no known name word, no title
            score = name_likelihood(value)
            if titled:
                score = max(score, 0.2) + CONTEXT_BOOST
            elif score:
                context = context or ContextWords(lowered, CONTEXT, reader)
                if context.before(start):
                    score += CONTEXT_BOOST
            if score >= 0.15:
                how = "titled" if titled else "known_names"
                yield (self.entity, start, end, min(score, 1.0), value, _initials, how,
                       Validation.UNKNOWN)


@cache
def _worth_a_look() -> frozenset[str]:
    """The words (upper case, as `str.split` leaves them) that make an ASCII run worth the
    full test: the known name words, and the titles (a title among the leads makes it
    titled)."""
    return known_words() | {title.upper() for title in _TITLES}


def _initials(value: str) -> str:
    """`J. S.` for `John Smith`."""
    words = value.replace(",", " ").split()
    return ". ".join([word[0] for word in words]) + "." if words else ""


DETECTOR = PersonNameDetector()

"""Column classification: what a column holds, by its header (English or Spanish) or, with
no header, by what its values look like (piicatcher's idea: the header is the strongest
signal in a spreadsheet)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

from unidecode import unidecode

from spilldesk.domain.anumber import is_a_number
from spilldesk.domain.countries import is_country
from spilldesk.scan.detectors.date_of_birth import plausible_birth_date
from spilldesk.scan.detectors.person_name import looks_like_person_name
from spilldesk.scan.detectors.ssn import valid_ssn

# Canonical field → header phrases (folded: lower case, no accents, punctuation as spaces;
# `#` kept). A header matches when its folded text equals a phrase.
HEADERS: dict[str, tuple[str, ...]] = {
    "a_number": (
        "a#",
        "a #",
        "a number",
        "anumber",
        "a no",
        "a nbr",
        "alien number",
        "alien #",
        "alien registration number",
        "alien no",
        "a file",
        "a file number",
        "anum",
        "numero a",
        "numero de extranjero",
        "no de extranjero",
        "a numero",
        "subject a#",
    ),
    "family_name": (
        "last name",
        "surname",
        "family name",
        "apellido",
        "apellidos",
        "lname",
        "last",
        "primer apellido",
        "segundo apellido",
        "apellido paterno",
        "apellido materno",
        "last nm",
        "sobrenome",
    ),
    "given_name": (
        "first name",
        "given name",
        "given names",
        "nombre",
        "nombres",
        "fname",
        "first",
        "primer nombre",
        "first nm",
        "nome",
        "prenom",
    ),
    "middle_name": ("middle name", "middle", "segundo nombre", "mi", "middle initial"),
    "full_name": (
        "name",
        "full name",
        "nombre completo",
        "detainee name",
        "subject name",
        "person name",
        "noncitizen name",
        "alien name",
        "nombre y apellidos",
        "apellidos y nombres",
        "apellidos nombres",
        "nombre del detenido",
        "last name first name",
        "name last first",
        "nome completo",
    ),
    "date_of_birth": (
        "dob",
        "d o b",
        "date of birth",
        "birth date",
        "birthdate",
        "birth dt",
        "fecha de nacimiento",
        "fecha nacimiento",
        "f nacimiento",
        "fec nac",
        "fecha nac",
        "f nac",
        "born",
        "data de nascimento",
        "nacimiento",
    ),
    "country_of_citizenship": (
        "citizenship",
        "country of citizenship",
        "nationality",
        "nacionalidad",
        "citizenship country",
        "pais de ciudadania",
        "ciudadania",
        "country of nationality",
        "cntry of citizenship",
        "citizenship cntry",
        "pais",
        "nacionalidade",
    ),
    "sex": ("sex", "gender", "sexo", "genero", "m f"),
    "ssn": ("ssn", "social security number", "social security", "ss#", "ss #", "ssn #"),
    "passport": (
        "passport",
        "passport number",
        "passport no",
        "passport #",
        "pasaporte",
        "numero de pasaporte",
        "no de pasaporte",
    ),
    "facility": (
        "facility",
        "detention facility",
        "current facility",
        "facility name",
        "detention location",
        "centro de detencion",
        "instalacion",
        "detloc",
    ),
    "aor": ("aor", "area of responsibility", "field office", "aor name"),
    "book_in_date": (
        "book in date",
        "book in",
        "booking date",
        "book in dt",
        "bookin date",
        "fecha de ingreso",
        "detention book in date",
    ),
    "custody": ("custody", "custody status", "custodia", "detained"),
    "case_status": ("case status", "case category", "status", "estado del caso", "case type"),
    "fear_screening": (
        "fear screening",
        "credible fear",
        "cf result",
        "fear determination",
        "reasonable fear",
        "cfi result",
        "rfi result",
        "fear result",
        "fear screening result",
        "credible fear result",
        "miedo creible",
        "cf rf result",
    ),
    "final_order": (
        "final order",
        "final order date",
        "final order yn",
        "orden final",
        "final order yes no",
    ),
    "phone": ("phone", "phone number", "telephone", "telefono", "tel"),
    "email": ("email", "e mail", "email address", "correo", "correo electronico"),
    "address": ("address", "street address", "mailing address", "direccion", "domicilio"),
}
NAME_FIELDS = frozenset({"family_name", "given_name", "full_name"})
ID_FIELDS = frozenset({"a_number", "ssn", "passport"})
# A header row names at least two fields, at least one of which identifies people.
PERSON_FIELDS = NAME_FIELDS | ID_FIELDS | {"date_of_birth"}
ENTITY_OF_FIELD = {
    "family_name": "PERSON_NAME",
    "given_name": "PERSON_NAME",
    "full_name": "PERSON_NAME",
    "middle_name": "PERSON_NAME",
    "a_number": "A_NUMBER",
    "ssn": "SSN",
    "passport": "PASSPORT",
    "date_of_birth": "DATE_OF_BIRTH",
    "country_of_citizenship": "NATIONALITY",
    "phone": "PHONE",
    "email": "EMAIL",
    "address": "STREET_ADDRESS",
}

_FOLD = re.compile(r"[^a-z0-9#]+")
_PHRASES: dict[str, str] = {p: f for f, phrases in HEADERS.items() for p in phrases}
_MAX_HEADER = 48
_DIGIT = re.compile(r"\d")
_PLAIN = re.compile(r"[a-z#]+(?: [a-z#]+)*")  # already in folded form


def fold_header(text: str) -> str:
    return _FOLD.sub(" ", unidecode(text).lower()).strip()


def header_field(text: str) -> str | None:
    """The canonical field a header names, or None. Called on every cell of every row (a
    header may open a new table anywhere), so the common misses are decided cheaply."""
    if not text or len(text) > _MAX_HEADER or _DIGIT.search(text):
        return None  # no header phrase has a digit; most data cells do
    lower = text.lower()
    found = _PHRASES.get(lower)
    if found is not None or _PLAIN.fullmatch(lower):
        return found
    return _PHRASES.get(fold_header(text))


def slug(text: str) -> str:
    return "_".join(fold_header(text).replace("#", "number").split())[:40] or "column"


_SEX = frozenset({"M", "F", "X", "MALE", "FEMALE", "MASCULINO", "FEMENINO", "H"})


def value_field(values: Sequence[str]) -> str | None:
    """The field a headerless column holds, judged on a sample of its non-empty values."""
    sample = [v for v in values if v][:200]
    if len(sample) < 3:
        return None

    def share(test: Callable[[str], object]) -> float:
        return sum(1 for v in sample if test(v)) / len(sample)

    if share(_strong_a_number) >= 0.6:
        return "a_number"
    if share(lambda v: re.fullmatch(r"\d{3}-\d{2}-\d{4}", v) and valid_ssn(v)) >= 0.6:
        return "ssn"
    if share(plausible_birth_date) >= 0.6 and _mostly_adults(sample):
        return "date_of_birth"
    if share(lambda v: v.upper() in _SEX) >= 0.8:
        return "sex"
    if share(is_country) >= 0.6:
        return "country_of_citizenship"
    if share(looks_like_person_name) >= 0.6:
        return "full_name"
    return None


def _strong_a_number(value: str) -> bool:
    text = value.strip()
    if re.fullmatch(r"[Aa]\s?#?-?\s?[\d-]{8,11}|\d{3}-\d{3}-\d{3}|\d{8,9}", text) is None:
        return False
    return is_a_number(text)


def _mostly_adults(sample: Sequence[str]) -> bool:
    """Birth dates lie mostly well in the past; event dates (book-in, reports) do not."""
    years = [int(m[0]) for v in sample if (m := re.search(r"(?:19|20)\d{2}", v))]
    if not years:
        return False
    cutoff = dt.date.today().year - 14
    return sum(y <= cutoff for y in years) / len(years) >= 0.5

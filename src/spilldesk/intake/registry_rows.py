"""The registry import format (a public contract): columns, and how each row is read.

One header row; column names exactly as below; unknown columns are an error that names them.
Each reader returns the row's clean values or raises RowError naming the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from spilldesk.domain.anumber import InvalidANumber, normalize_a_number
from spilldesk.domain.countries import UnknownCountry, country_code
from spilldesk.domain.languages import UnknownLanguage, normalize_language
from spilldesk.domain.posture import (
    UnknownCode,
    parse_appeal_by,
    parse_custody,
    parse_order_type,
    parse_posture,
)
from spilldesk.errors import ServiceError

PERSON_REQUIRED = ("a_number", "family_name", "given_name", "date_of_birth")
PERSON_OPTIONAL = (
    "sex", "country_of_citizenship", "language", "custody", "book_in_date", "book_out_date",
    "facility_code", "address_line1", "address_line2", "city", "state", "postal_code",
    "address_country", "posture", "appeal_by", "final_order", "order_type", "motion_barred",
    "return_decided", "representative_id",
)
REPRESENTATIVE_REQUIRED = ("representative_id", "name")
REPRESENTATIVE_OPTIONAL = (
    "organization", "address_line1", "address_line2", "city", "state", "postal_code", "email",
    "phone",
)
FACILITY_REQUIRED = ("facility_code", "name")
FACILITY_OPTIONAL = ("address_line1", "city", "state", "postal_code", "aor")

COLUMNS = {
    "persons": (PERSON_REQUIRED, PERSON_OPTIONAL),
    "representatives": (REPRESENTATIVE_REQUIRED, REPRESENTATIVE_OPTIONAL),
    "facilities": (FACILITY_REQUIRED, FACILITY_OPTIONAL),
}


class RowError(ServiceError):
    """A value is wrong; `field` names the column."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "x": "X", "u": "X", "unknown": "X"}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]00:00(?::00)?)?$")


def _iso_date(field: str, text: str) -> str | None:
    if not text:
        return None
    if not _ISO_DATE.match(text):
        raise RowError(field, f"not an ISO date {_shape(text)} (use YYYY-MM-DD)")
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise RowError(field, "not a real date (use YYYY-MM-DD)") from None


def _shape(text: str) -> str:
    """Describe a bad value without echoing it (it may be person data)."""
    shape = "".join("9" if c.isdigit() else "a" if c.isalpha() else c for c in text[:20])
    return f"(shaped {shape!r})"


def _bool(field: str, text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise RowError(field, "not a boolean (use true or false)")


def _optional_bool(field: str, text: str) -> bool | None:
    """A blank cell is unknown, not false (the desk derives what it can and holds the rest)."""
    return _bool(field, text) if text.strip() else None


def _code(field: str, text: str, parse: Any) -> str | None:
    if not text:
        return None
    try:
        return str(parse(text))
    except UnknownCode as exc:
        raise RowError(field, str(exc)) from None


def _required(row: dict[str, str], field: str) -> str:
    value = row.get(field, "").strip()
    if not value:
        raise RowError(field, "is required and empty")
    return value


@dataclass(frozen=True)
class PersonRow:
    a_number: str
    pii: dict[str, str | None]
    attributes: dict[str, Any]  # clear columns of Person
    facility_code: str | None
    representative_id: str | None


def read_person_row(row: dict[str, str]) -> PersonRow:
    try:
        a_number = normalize_a_number(_required(row, "a_number"))
    except InvalidANumber as exc:
        raise RowError("a_number", str(exc)) from None
    dob = _iso_date("date_of_birth", _required(row, "date_of_birth"))
    book_in = _iso_date("book_in_date", row.get("book_in_date", ""))
    book_out = _iso_date("book_out_date", row.get("book_out_date", ""))
    if book_in and book_out and book_out < book_in:
        raise RowError("book_out_date", "is before book_in_date")
    sex = row.get("sex", "").strip()
    if sex and sex.lower() not in _SEX:
        raise RowError("sex", "not a sex code (use M, F or X)")
    posture = _code("posture", row.get("posture", ""), parse_posture)
    appeal_by = _code("appeal_by", row.get("appeal_by", ""), parse_appeal_by)
    if appeal_by and posture != "bia_appeal":
        raise RowError("appeal_by", "is only meaningful for posture bia_appeal")
    attributes: dict[str, Any] = {
        "sex": _SEX[sex.lower()] if sex else None,
        "country_of_citizenship": _country("country_of_citizenship", row),
        "language": _language(row),
        "custody": _code("custody", row.get("custody", ""), parse_custody),
        "book_in_date": book_in,
        "book_out_date": book_out,
        "posture": posture,
        "appeal_by": appeal_by,
        "final_order": _optional_bool("final_order", row.get("final_order", "")),
        "order_type": _code("order_type", row.get("order_type", ""), parse_order_type),
        "motion_barred": _bool("motion_barred", row.get("motion_barred", "")),
        "return_decided": _bool("return_decided", row.get("return_decided", "")),
    }
    address_country = _country("address_country", row)
    pii = {
        "a_number": a_number,
        "family_name": _required(row, "family_name"),
        "given_name": _required(row, "given_name"),
        "date_of_birth": dob,
        "address_line1": row.get("address_line1") or None,
        "address_line2": row.get("address_line2") or None,
        "city": row.get("city") or None,
        "state": row.get("state") or None,
        "postal_code": row.get("postal_code") or None,
        "address_country": address_country,
    }
    attributes["has_address"] = bool(pii["address_line1"] and (pii["city"] or pii["postal_code"]))
    attributes["address_abroad"] = bool(address_country and address_country != "USA")
    return PersonRow(
        a_number=a_number,
        pii=pii,
        attributes=attributes,
        facility_code=row.get("facility_code") or None,
        representative_id=row.get("representative_id") or None,
    )


def _country(field: str, row: dict[str, str]) -> str | None:
    text = row.get(field, "").strip()
    if not text:
        return None
    try:
        return country_code(text)
    except UnknownCountry as exc:
        raise RowError(field, str(exc)) from None


def _language(row: dict[str, str]) -> str | None:
    text = row.get("language", "").strip()
    if not text:
        return None
    try:
        return normalize_language(text)
    except UnknownLanguage as exc:
        raise RowError("language", str(exc)) from None


def read_representative_row(row: dict[str, str]) -> tuple[str, dict[str, str | None]]:
    rep_id = _required(row, "representative_id")
    pii: dict[str, str | None] = {"name": _required(row, "name")}
    for field in REPRESENTATIVE_OPTIONAL:
        pii[field] = row.get(field, "").strip() or None
    email = pii.get("email")
    if email and ("@" not in email or " " in email):
        raise RowError("email", "not an email address")
    return rep_id, pii


def read_facility_row(row: dict[str, str]) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "code": _required(row, "facility_code"),
        "name": _required(row, "name"),
    }
    for field in FACILITY_OPTIONAL:
        values[field] = row.get(field, "").strip() or None
    return values

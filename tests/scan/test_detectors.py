"""Detectors one by one: what they find, what they refuse, how they mask."""

from __future__ import annotations

import random
import re
import sys
from operator import itemgetter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.anumber import mask_a_number
from spilldesk.scan.detectors import (
    REPORTABLE,
    find_all,
    nationality,
    person_name,
    phone,
    resolve_overlaps,
)
from spilldesk.scan.detectors.base import Validation, mask_generic
from spilldesk.scan.detectors.columns import header_field, value_field
from spilldesk.scan.detectors.ssn import valid_ssn


def _reportable(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for hit in find_all(text):
        if hit.score >= REPORTABLE:
            found.setdefault(hit.entity, []).append(hit.value)
    return found


@given(st.integers(1_000_000, 999_999_999), st.sampled_from(["A{}", "A# {}", "A-{}", "A {}"]))
def test_prefixed_a_numbers_are_found_and_masked(number: int, shape: str) -> None:
    digits = f"{number:09d}"
    text = f"The respondent, {shape.format(digits)}, was booked in."
    hits = [h for h in find_all(text) if h.entity == "A_NUMBER"]
    assert len(hits) == 1 and hits[0].score >= REPORTABLE
    assert hits[0].masked == mask_a_number(digits) and digits not in hits[0].masked


def test_bare_digits_need_context() -> None:
    assert "A_NUMBER" not in _reportable("Population 123456789 in total")
    assert "A_NUMBER" in _reportable("Alien registration number 123456789.")


@pytest.mark.parametrize(
    ("ssn", "valid"),
    [
        ("123-45-6780", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("912-34-5678", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
        ("078-05-1120", False),
    ],
)
def test_ssn_validity_rules(ssn: str, valid: bool) -> None:
    assert valid_ssn(ssn) is valid
    assert ("SSN" in _reportable(f"SSN {ssn}")) is valid


def test_dates_are_birth_dates_only_in_context() -> None:
    assert "DATE_OF_BIRTH" not in _reportable("Report as of 11/19/2022.")
    for text in (
        "DOB: 03/14/1988",
        "born March 14, 1988",
        "Fecha de nacimiento 14-mar-1988",
        "date of birth 1988-03-14.",
    ):
        assert "DATE_OF_BIRTH" in _reportable(text), text
    assert "DATE_OF_BIRTH" not in _reportable("DOB: 03/14/2190")


def test_phones_emails_nationality() -> None:
    found = _reportable(
        "Call (212) 555-0188 or +41 44 668 18 00, write ana.p@example.org. "
        "Nationality: Cuban. Card 4218196001337, on 2010-12-15 05:00."
    )
    assert len(found["PHONE"]) == 2
    assert found["EMAIL"] == ["ana.p@example.org"]
    assert found["NATIONALITY"] == ["Cuban"]


def test_names_need_known_words_or_a_title() -> None:
    assert "PERSON_NAME" in _reportable("Juan Garcia called")
    assert "PERSON_NAME" in _reportable("Dear Mr. Zorblat Quintavex,")
    assert "PERSON_NAME" not in _reportable("SOUTH TEXAS ICE PROCESSING CENTER")
    assert "PERSON_NAME" not in _reportable("Quarterly Detention Statistics")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Last Name", "family_name"),
        ("APELLIDOS", "family_name"),
        ("Nombre", "given_name"),
        ("A#", "a_number"),
        ("Número A", "a_number"),
        ("D.O.B.", "date_of_birth"),
        ("Fecha de Nacimiento", "date_of_birth"),
        ("Nacionalidad", "country_of_citizenship"),
        ("Nombre completo", "full_name"),
        ("Facility Name", "facility"),
        ("ADP", None),
        ("FY23 ALOS", None),
    ],
)
def test_headers_in_english_and_spanish(header: str, field: str | None) -> None:
    assert header_field(header) == field


def test_headerless_columns_by_their_values() -> None:
    assert value_field(["A012345678", "A123456789", "A234567890"]) == "a_number"
    assert value_field(["03/14/1988", "11/02/1975", "07/30/1990"]) == "date_of_birth"
    assert value_field(["10/01/2022", "11/01/2022", "12/01/2022"]) is None
    assert value_field(["PEREZ GARCIA, JUAN", "LOPEZ, ANA", "DIAZ RUIZ, LUIS"]) == "full_name"
    assert (
        value_field(["STEWART DETENTION CENTER", "WINN CORRECTIONAL CENTER", "X COUNTY JAIL"])
        != "full_name"
    )


def test_no_character_but_the_listed_heads_begins_a_salutation() -> None:
    """person_name skips the salutation check for a run whose first character is not in
    _LEAD_HEADS: no other character lower-cases to a lead's first letter."""
    initials = {lead[0] for lead in person_name._LEADS}
    heads = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).lower()[:1] in initials}
    assert heads == person_name._LEAD_HEADS


@given(st.text(alphabet="0123456789.- ()+\n\u0660", max_size=24))
def test_not_a_phone_in_two_passes_refutes_what_the_one_alternation_did(text: str) -> None:
    """check_phone reads its refutations as a date search and one anchored match."""
    one = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|^\d{1,3}(?:\.\d{1,3}){3}$|^\d+\.\d+$|^\d{12,}$")
    two = phone._A_DATE.search(text) or phone._NOT_A_PHONE.match(text)
    assert bool(one.search(text)) == bool(two)


def test_every_nationality_label_holds_one_of_the_stems() -> None:
    """The nationality detector skips a text that holds none of _STEMS: each spelling of
    each label holds one (and the label pattern finds each spelling)."""
    labels = [
        "citizenship", "nationality", "citizen of", "national of", "nacionalidad",
        "ciudadanía", "ciudadania", "ciudadano de", "ciudadana de", "país de origen",
        "pais de origen", "country of birth", "nacionalidade",
    ]
    alternatives = nationality._LABEL.pattern.split(")")[0].removeprefix("(?:").split("|")
    assert len(alternatives) == 10  # the list above spells out each of them
    for label in labels:
        assert nationality._LABEL.fullmatch(label)
        assert any(stem in label for stem in nationality._STEMS), label


def test_overlaps_resolve_as_sorted_by_start_then_higher_score() -> None:
    """`resolve_overlaps` sorts by start only; it must keep what the loop keeps on candidates
    sorted by start and then by higher score (ties in detector order)."""
    def by_start_then_score(found: list) -> list:  # type: ignore[type-arg]
        ordered = sorted(sorted(found, key=itemgetter(3), reverse=True), key=itemgetter(1))
        kept: list = []  # type: ignore[type-arg]
        for candidate in ordered:
            if kept and candidate[1] < kept[-1][2]:
                if candidate[3] > kept[-1][3]:
                    kept[-1] = candidate
                continue
            kept.append(candidate)
        return kept

    rng = random.Random(17)
    for _ in range(20_000):
        found = []
        for order in range(rng.randint(0, 9)):
            start = rng.randint(0, 12)
            found.append((f"E{order}", start, start + rng.randint(1, 7),
                          rng.choice([0.1, 0.5, 0.5, 0.55, 0.9, 1.0]), "v", mask_generic, "p",
                          Validation.UNKNOWN))
        assert resolve_overlaps(list(found)) == by_start_then_score(found)

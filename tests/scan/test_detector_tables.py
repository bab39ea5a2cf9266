"""Each detector's table of spans and scores: text -> what it finds (start, end, score, the
pattern's name, the validator's answer), or DROPPED when a candidate is refused.

Scores, by the rules in `detectors/base.py`: the pattern's base score; a validator that
confirms raises it to the detector's confirmed score, one that rejects drops the candidate,
one that cannot tell keeps it; a context word before the candidate adds 0.4 (at most 1.0).
"""

from __future__ import annotations

import re

import pytest

from spilldesk.scan.detectors import (
    Detector,
    a_number,
    address,
    date_of_birth,
    disclosure,
    email,
    find_all,
    nationality,
    passport,
    person_name,
    phone,
    same_length_lower,
    ssn,
)
from spilldesk.scan.detectors.base import Pattern, PatternDetector, Validation
from spilldesk.scan.findings import table_findings, text_findings
from spilldesk.scan.formats import to_sarif
from spilldesk.scan.pieces import Location, Table, TextPiece
from spilldesk.scan.report import FileReport, Verdict

Span = tuple[int, int, float, str, str]
DROPPED: list[Span] = []  # a candidate the pattern matched and the validator refused
NOTHING: list[Span] = []  # no candidate at all (no pattern matched, or no context word)
U, C = Validation.UNKNOWN.value, Validation.CONFIRM.value


def spans(detector: Detector, text: str) -> list[Span]:
    return [
        (h.start, h.end, round(h.score, 2), h.pattern, h.validation.value)
        for h in detector.find(text, same_length_lower(text))
    ]


def table(detector: Detector, rows: list[tuple[str, list[Span]]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        ("detector", "text", "expected"),
        [pytest.param(detector, text, expected, id=text) for text, expected in rows],
    )


def check(detector: Detector, text: str, expected: list[Span]) -> None:
    found = spans(detector, text)
    assert found == [(s, e, pytest.approx(score), p, v) for s, e, score, p, v in expected]


@table(
    a_number.DETECTOR,
    [
        ("A012345678", [(0, 10, 0.75, "prefixed", U)]),
        ("A-number: 012-345-678", [(10, 21, 0.9, "grouped", U)]),
        ("Population 123456789", [(11, 20, 0.15, "bare", U)]),  # a hint, not reportable
        ("Alien number 123456789", [(13, 22, 0.55, "bare", U)]),
        ("A000000000", DROPPED),  # all zeros: not an A-number
        # Two patterns see it; find_all keeps the higher score.
        ("A# 12345678.", [(0, 11, 0.75, "prefixed", U), (3, 11, 0.55, "bare", U)]),
    ],
)
def test_a_number(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    ssn.DETECTOR,
    [
        ("123-45-6780", [(0, 11, 0.5, "dashed", U)]),
        ("SSN 123-45-6780", [(4, 15, 0.9, "dashed", U)]),
        ("SSN 000-12-3456", DROPPED),  # area 000 is never issued
        ("SSN 666-12-3456", DROPPED),
        ("SSN 123 45 6780", [(4, 15, 0.7, "spaced", U)]),
        ("SSN 123456780", [(4, 13, 0.5, "bare", U)]),
        ("123 45 6780", NOTHING),  # spaced and bare forms only after a context word
    ],
)
def test_ssn(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    passport.DETECTOR,
    [
        ("Passport AB1234567", [(9, 18, 0.5, "alnum", U)]),
        ("pasaporte: 1234567X", [(11, 19, 0.5, "alnum", U)]),
        ("Passport 11111111", DROPPED),  # one repeated digit
        ("AB1234567", NOTHING),
    ],
)
def test_passport(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    date_of_birth.DETECTOR,
    [
        ("DOB: 03/14/1988", [(5, 15, 0.6, "numeric", U)]),
        ("born March 14, 1988", [(5, 19, 0.6, "month_day_year", U)]),
        ("date of birth 1988-03-14.", [(14, 24, 0.6, "iso", U)]),
        ("Fecha de nacimiento 14-mar-1988", [(20, 31, 0.6, "day_month_year", U)]),
        ("DOB: 03/14/2190", DROPPED),  # in the future
        ("DOB: 31/02/1988", DROPPED),  # no such day, either way round
        ("Report as of 11/19/2022.", NOTHING),
    ],
)
def test_date_of_birth(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    phone.DETECTOR,
    [
        ("(212) 555-0188", [(0, 14, 0.5, "dialled", U)]),  # the shape decides
        ("+41 44 668 18 00", [(0, 16, 0.5, "dialled", U)]),
        ("2125550188", [(0, 10, 0.5, "dialled", U)]),
        ("4466 8180", [(0, 9, 0.55, "dialled", C)]),  # libphonenumber confirms it
        ("Tel 4466 8180", [(4, 13, 0.95, "dialled", C)]),
        ("1234 5678", DROPPED),  # libphonenumber: valid in none of the regions
        ("212555018", DROPPED),  # unbroken, not a national length
        ("2010-12-15", DROPPED),  # a date
    ],
)
def test_phone(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    email.DETECTOR,
    [
        ("write ana.p@example.org.", [(6, 23, 0.6, "address", U)]),
        ("a@b", NOTHING),
        ("x ana@example", NOTHING),
    ],
)
def test_email(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    address.DETECTOR,
    [
        ("123 Main Street", [(0, 15, 0.5, "numbered_street", U)]),
        ("Address: 123 Main Street", [(9, 24, 0.9, "numbered_street", U)]),
        ("Calle Reforma 45", [(0, 16, 0.5, "calle", U)]),
        ("Room 12 Building", NOTHING),
    ],
)
def test_address(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    person_name.DETECTOR,
    [
        ("Juan Garcia called", [(0, 11, 0.55, "known_names", U)]),
        ("Nombre: Juan Garcia", [(8, 19, 0.95, "known_names", U)]),
        ("Dear Mr. Zorblat Quintavex,", [(9, 26, 0.6, "titled", U)]),
        ("SOUTH TEXAS ICE PROCESSING CENTER", NOTHING),
        ("Quarterly Detention Statistics", NOTHING),
    ],
)
def test_person_name(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    nationality.DETECTOR,
    [
        ("Nationality: Cuban.", [(13, 18, 0.6, "labelled", U)]),
        ("citizen of El Salvador", [(11, 22, 0.6, "labelled", U)]),
        ("Nationality: Narnian", NOTHING),
    ],
)
def test_nationality(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


@table(
    disclosure.DETECTOR,
    [
        (
            "The leak was inadvertently disclosed.",
            [
                (4, 8, 0.8, "disclosure", U),
                (13, 26, 0.8, "disclosure", U),
                (27, 36, 0.8, "disclosure", U),
            ],
        ),
        # Spans are in the original text, accents and all.
        (
            "Solicitud de asilo; filtración de datos",
            [(13, 18, 0.8, "protection", U), (20, 30, 0.8, "disclosure", U)],
        ),
        ("北京: fuga de información", [(4, 23, 0.8, "disclosure", U)]),
        ("fearless", NOTHING),  # whole words only
    ],
)
def test_revealing_words(detector: Detector, text: str, expected: list[Span]) -> None:
    check(detector, text, expected)


def test_revealing_words_show_the_folded_word() -> None:
    (hit,) = disclosure.DETECTOR.find("Nota: FILTRACIÓN")
    assert (hit.value, hit.masked) == ("FILTRACIÓN", "filtracion")


def _detector(answer: Validation) -> PatternDetector:
    return PatternDetector(
        entity="TEST",
        patterns=[Pattern("digits", re.compile(r"\d+"), 0.3)],
        context=("ref",),
        validate=lambda _value: answer,
        confirmed=0.7,
    )


@pytest.mark.parametrize(
    ("answer", "text", "expected"),
    [
        (Validation.CONFIRM, "x 123", [(2, 5, 0.7, "digits", "confirm")]),
        (Validation.CONFIRM, "ref 123", [(4, 7, 1.0, "digits", "confirm")]),  # capped at 1
        (Validation.UNKNOWN, "x 123", [(2, 5, 0.3, "digits", "unknown")]),
        (Validation.UNKNOWN, "ref 123", [(4, 7, 0.7, "digits", "unknown")]),
        (Validation.REJECT, "ref 123", DROPPED),
    ],
)
def test_three_way_validation(answer: Validation, text: str, expected: list[Span]) -> None:
    check(_detector(answer), text, expected)


def test_confirm_never_lowers_a_score() -> None:
    high = PatternDetector(
        "TEST", [Pattern("digits", re.compile(r"\d+"), 0.8)], confirmed=0.55,
        validate=lambda _value: Validation.CONFIRM,
    )
    assert spans(high, "123") == [(0, 3, 0.8, "digits", "confirm")]


def test_a_confirmed_phone_does_not_outrank_a_birth_date_in_context() -> None:
    hits = find_all("DOB: 12.05.1980")
    assert [(h.entity, h.pattern) for h in hits] == [("DATE_OF_BIRTH", "numeric")]


def test_the_patterns_name_reaches_the_finding_and_the_sarif_result() -> None:
    piece = TextPiece(Location("memo.txt", "text"), "Detainee A012345678, SSN 123-45-6780.")
    findings = list(text_findings(piece))
    by_entity = {f.entity: f for f in findings}
    assert by_entity["A_NUMBER"].patterns == ("prefixed",)
    assert by_entity["SSN"].patterns == ("dashed",)
    assert by_entity["A_NUMBER"].to_json()["patterns"] == ["prefixed"]
    sarif = to_sarif([FileReport("memo.txt", Verdict.REVIEW, findings)])
    results = {r["ruleId"]: r for r in sarif["runs"][0]["results"]}  # type: ignore[index]
    assert results["A_NUMBER"]["properties"]["patterns"] == ["prefixed"]
    assert results["SSN"]["properties"]["patterns"] == ["dashed"]


def test_a_table_finding_names_what_found_it() -> None:
    rows = [
        (1, ["Last Name", "First Name", "A#", "DOB"]),
        (2, ["GARCIA", "JUAN", "A012345678", "03/14/1988"]),
        (3, ["LOPEZ", "ANA", "A123456789", "11/02/1975"]),
    ]
    with_header = list(table_findings(Table(Location("list.csv", "table"), rows)))
    without = list(table_findings(Table(Location("list.csv", "table"), rows[1:])))
    assert with_header and {f.patterns for f in with_header} == {("header_row",)}
    assert without and {f.patterns for f in without} == {("column_values",)}

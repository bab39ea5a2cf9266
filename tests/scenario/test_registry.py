"""The registry files are import-ready and tell a coherent story."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

from spilldesk.domain.anumber import normalize_a_number
from spilldesk.domain.countries import country_code
from spilldesk.domain.languages import normalize_language
from spilldesk.domain.posture import (
    parse_appeal_by,
    parse_custody,
    parse_order_type,
    parse_posture,
)
from tests.scenario.conftest import SMALL, Generated

PERSON_COLUMNS = [
    "a_number", "family_name", "given_name", "date_of_birth", "sex", "country_of_citizenship",
    "language", "custody", "book_in_date", "book_out_date", "facility_code", "address_line1",
    "address_line2", "city", "state", "postal_code", "address_country", "posture", "appeal_by",
    "final_order", "order_type", "motion_barred", "return_decided", "representative_id",
]
FINAL = {"credible_fear_negative", "reasonable_fear_negative", "withholding_only",
         "final_order_unexecuted", "final_order_executed"}
FIXED_ORDER = {
    "credible_fear_positive": "expedited_removal", "credible_fear_negative": "expedited_removal",
    "reasonable_fear_negative": "reinstatement", "withholding_only": "reinstatement",
    "removal_proceedings": "section_240", "bia_appeal": "section_240",
}


def _header(path) -> list[str]:  # type: ignore[no-untyped-def]
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def test_headers_are_the_spec_columns(scenario: Generated) -> None:
    assert _header(scenario.files.persons) == PERSON_COLUMNS
    assert _header(scenario.files.representatives) == [
        "representative_id", "name", "organization", "address_line1", "address_line2", "city",
        "state", "postal_code", "email", "phone"]
    assert _header(scenario.files.facilities) == [
        "facility_code", "name", "address_line1", "city", "state", "postal_code", "aor"]


def test_a_numbers_unique_and_normalised(scenario: Generated) -> None:
    rows = list(scenario.persons)
    assert len(rows) == SMALL == scenario.files.summary["persons"]
    assert all(normalize_a_number(a) == a for a in rows)


def test_every_reference_resolves(scenario: Generated) -> None:
    facilities = {f["facility_code"] for f in scenario.facilities}
    representatives = {r["representative_id"] for r in scenario.representatives}
    assert len(facilities) == len(scenario.facilities) > 50
    for person in scenario.persons.values():
        assert person["facility_code"] in facilities
        assert not person["representative_id"] or person["representative_id"] in representatives


def test_facilities_come_from_the_real_workbook(scenario: Generated) -> None:
    names = {f["name"] for f in scenario.facilities}
    assert "STEWART DETENTION CENTER" in names
    codes = {f["name"]: f["facility_code"] for f in scenario.facilities}
    assert codes["SOUTH TEXAS FAMILY RESIDENTIAL CENTER"] == "STFRCTX"  # from its footnote
    assert all(len(code) == 7 for code in codes.values())


def test_values_parse_with_the_domain(scenario: Generated) -> None:
    for p in scenario.persons.values():
        date.fromisoformat(p["date_of_birth"])
        country_code(p["country_of_citizenship"])
        assert normalize_language(p["language"]) == p["language"]
        parse_custody(p["custody"])
        parse_posture(p["posture"])
        parse_order_type(p["order_type"])
        if p["appeal_by"]:
            parse_appeal_by(p["appeal_by"])
        assert {p["final_order"], p["motion_barred"], p["return_decided"]} <= {"true", "false"}
        assert p["sex"] in {"M", "F"}


def test_postures_agree_with_orders_and_custody(scenario: Generated) -> None:
    for p in scenario.persons.values():
        posture = p["posture"]
        assert (p["final_order"] == "true") == (posture in FINAL), posture
        assert posture not in FIXED_ORDER or p["order_type"] == FIXED_ORDER[posture]
        assert bool(p["appeal_by"]) == (posture == "bia_appeal")
        assert (posture == "final_order_executed") == (p["custody"] == "removed")
        if p["motion_barred"] == "true":
            assert p["order_type"] == "section_240"
        if p["return_decided"] == "true":
            assert posture == "final_order_executed"


def test_custody_matches_the_stay(scenario: Generated) -> None:
    for p in scenario.persons.values():
        book_in = date.fromisoformat(p["book_in_date"])
        if p["custody"] == "detained":
            assert p["book_out_date"] == ""
        else:
            assert date.fromisoformat(p["book_out_date"]) >= book_in


def test_population_is_plausible(scenario: Generated) -> None:
    people = list(scenario.persons.values())
    countries = Counter(p["country_of_citizenship"] for p in people)
    assert countries.most_common(1)[0][0] == "MEX"
    assert {"GTM", "HND", "CUB", "BRA", "IND", "RUS", "HTI", "CHN"} <= set(countries)
    languages = Counter(p["language"] for p in people)
    assert {"es", "pt-BR", "ht", "ru", "en"} <= set(languages)
    assert languages.keys() & {"mam", "kjb", "quc"}
    represented = sum(bool(p["representative_id"]) for p in people) / len(people)
    assert 0.55 < represented < 0.65
    spanish = [p for p in people if p["language"] == "es" and p["country_of_citizenship"] == "MEX"]
    two_surnames = sum(" " in p["family_name"] for p in spanish) / len(spanish)
    assert two_surnames > 0.8
    assert any(ch in "áéíóúñÁÉÍÓÚÑ" for p in spanish for ch in p["family_name"])


def test_russian_names_are_transliterated(scenario: Generated) -> None:
    russians = [p for p in scenario.persons.values() if p["country_of_citizenship"] == "RUS"]
    assert russians
    assert all(p["family_name"].isascii() and p["given_name"].isascii() for p in russians)


def test_addresses_follow_custody(scenario: Generated) -> None:
    people = list(scenario.persons.values())
    released = [p for p in people if p["custody"] == "released"]
    removed = [p for p in people if p["custody"] == "removed"]
    assert all(p["address_country"] in ("USA", "") for p in released)
    assert sum(p["address_country"] not in ("USA", "") for p in removed) > len(removed) / 2
    assert any(not p["address_line1"] for p in released + removed)  # some must be flagged
    missing = set(scenario.truth["exposed_without_usable_address"])
    for a_number in missing:
        assert scenario.persons[a_number]["address_line1"] == ""

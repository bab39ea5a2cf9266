"""Matching on fingerprints: what is a hit and what is not, whatever way a record is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from spilldesk.monitor.candidates import read_candidates
from spilldesk.monitor.fingerprints import Fingerprints, person_fingerprints
from spilldesk.scan import Limits
from spilldesk.store.people import PersonPII

KEY = b"k" * 32
MARIA = PersonPII("A123456789", "García López", "María Elena", "1988-03-04")
JOSE = PersonPII("A987654321", "Ortiz", "José", "1980-02-01")


def _prints(*people: PersonPII) -> Fingerprints:
    prints = Fingerprints("T")
    for pid, pii in enumerate(people, start=1):
        for kind, role, value in person_fingerprints(KEY, pii):
            if kind == "a_number":
                prints.a_numbers[value].add(pid)
                prints.own_a_number[pid] = value
            else:
                prints.names[value].add((pid, role))
    return prints


def _match(tmp_path: Path, text: str, *people: PersonPII, name: str = "page.txt") -> dict:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    reading = read_candidates(path, name, KEY, Limits())
    prints = _prints(*(people or (MARIA, JOSE)))
    found: dict[int, set[str]] = {}
    for group in reading.groups:
        for person, what in prints.match(group.ids, group.names).items():
            found.setdefault(person, set()).update(what)
    return found


@pytest.mark.parametrize("text", [
    "Maria Elena Garcia, born 4 March 1988, was moved.",
    "GARCIA LOPEZ, MARIA ELENA | 04.03.1988",  # day first
    "Garcia Maria (DOB 03/04/1988)",  # month first, names in the other order
    "LÓPEZ María — born March 4, 1988",
])
def test_a_name_with_the_date_of_birth_is_a_hit(tmp_path: Path, text: str) -> None:
    assert _match(tmp_path, text) == {1: {"name_dob"}}


@pytest.mark.parametrize("text", [
    "Record A-123-456-789 was posted", "A# 123456789", "file 123-456-789 again",
    "Garcia 123456789", "A12345678 is not hers",
])
def test_a_numbers_written_every_way(tmp_path: Path, text: str) -> None:
    expected = {} if "A12345678 " in text else {1: {"a_number"}}
    assert _match(tmp_path, text) == expected


@pytest.mark.parametrize("text", [
    "Maria Elena Garcia Lopez",  # a name alone
    "Maria Elena Garcia, born 5 March 1988",  # a namesake: another date of birth
    "Totals: 123456789 | 555",  # a bare number among figures, no word beside it
    "Maria Garcia Lopez, born 4 March 1988, A# 555444333",  # someone else's A-number
])
def test_what_is_not_a_hit(tmp_path: Path, text: str) -> None:
    if "Totals" in text:
        text = "123456789\n555"
    assert _match(tmp_path, text) == {}


def test_names_of_records_on_other_lines_are_not_mixed(tmp_path: Path) -> None:
    # José Ortiz was born on 1980-02-01; the lines hold an Ortiz and a José, each with
    # another date, and a third person born that day.
    text = ("VALENTINA ORTIZ CASTRO 1965-01-22\nROSA MENDOZA 1980-02-01\n"
            "JOSE PEREZ 1999-03-30\n")
    assert _match(tmp_path, text) == {}


def test_a_form_with_the_name_above_the_date(tmp_path: Path) -> None:
    assert _match(tmp_path, "Name: José Ortiz\nDOB: 1980-02-01\n") == {2: {"name_dob"}}


def test_hidden_html_and_a_spreadsheet_row(tmp_path: Path) -> None:
    page = ("<html><body><p>Nothing here.</p><div style='display:none'>Maria Elena Garcia "
            "A-123-456-789 1988-03-04</div></body></html>")
    assert _match(tmp_path, page, name="page.html") == {1: {"a_number", "name_dob"}}


def test_a_name_in_an_element_of_its_own_beside_the_date(tmp_path: Path) -> None:
    # The gate reads each HTML text node as a line: the name and the date are two lines.
    page = "<html><body><p><b>José Ortiz</b>, born 1 February 1980, was moved.</p></body></html>"
    assert _match(tmp_path, page, name="page.html") == {2: {"name_dob"}}

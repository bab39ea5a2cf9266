"""Case facts and notes are sealed; every ciphertext opens only in its own table, row and field."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text, update

from spilldesk.casework.custody import decide_custody
from spilldesk.store.models import CustodyDecision, Person
from spilldesk.store.people import find_person, people_with_facts, read_person
from spilldesk.store.sealing import SealedFieldError
from tests.intake.test_registry import load, persons

CLEAR = ("final_order_unexecuted", "Peru", "PER", "KRO", "2022-10-01", "2022-10-01")


def _raw_fields(store, table: str) -> list[str | bytes]:
    """Every stored field of a table, as a backup would hold it: text as text, ciphertext as
    bytes."""
    with store.engine.connect() as connection:
        rows = connection.execute(text(f"SELECT * FROM {table}")).all()
    return [bytes(v) if isinstance(v, (bytes, memoryview)) else str(v)
            for row in rows for v in row]


def _in_clear(field: str | bytes, value: str) -> bool:
    """Is `value` readable in a stored field? In text: anywhere, or as the whole field. In
    ciphertext: only a value of 7 bytes or more is looked for inside it — random bytes hold a
    short one by chance (`M`, `PER` would, about once in tens of thousands of rows) — and a
    short one as the whole field."""
    if isinstance(field, str):
        return value in field if len(value) > 1 else field == value
    encoded = value.encode()
    return encoded in field if len(encoded) >= 7 else field == encoded


def test_case_facts_and_notes_are_not_stored_in_clear(store, tmp_path) -> None:
    load(store, tmp_path)
    with store.session() as session:
        decide_custody(session, persons()[0]["a_number"], decision="release_on_recognizance",
                       rationale="Sole carer of a US-citizen child in Homestead", actor="t")
    for field in _raw_fields(store, "persons"):
        for value in (*CLEAR, "M"):
            assert not _in_clear(field, value), value
    for field in _raw_fields(store, "custody_decisions"):
        assert not _in_clear(field, "Homestead")
    with store.session() as session:
        person = find_person(session, persons()[0]["a_number"])
        assert person is not None
        assert (person.posture, person.country_of_citizenship, person.sex,
                person.facility_code, person.book_in_date, person.book_out_date) == (
            "final_order_unexecuted", "PER", "M", "KRO", date(2022, 10, 1), None)
        assert person.facility is not None and person.facility.code == "KRO"
        decision = session.execute(select(CustodyDecision)).scalar_one()
        assert decision.rationale == "Sole carer of a US-citizen child in Homestead"


def test_filtering_on_sealed_facts_happens_after_opening(store, tmp_path) -> None:
    people = persons(4)
    people[2]["posture"] = "credible_fear_positive"
    load(store, tmp_path, people)
    with store.session() as session:
        ids = list(session.execute(select(Person.id).order_by(Person.id)).scalars())
        fearful = people_with_facts(session, ids, posture="credible_fear_positive")
        assert len(fearful) == 1
        assert find_person(session, people[2]["a_number"]).id == fearful[0]  # type: ignore
        assert people_with_facts(session, ids, facility_code="KRO") == ids


def test_a_changed_fact_is_sealed_again(store, tmp_path) -> None:
    load(store, tmp_path)
    a_number = persons()[1]["a_number"]
    with store.session() as session:
        find_person(session, a_number).posture = "asylum_pending"  # type: ignore[union-attr]
    with store.session() as session:
        assert find_person(session, a_number).posture == "asylum_pending"  # type: ignore


@pytest.mark.parametrize("column", ["pii", "sealed"])
def test_swapping_two_rows_ciphertexts_fails_closed(store, tmp_path, column) -> None:
    load(store, tmp_path)
    table = Person.__table__
    with store.engine.begin() as connection:
        (a, blob_a), (b, blob_b) = connection.execute(
            select(table.c.id, table.c[column]).order_by(table.c.id).limit(2)).all()
        connection.execute(update(table).where(table.c.id == a).values({column: blob_b}))
        connection.execute(update(table).where(table.c.id == b).values({column: blob_a}))
    with store.session() as session:
        person = session.get(Person, a)
        assert person is not None
        with pytest.raises(SealedFieldError, match=rf"persons row {a}, field {column}: .*swapped"):
            if column == "pii":
                read_person(session, person, actor="t", purpose="test")
            else:
                _ = person.posture


def test_a_notes_ciphertext_moved_to_another_table_fails_closed(store, tmp_path) -> None:
    load(store, tmp_path)
    with store.session() as session:
        decide_custody(session, persons()[0]["a_number"], decision="release_on_recognizance",
                       rationale="carer", actor="t")
    with store.engine.begin() as connection:
        decision_id, blob = connection.execute(
            text("SELECT id, sealed FROM custody_decisions")).one()
        connection.execute(update(Person.__table__).where(Person.__table__.c.id == decision_id)
                           .values(sealed=blob))
    with store.session() as session:
        person = session.get(Person, decision_id)
        with pytest.raises(SealedFieldError, match="persons row"):
            _ = person.posture  # type: ignore[union-attr]

"""Linking an incident in the store: outcomes, exposures, review items, idempotence, audit."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import func, select

from spilldesk.intake.incidents import IncidentSpec, open_incident
from spilldesk.intake.registry import import_file
from spilldesk.matching.linkage import DISCLOSURE_STATUS, link_incident
from spilldesk.matching.overlap import overlap
from spilldesk.scenario.noisy_registry import make_registry
from spilldesk.store.db import Store
from spilldesk.store.models import (
    AuditEvent,
    DisclosedDocument,
    Exposure,
    ReviewItem,
)
from spilldesk.store.people import add_disclosed_record, find_people

pytestmark = pytest.mark.db

ET = ZoneInfo("America/New_York")
ACTOR = "test:linkage"
NOV28, DEC7 = "ICE-2022-11-28", "DHS-2022-12-07"


def seed_registry(store: Store, tmp_path: Path, persons: pd.DataFrame) -> dict[str, int]:
    frame = persons.rename(columns={"country": "country_of_citizenship"}).drop(
        columns=["person_id"]
    )
    frame["custody"] = ["detained" if pd.isna(o) else "released" for o in frame.book_out_date]
    path = tmp_path / "persons.csv"
    frame.to_csv(path, index=False)
    with store.session() as session:
        import_file(session, path, kind="persons", actor=ACTOR, tz=ET)
    with store.session() as session:
        found = find_people(session, list(persons.a_number))
        return {a: p.id for a, p in found.items()}


def open_test_incident(store: Store, incident_id: str, reference: date | None) -> None:
    spec = IncidentSpec(
        id=incident_id,
        title=f"test {incident_id}",
        exposed_from=datetime(2022, 11, 28, 9, 45, tzinfo=ET),
        exposed_until=datetime(2022, 11, 28, 14, 4, tzinfo=ET),
        custody_reference_date=reference,
    )
    with store.session() as session:
        open_incident(session, spec, actor=ACTOR)


def disclose(
    store: Store, incident_id: str, rows: list[dict[str, str]], elements: list[str]
) -> None:
    with store.session() as session:
        document = DisclosedDocument(
            incident_id=incident_id,
            file_name=f"{incident_id}.xlsx",
            sha256=incident_id.ljust(64),
            size=1,
            data_elements=elements,
            record_count=len(rows),
            created_by=ACTOR,
        )
        session.add(document)
        session.flush()
        for number, fields in enumerate(rows, start=2):
            add_disclosed_record(
                session, fields,
                document_id=document.id,
                incident_id=incident_id,
                source_part="sheet",
                source_sheet="Detainees",
                source_row=number,
                hidden=False,
                link_status="pending",
            )


def row_of(person: pd.Series, *, with_a_number: bool = True) -> dict[str, str]:
    fields = {
        "family_name": person.family_name,
        "given_name": person.given_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "country_of_citizenship": person.country,
    }
    if with_a_number:
        fields["a_number"] = person.a_number
    return fields


@pytest.fixture
def scenario(store: Store, tmp_path: Path) -> dict[str, object]:
    registry = make_registry(400, seed=21, reference="2022-11-19")
    in_custody = registry[
        (registry.book_in_date <= "2022-11-19")
        & (registry.book_out_date.isna() | (registry.book_out_date >= "2022-11-19"))
    ]
    released = registry[registry.book_out_date < "2022-11-19"]
    twins = registry.iloc[[0]].assign(a_number="A099999999")
    registry = pd.concat([registry, twins], ignore_index=True)
    ids = seed_registry(store, tmp_path, registry)
    leaked = in_custody.iloc[1:41]
    open_test_incident(store, NOV28, date(2022, 11, 19))
    rows = [row_of(p) for _, p in leaked.iterrows()]
    rows.append(row_of(released.iloc[0]))  # out of custody on Nov 19 → review
    rows.append({"family_name": "Qwertyuiop", "given_name": "Zxcvb", "date_of_birth": "1901-01-01"})
    disclose(store, NOV28, rows, ["a_number", "date_of_birth", "family_name", "given_name"])
    listed = pd.concat([leaked.iloc[:5], in_custody.iloc[60:63]])
    open_test_incident(store, DEC7, None)
    dec7_rows = [row_of(p, with_a_number=False) for _, p in listed.iterrows()]
    dec7_rows.append(row_of(registry.iloc[0], with_a_number=False))  # one of two twins
    disclose(store, DEC7, dec7_rows, ["date_of_birth", "full_name", "sex"])
    return {
        "ids": ids,
        "leaked": leaked,
        "released": released.iloc[0],
        "listed": listed,
        "twin_ids": {ids[registry.iloc[0].a_number], ids["A099999999"]},
    }


def test_link_incident_stores_outcomes_exposures_and_review_items(store, scenario) -> None:
    ids = scenario["ids"]
    with store.session() as session:
        report = link_incident(session, NOV28, actor=ACTOR)
    assert (report.matched, report.review, report.unmatched) == (40, 1, 1)
    assert report.reasons == {"not_in_custody_on_reference_date": 1, "no_candidate": 1} or (
        report.reasons == {"not_in_custody_on_reference_date": 1, "below_threshold": 1}
    )
    assert report.exposures_created == 40
    assert all(m.a_number.startswith("A*****") for m in report.matches)
    assert {m.source["sheet"] for m in report.matches} == {"Detainees"}
    with store.session() as session:
        exposed = set(
            session.execute(
                select(Exposure.person_id).where(Exposure.incident_id == NOV28)
            ).scalars()
        )
        assert exposed == {ids[a] for a in scenario["leaked"].a_number}
        item = session.execute(select(ReviewItem)).scalar_one()
        assert item.person_id == ids[scenario["released"].a_number]
        assert (item.status, item.reason) == ("open", "not_in_custody_on_reference_date")
        elements = session.execute(select(Exposure.data_elements)).scalars().first()
        assert DISCLOSURE_STATUS not in elements


def test_relinking_changes_nothing(store, scenario) -> None:
    with store.session() as session:
        first = link_incident(session, NOV28, actor=ACTOR)
    with store.session() as session:
        second = link_incident(session, NOV28, actor=ACTOR)
        assert (second.matched, second.review, second.unmatched) == (
            first.matched,
            first.review,
            first.unmatched,
        )
        assert second.exposures_created == 0 and second.review_items_opened == 0
        assert session.execute(select(func.count(Exposure.id))).scalar_one() == 40
        assert session.execute(select(func.count(ReviewItem.id))).scalar_one() == 1


def test_registry_read_is_one_audited_bulk_event_without_person_data(store, scenario) -> None:
    with store.session() as session:
        before = session.execute(select(func.max(AuditEvent.seq))).scalar_one()
        link_incident(session, NOV28, actor=ACTOR)
    with store.session() as session:
        events = list(session.execute(select(AuditEvent).where(AuditEvent.seq > before)).scalars())
    actions = [e.action for e in events]
    assert actions.count("person.bulk_read") == 1
    assert actions.count("disclosed_record.bulk_read") == 1
    assert actions.count("incident.link") == 1
    created = [e for e in events if e.action == "exposure.create"]
    assert len(created) == 1 and created[0].detail["count"] == 40
    text = " ".join(str(e.detail) for e in events)
    for person in scenario["leaked"].itertuples():
        assert person.a_number not in text and person.date_of_birth not in text


def test_dec7_list_records_disclosure_status_and_overlap(store, scenario) -> None:
    with store.session() as session:
        link_incident(session, NOV28, actor=ACTOR)
    with store.session() as session:
        report = link_incident(session, DEC7, actor=ACTOR, reveals_status_of=NOV28)
    assert report.matched == 8 and report.review == 1
    with store.session() as session:
        elements = (
            session.execute(select(Exposure.data_elements).where(Exposure.incident_id == DEC7))
            .scalars()
            .all()
        )
        assert all(DISCLOSURE_STATUS in e for e in elements)
        twins = (
            session.execute(select(ReviewItem.person_id).where(ReviewItem.incident_id == DEC7))
            .scalars()
            .all()
        )
        assert set(twins) == scenario["twin_ids"]
        result = overlap(session, NOV28, DEC7)
    assert (len(result.both), len(result.only_first), len(result.only_second)) == (5, 35, 3)
    assert result.open_review == {NOV28: 1, DEC7: 1}


def test_unknown_incident_is_refused(store, scenario) -> None:
    from spilldesk.intake.incidents import IncidentError

    with store.session() as session, pytest.raises(IncidentError):
        link_incident(session, "NOPE", actor=ACTOR)

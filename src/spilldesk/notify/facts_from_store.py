"""Notice facts from the store: decrypt names and addresses in bulk (one audited read each).

Only `spilldesk.store.people` opens sealed fields; this module asks it once for all the
people of a batch and once for their representatives, then builds plain `NoticeFacts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from spilldesk.domain.countries import UnknownCountry, country_code, country_name
from spilldesk.domain.final_order import stored_order_status
from spilldesk.notify.labels import canonical_elements
from spilldesk.notify.notice_facts import (
    CaseFacts,
    DisclosureKind,
    ExtensionFacts,
    IncidentFacts,
    NoticeFacts,
    Office,
)
from spilldesk.store.models import (
    Alert,
    Exposure,
    Facility,
    HoldExtension,
    Incident,
    Notice,
    Person,
    RemovalHold,
    Task,
)
from spilldesk.store.people import PersonPII, RepresentativePII, read_people, read_representatives

PURPOSE = "notice packets"


def incident_facts(session: Session, incident: Incident, tz: ZoneInfo) -> IncidentFacts:
    foreign = incident.disclosed_how == DisclosureKind.FOREIGN_GOVERNMENT.value
    earlier = session.get(Incident, incident.reveals_status_of) \
        if incident.reveals_status_of else None
    return IncidentFacts(
        incident_id=incident.id,
        kind=DisclosureKind.FOREIGN_GOVERNMENT if foreign else DisclosureKind.PUBLIC_WEBSITE,
        exposed_from=incident.exposed_from.astimezone(tz),
        exposed_until=incident.exposed_until.astimezone(tz) if incident.exposed_until else None,
        custody_reference_date=incident.custody_reference_date,
        foreign_country=_recipient_country(incident.disclosed_to) if foreign else None,
        hold_days=incident.hold_days,
        extension=extension_facts(session, incident.id),
        originating_component=incident.originating_component,
        earlier_disclosure_on=earlier.exposed_from.astimezone(tz).date() if earlier else None,
    )


def extension_facts(session: Session, incident_id: str) -> ExtensionFacts | None:
    """The incident's extensions as a letter states them: indefinite wins over any date; else
    the latest date to hold through, else the extra days added in all."""
    rows = list(session.execute(select(HoldExtension).where(
        HoldExtension.incident_id == incident_id)).scalars())
    if not rows:
        return None
    if any(row.kind == "indefinite" for row in rows):
        return ExtensionFacts("indefinite")
    dates = [row.until for row in rows if row.until is not None]
    if dates:
        return ExtensionFacts("until", until=max(dates))
    return ExtensionFacts("days", days=sum(row.days or 0 for row in rows))


def _recipient_country(disclosed_to: str | None) -> str | None:
    """'the government of Cuba' → CUB; None when the record does not name a country."""
    text = (disclosed_to or "").strip()
    for prefix in ("the government of ", "government of ", "the "):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
    try:
        return country_code(text) if text else None
    except UnknownCountry:
        return None


def _place(city: str | None, state: str | None, postal_code: str | None) -> str:
    """'Miami, FL 33194' (US style; the parts that are known)."""
    rest = " ".join(p for p in (state, postal_code) if p)
    return ", ".join(p for p in (city, rest) if p)


def _mail_lines(pii: PersonPII | RepresentativePII, abroad_code: str | None) -> tuple[str, ...]:
    place = _place(pii.city, pii.state, pii.postal_code)
    lines = [pii.address_line1, pii.address_line2, place]
    if abroad_code and abroad_code != "USA":
        try:
            lines.append(country_name(abroad_code).upper())
        except UnknownCountry:
            lines.append(abroad_code)
    return tuple(line for line in lines if line)


def _facility_lines(facility: Facility | None) -> tuple[str, ...]:
    if facility is None:
        return ()
    place = _place(facility.city, facility.state, facility.postal_code)
    return tuple(line for line in (facility.name, facility.address_line1, place) if line)


def _planned(
    session: Session, incident_id: str, person_ids: list[int]
) -> tuple[set[int], set[int]]:
    """Who has a custody review planned, and who is under this incident's removal hold."""
    reviews: set[int] = set()
    held: set[int] = set()
    for start in range(0, len(person_ids), 900):
        chunk = person_ids[start : start + 900]
        reviews |= set(session.execute(select(Task.person_id).where(
            Task.action == "custody_redetermination", Task.status == "open",
            Task.person_id.in_(chunk))).scalars())
        held |= set(session.execute(select(RemovalHold.person_id).where(
            RemovalHold.incident_id == incident_id, RemovalHold.released_at.is_(None),
            RemovalHold.person_id.in_(chunk))).scalars())
    return reviews, held


def _alerts(session: Session, incident_id: str, person_ids: list[int]) -> dict[int, str]:
    """Each person's alerts for this incident: 'placed' once every one was delivered (or
    acknowledged), 'pending' while one is not; people with no alert are absent."""
    states: dict[int, str] = {}
    for start in range(0, len(person_ids), 900):
        chunk = person_ids[start : start + 900]
        query = select(Alert.person_id, Alert.status).where(
            Alert.incident_id == incident_id, Alert.person_id.in_(chunk))
        for person_id, status in session.execute(query):
            placed = status in ("delivered", "acknowledged")
            if not placed or states.get(person_id) == "pending":
                states[person_id] = "pending"
            else:
                states[person_id] = "placed"
    return states


def _elements(session: Session, incident_id: str, person_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for start in range(0, len(person_ids), 900):
        chunk = person_ids[start : start + 900]
        query = select(Exposure.person_id, Exposure.data_elements).where(
            Exposure.incident_id == incident_id, Exposure.person_id.in_(chunk))
        found.update({pid: list(elements or []) for pid, elements in session.execute(query)})
    return found


def notice_facts(
    session: Session, incident: Incident, notices: Sequence[Notice], *, actor: str,
    tz: ZoneInfo, issued_on: date, office: Office | None = None,
) -> list[NoticeFacts]:
    """The facts of every notice given (all of one incident), in the notices' order."""
    person_ids = sorted({n.person_id for n in notices})
    people: dict[int, Person] = {}
    for start in range(0, len(person_ids), 900):
        query = select(Person).where(Person.id.in_(person_ids[start : start + 900])).options(
            selectinload(Person.representative))
        people.update({p.id: p for p in session.execute(query).scalars()})
    pii = read_people(session, list(people.values()), actor=actor, purpose=PURPOSE)
    reps = {p.representative.id: p.representative for p in people.values() if p.representative}
    rep_pii = read_representatives(session, list(reps.values()), actor=actor, purpose=PURPOSE)
    reviews, held = _planned(session, incident.id, person_ids)
    elements = _elements(session, incident.id, person_ids)
    alerts = _alerts(session, incident.id, person_ids)
    incident_data = incident_facts(session, incident, tz)
    office = office or Office(phone=incident.contact_phone or "")
    result = []
    for notice in notices:
        person, data = people[notice.person_id], pii[notice.person_id]
        rep = rep_pii.get(person.representative_id) if person.representative_id else None
        result.append(_facts(notice, person, data, rep, incident_data, issued_on,
                             elements.get(person.id, []), person.id in reviews,
                             person.id in held, alerts.get(person.id), office))
    return result


def _facts(notice: Notice, person: Person, data: PersonPII, rep: RepresentativePII | None,
           incident: IncidentFacts, issued_on: date, elements: list[str], review: bool,
           held: bool, alert: str | None, office: Office) -> NoticeFacts:
    if notice.recipient == "representative" and rep is not None:
        address = _mail_lines(rep, None) or ((rep.email,) if rep.email else ())
    elif notice.channel == "hand":
        address = _facility_lines(person.facility)
    else:
        address = _mail_lines(data, data.address_country) if person.has_address else ()
    order = stored_order_status(person.posture, person.final_order, person.order_type,
                                person.custody)
    case = CaseFacts(
        posture=person.posture, appeal_by=person.appeal_by, custody=person.custody,
        final_order=order.held, order_type=person.order_type,
        motion_barred=person.motion_barred, represented=person.representative_id is not None,
        custody_review=review, held=held or order.held, alert=alert,
    )
    return NoticeFacts(
        notice_number=notice.notice_number, language=notice.language,
        recipient=notice.recipient, channel=notice.channel, issued_on=issued_on,
        family_name=data.family_name, given_name=data.given_name, a_number=data.a_number,
        address_lines=address, incident=incident, case=case,
        data_elements=canonical_elements(elements), needs_translation=notice.needs_translation,
        representative_name=rep.name if rep else "",
        representative_organization=(rep.organization or "") if rep else "",
        facility_code=person.facility_code or "",
        facility_name=person.facility.name if person.facility else "",
        office=office,
    )

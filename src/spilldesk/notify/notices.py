"""Notices and their delivery: one notice per incident × affected person × recipient.

`ensure_notices` creates them (idempotent; the planner calls it), with language, translation
flag and channel from `spilldesk.domain.notice_rules`. `record_delivery` records each attempt
(the hold clock in `spilldesk.domain.holds` reads them); `notice_status` sums them up.
Nothing here decrypts a person: channels are decided from the registry's flags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from spilldesk import clock
from spilldesk.domain.anumber import InvalidANumber, mask_a_number, normalize_a_number
from spilldesk.domain.holds import NoticeAttempt, NoticePolicy, provided_at
from spilldesk.domain.notice_numbers import InvalidNoticeNumber, notice_number, parse_notice_number
from spilldesk.domain.notice_rules import (
    REPRESENTATIVE_LANGUAGE,
    Channel,
    DeliveryMethod,
    Recipient,
    delivery_method,
    notice_channel,
    notice_language,
)
from spilldesk.errors import NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import DeliveryAttempt, Exposure, Incident, Notice, Person
from spilldesk.store.people import a_numbers_for, find_person


class NoticeError(ServiceError):
    """A delivery cannot be recorded or a notice found; the message names the field."""


class NoticeNotFound(NoticeError, NotFound):
    """No incident (or notice) of that id."""

    status = NotFound.status


class DeliveryStatus:
    ATTEMPTED = "attempted"  # tried, not served (moved, in court, ...): try again
    DELIVERED = "delivered"
    REFUSED = "refused"  # refused at hand delivery: counts as provided
    MAILED = "mailed"
    RETURNED = "returned"  # undeliverable: a new attempt is due
    VOID = "void"  # a correction only: the corrected record never happened

    ALL = (ATTEMPTED, DELIVERED, REFUSED, MAILED, RETURNED, VOID)


PENDING, GENERATED = "pending", "generated"
# A notice is "open" until it reached the recipient; open notices are re-rendered and re-sent.
OPEN_STATUSES = (PENDING, GENERATED, DeliveryStatus.ATTEMPTED, DeliveryStatus.RETURNED)


def _decide(person: Person, incident: Incident, recipient: Recipient) -> dict[str, Any]:
    """Language, translation flag and channel of one notice, from the registry's flags."""
    if recipient is Recipient.NONCITIZEN:
        language, translate = notice_language(
            person.language, incident.notice_languages, detained=person.custody == "detained"
        )
        channel = notice_channel(recipient, person.custody, has_address=person.has_address,
                                 address_abroad=person.address_abroad, has_email=False)
    else:
        rep = person.representative
        language, translate = REPRESENTATIVE_LANGUAGE, False
        channel = notice_channel(recipient, None, has_address=bool(rep and rep.has_address),
                                 address_abroad=False, has_email=bool(rep and rep.has_email))
    return {"language": language, "needs_translation": translate, "channel": channel.value,
            "follow_up": channel is Channel.FOLLOW_UP}


def _next_sequence(session: Session, incident_id: str) -> int:
    # Numbers are zero-padded, so the greatest string is the greatest sequence.
    mine = Notice.incident_id == incident_id
    last = session.scalar(select(func.max(Notice.notice_number)).where(mine))
    try:
        return parse_notice_number(last)[1] + 1 if last else 1
    except InvalidNoticeNumber:  # numbers written by other tools: take the highest of ours
        numbers = session.execute(select(Notice.notice_number).where(mine)).scalars()
        return max((_sequence(n) for n in numbers), default=0) + 1


def _sequence(number: str) -> int:
    try:
        return parse_notice_number(number)[1]
    except InvalidNoticeNumber:
        return 0


def _preload(session: Session, exposures: Sequence[Exposure]) -> dict[tuple[str, int, str], Notice]:
    """Load the people (with representatives) and their existing notices in a few queries."""
    person_ids = sorted({e.person_id for e in exposures})
    incident_ids = sorted({e.incident_id for e in exposures})
    existing: dict[tuple[str, int, str], Notice] = {}
    for start in range(0, len(person_ids), 900):
        chunk = person_ids[start : start + 900]
        session.execute(select(Person).where(Person.id.in_(chunk))
                        .options(selectinload(Person.representative))).scalars().all()
        query = select(Notice).where(Notice.incident_id.in_(incident_ids),
                                     Notice.person_id.in_(chunk))
        for notice in session.execute(query).scalars():
            existing[(notice.incident_id, notice.person_id, notice.recipient)] = notice
    return existing


def ensure_notices_for(
    session: Session, exposures: Sequence[Exposure], *, actor: str
) -> list[Notice]:
    """Every notice these exposures call for, created or refreshed in bulk.

    A notice not yet on its way (pending, generated, attempted, returned) follows the
    registry: a person released since, or a new address, changes its channel.
    """
    if not exposures:
        return []
    existing = _preload(session, exposures)
    sequence = {i: _next_sequence(session, i) for i in {e.incident_id for e in exposures}}
    result: list[Notice] = []
    created: Counter[str] = Counter()
    for exposure in sorted(exposures, key=lambda e: (e.incident_id, e.person_id)):
        person, incident = exposure.person, exposure.incident
        recipients = [Recipient.NONCITIZEN]
        if person.representative_id is not None:
            recipients.append(Recipient.REPRESENTATIVE)
        for recipient in recipients:
            decision = _decide(person, incident, recipient)
            notice = existing.get((incident.id, person.id, recipient.value))
            if notice is None:
                number = notice_number(incident.id, sequence[incident.id])
                sequence[incident.id] += 1
                notice = Notice(notice_number=number, incident_id=incident.id,
                                person_id=person.id, recipient=recipient.value,
                                representative_id=person.representative_id,
                                status=PENDING, **decision)
                session.add(notice)
                created[incident.id] += 1
            elif notice.status in OPEN_STATUSES:
                for key, value in decision.items():
                    setattr(notice, key, value)
                notice.follow_up = notice.follow_up or notice.status == DeliveryStatus.RETURNED
                if recipient is Recipient.REPRESENTATIVE:
                    notice.representative_id = person.representative_id
            result.append(notice)
    session.flush()
    for incident_id, count in created.items():
        record_event(session, actor=actor, action="notice.create", object_type="incident",
                     object_id=incident_id, detail={"notices": count})
    return result


def ensure_notices(session: Session, exposure: Exposure, *, actor: str) -> list[Notice]:
    """The notices of one exposure: the noncitizen's, and the representative's if any."""
    return ensure_notices_for(session, [exposure], actor=actor)


@dataclass(frozen=True)
class Delivery:
    """One delivery result as an officer or the mail house reports it."""

    status: str
    at: datetime
    method: str | None = None
    served_by: str | None = None
    location: str | None = None
    note: str | None = None
    corrects: int | None = None  # the attempt this record corrects (the clock ignores that one)


@dataclass(frozen=True)
class DeliveryRow:
    """One row of an officers' sheet or a mail-house file, with its row number."""

    row: int
    delivery: Delivery
    notice_number: str = ""
    a_number: str = ""
    recipient: str = ""


def find_notice(session: Session, incident_id: str, a_number: str, recipient: str) -> Notice:
    try:
        wanted = Recipient(recipient)
    except ValueError:
        raise NoticeError(f"recipient: {recipient!r} is not noncitizen or representative") from None
    person = find_person(session, normalize_a_number(a_number))
    if person is None:
        raise NoticeError(f"a-number: {mask_a_number(a_number)} is not in the registry")
    notice = session.execute(select(Notice).where(
        Notice.incident_id == incident_id, Notice.person_id == person.id,
        Notice.recipient == wanted.value,
    )).scalar_one_or_none()
    if notice is None:
        raise NoticeError(f"no {wanted.value} notice of incident {incident_id} for "
                          f"{mask_a_number(a_number)} (run `spilldesk plan {incident_id}`)")
    return notice


def _checked(session: Session, notice: Notice, delivery: Delivery, incident: Incident
             ) -> Delivery:
    if delivery.status not in DeliveryStatus.ALL:
        raise NoticeError(f"status: {delivery.status!r} is not one of "
                          f"{', '.join(DeliveryStatus.ALL)}")
    _check_correction(session, notice, delivery)
    if delivery.status == DeliveryStatus.VOID:
        return Delivery(delivery.status, clock.now(), delivery.method, None, None,
                        delivery.note, delivery.corrects)
    method = delivery.method or _default_method(notice)
    if method not in {m.value for m in DeliveryMethod}:
        raise NoticeError(f"method: {method!r} is not hand, usps or email")
    if method == DeliveryMethod.HAND and delivery.status in ("mailed", "returned"):
        raise NoticeError(f"status: a hand delivery cannot be {delivery.status}")
    if method != DeliveryMethod.HAND and delivery.status == "refused":
        raise NoticeError("status: only a hand delivery can be refused (returned mail is "
                          "'returned')")
    _check_time(notice, delivery.at, incident)
    served_by = (delivery.served_by or "").strip() or None
    location = (delivery.location or "").strip() or None
    if method == DeliveryMethod.HAND and delivery.status in ("delivered", "refused"):
        if served_by is None:
            raise NoticeError("served-by: proof of service needs the name of the serving "
                              "officer")
        if location is None:
            raise NoticeError("location: proof of service says where it was served "
                              "(e.g. the facility)")
    return Delivery(delivery.status, delivery.at, method, served_by, location, delivery.note,
                    delivery.corrects)


def _check_correction(session: Session, notice: Notice, delivery: Delivery) -> None:
    """A correction names an earlier, uncorrected record of the same notice, and says why."""
    if delivery.corrects is None:
        if delivery.status == DeliveryStatus.VOID:
            raise NoticeError("status: 'void' only corrects an earlier record (give --corrects)")
        return
    earlier = session.get(DeliveryAttempt, delivery.corrects)
    if earlier is None or earlier.notice_id != notice.id:
        raise NoticeError(f"corrects: no delivery record {delivery.corrects} of notice "
                          f"{notice.notice_number}")
    already = select(DeliveryAttempt.id).where(DeliveryAttempt.corrects_id == earlier.id)
    if session.execute(already).first() is not None:
        raise NoticeError(f"corrects: record {delivery.corrects} was already corrected; "
                          "correct the correction")
    if not (delivery.note or "").strip():
        raise NoticeError("note: a correction says why the earlier record was wrong")


def corrected(attempts: Sequence[DeliveryAttempt]) -> set[int]:
    """Which of a notice's records a later record corrects (the clock ignores them)."""
    return {a.corrects_id for a in attempts if a.corrects_id is not None}


def _check_time(notice: Notice, at: datetime, incident: Incident) -> None:
    """A delivery happens after its notice was printed and before now: a backdated record
    would start the hold clock in the past (fail closed: refuse it)."""
    if at.tzinfo is None:
        raise NoticeError("at: give a time zone or use the agency's (ISO timestamp)")
    if at < incident.exposed_from:
        raise NoticeError("at: is before the disclosure it gives notice of")
    if notice.generated_at is None:
        raise NoticeError(f"at: notice {notice.notice_number} has not been generated yet "
                          f"(run `spilldesk notify generate {incident.id}` first)")
    if at < notice.generated_at:
        raise NoticeError(f"at: is before notice {notice.notice_number} was generated "
                          f"({notice.generated_at.isoformat(timespec='minutes')})")
    if at > clock.now():
        raise NoticeError("at: is in the future")


def _default_method(notice: Notice) -> str:
    method = delivery_method(Channel(notice.channel))
    if method is None:
        raise NoticeError(f"method: notice {notice.notice_number} has no address yet; "
                          "give the method used")
    return method.value


def apply_delivery(session: Session, notice: Notice, delivery: Delivery, *, actor: str
                   ) -> DeliveryAttempt:
    """Record one attempt on a notice (checked first) and move the notice's status.

    The notice's row is locked first, so two officers recording at once take turns: the
    second sees the first's attempt and the status follows the latest of both (PostgreSQL;
    SQLite's writers already take turns, `Store.session`)."""
    session.execute(select(Notice).where(Notice.id == notice.id).with_for_update()
                    .execution_options(populate_existing=True))
    incident = session.get(Incident, notice.incident_id)
    if incident is None:
        raise NoticeNotFound(f"no incident {notice.incident_id!r}")
    checked = _checked(session, notice, delivery, incident)
    attempt = DeliveryAttempt(
        notice_id=notice.id, status=checked.status, at=checked.at, method=checked.method,
        served_by=checked.served_by, location=checked.location, note=checked.note,
        corrects_id=checked.corrects, created_by=actor,
    )
    session.add(attempt)
    session.flush()
    _follow_latest(session, notice)
    action = "notice.delivery" if checked.corrects is None else "notice.delivery.correct"
    record_event(session, actor=actor, action=action, object_type="notice",
                 object_id=notice.notice_number,
                 detail={"status": checked.status, "method": checked.method,
                         "at": checked.at.isoformat(), "recipient": notice.recipient,
                         "attempt": attempt.id, "corrects": checked.corrects})
    return attempt


def _follow_latest(session: Session, notice: Notice) -> None:
    """The notice's status is its latest record that stands (corrected ones do not)."""
    attempts = session.execute(select(DeliveryAttempt).where(
        DeliveryAttempt.notice_id == notice.id)).scalars().all()
    void = corrected(attempts)
    standing = [a for a in attempts if a.id not in void and a.status != DeliveryStatus.VOID]
    latest = max(standing, key=lambda a: (a.at, a.id), default=None)
    notice.status = latest.status if latest is not None else (
        GENERATED if notice.generated_at is not None else PENDING)
    # Returned or not served: somebody must try again, maybe at another address.
    notice.follow_up = notice.status in (DeliveryStatus.RETURNED, DeliveryStatus.ATTEMPTED)


def record_delivery(
    session: Session, incident_id: str, a_number: str, recipient: str, delivery: Delivery,
    *, actor: str,
) -> DeliveryAttempt:
    """Record a delivery attempt for the notice of this incident, person and recipient."""
    notice = find_notice(session, incident_id, a_number, recipient)
    return apply_delivery(session, notice, delivery, actor=actor)


def notice_status(session: Session, incident_id: str, *, tz: ZoneInfo,
                  now: datetime | None = None, list_persons: bool = False,
                  reveal_a_numbers: bool = False, actor: str = "") -> dict[str, Any]:
    """Counts by language, channel, recipient and state (no person data). `list_persons` adds
    `not_provided`: each noncitizen whose notice has not yet been provided to them, A-number
    masked, or whole with `reveal_a_numbers` (one audited bulk read)."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NoticeNotFound(f"no incident {incident_id!r}")
    moment = now or clock.now()
    notices = list(session.execute(
        select(Notice).where(Notice.incident_id == incident_id)
        .options(selectinload(Notice.attempts))).scalars())
    policy = NoticePolicy(mail_days=incident.mail_days)
    void = corrected([a for notice in notices for a in notice.attempts])
    provided = 0
    waiting: list[Notice] = []
    for notice in notices:
        if notice.recipient != Recipient.NONCITIZEN:
            continue
        attempts = [NoticeAttempt(notice.recipient, a.method or notice.channel, a.status, a.at)
                    for a in notice.attempts if a.id not in void]
        when = provided_at(attempts, policy, tz=tz)
        provided += when is not None and when <= moment
        if when is None or when > moment:
            waiting.append(notice)
    noncitizens = sum(n.recipient == Recipient.NONCITIZEN for n in notices)

    def by(attribute: str) -> dict[str, int]:
        return dict(sorted(Counter(str(getattr(n, attribute)) for n in notices).items()))

    listed: dict[str, Any] = {}
    if list_persons:
        shown = a_numbers_for(session, (n.person_id for n in waiting), reveal=reveal_a_numbers,
                              actor=actor, purpose=f"notify.status {incident_id} (persons)")
        listed["not_provided"] = [
            {"a_number": shown.get(n.person_id), "notice_number": n.notice_number,
             "language": n.language, "channel": n.channel, "status": n.status}
            for n in sorted(waiting, key=lambda n: n.notice_number)]
    return {
        "incident": incident_id, "notices": len(notices), "by_recipient": by("recipient"),
        "by_language": by("language"), "by_channel": by("channel"), "by_status": by("status"),
        "needs_translation": sum(n.needs_translation for n in notices),
        "follow_up": sum(n.follow_up for n in notices),
        "provided_to_noncitizen": provided, "noncitizens": noncitizens,
        "provided_percent": round(100 * provided / noncitizens, 1) if noncitizens else 0.0,
        **listed,
    }


def import_deliveries(
    session: Session, incident_id: str, rows: Sequence[DeliveryRow], *, source: str, actor: str
) -> dict[str, int]:
    """Record many delivery results at once: all or nothing; errors name file, row and field."""
    if session.get(Incident, incident_id) is None:
        raise NoticeNotFound(f"no incident {incident_id!r}")
    by_number = {n.notice_number: n for n in session.execute(
        select(Notice).where(Notice.incident_id == incident_id)).scalars()}
    planned: list[tuple[Notice, Delivery]] = []
    for row in rows:
        try:
            notice = _row_notice(session, incident_id, row, by_number)
            planned.append((notice, row.delivery))
        except NoticeError as exc:
            raise NoticeError(f"{source}: row {row.row}: {exc}") from None
    counts: Counter[str] = Counter()
    with session.begin_nested():  # one failing row undoes the rows before it
        for (notice, delivery), row in zip(planned, rows, strict=True):
            try:
                apply_delivery(session, notice, delivery, actor=actor)
            except NoticeError as exc:
                raise NoticeError(f"{source}: row {row.row}: {exc}") from None
            counts[delivery.status] += 1
    return dict(sorted(counts.items()))


def _row_notice(session: Session, incident_id: str, row: DeliveryRow,
                by_number: dict[str, Notice]) -> Notice:
    if row.notice_number:
        try:
            parse_notice_number(row.notice_number)
        except ValueError as exc:
            raise NoticeError(f"notice_number: {exc}") from None
        notice = by_number.get(row.notice_number.strip())
        if notice is None:
            raise NoticeError(f"notice_number: {row.notice_number} is not a notice of "
                              f"incident {incident_id}")
        return notice
    if not row.a_number:
        raise NoticeError("notice_number: give the notice number (or a_number and recipient)")
    try:
        return find_notice(session, incident_id, row.a_number, row.recipient or "noncitizen")
    except InvalidANumber as exc:
        raise NoticeError(f"a_number: {exc}") from None

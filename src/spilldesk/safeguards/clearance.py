"""Clearance checks: "may person X be removed on date D?", one at a time or a whole manifest.

The rule itself is `spilldesk.domain.holds.clearance_for`; this module only gathers its facts
from the store, in a fixed number of bulk queries per 900 persons (never one per line), and
audits each check as a read of the person. An A-number outside the registry is never cleared.

`clearance` and `clearance_manifest` are the one path of every clearance answer: the CLI, the
pages, the API and the demo all call them. Only where the audit event goes differs, through
the `audit` sink: by default it is written in the caller's transaction (durable when that
commits, before the answer is shown); the web's single check hands it to the audit buffer's
group commit (`web.audit_buffer.AuditBuffer.sink`) and answers once it is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    LargeBinary,
    String,
    bindparam,
    column,
    literal,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import BindParameter, TableClause

from spilldesk.domain.anumber import InvalidANumber, mask_a_number, normalize_a_number
from spilldesk.domain.final_order import stored_order_status
from spilldesk.domain.holds import (
    NONCITIZEN,
    Clearance,
    Extension,
    IncidentFacts,
    NoticeAttempt,
    NoticePolicy,
    PersonClearanceFacts,
    Reason,
    clearance_for,
)
from spilldesk.errors import ServiceError
from spilldesk.store.audit import AuditRow, record_events
from spilldesk.store.db import keyring_of
from spilldesk.store.sealing import SEALED, open_for_row
from spilldesk.store.types import UTCDateTime

if TYPE_CHECKING:
    from spilldesk.store.models import HoldExtension

CHUNK = 900  # below SQLite's bound-parameter limit
# `store.people.a_number_index` of a normalised A-number, without importing `store.people` (and
# the registry's table classes with it); a test holds the two together.
A_NUMBER_INDEX = "a_number"
MANIFEST_COLUMN = "a_number"


# Where a check's audit event goes: called once per check, with the session the facts were
# read in and the event, before the answer is returned. A sink that cannot take the event
# raises, and the check gives no answer (fail closed).
AuditSink = Callable[[Session, AuditRow], None]


def in_transaction(session: Session, event: AuditRow) -> None:
    """The default sink: append the event in the session's own transaction (a writing one);
    it is durable when the transaction commits, and rolls back with it."""
    record_events(session, [event])


class ManifestError(ServiceError):
    """A removal manifest that cannot be read; the message names the file and row."""


@dataclass(frozen=True)
class ClearanceAnswer:
    """The answer for one A-number; `a_number` is normalised and shown only masked."""

    a_number: str
    on: date
    cleared: bool
    blocked_until: date | None
    reasons: tuple[Reason, ...]
    person_id: int | None

    @property
    def masked(self) -> str:
        return mask_a_number(self.a_number)

    def to_json(self) -> dict[str, Any]:
        return {
            "a_number": self.masked,
            "on": self.on.isoformat(),
            "cleared": self.cleared,
            "blocked_until": None if self.blocked_until is None else self.blocked_until.isoformat(),
            "reasons": [reason_json(r) for r in self.reasons],
        }


@dataclass(frozen=True)
class ManifestAnswer:
    on: date
    results: tuple[ClearanceAnswer, ...]

    @property
    def blocked(self) -> int:
        return sum(not r.cleared for r in self.results)

    def to_json(self, rows: Sequence[int] | None = None) -> dict[str, Any]:
        """`rows`: the manifest's row numbers (header = row 1); else lines count from 1."""
        numbers = list(rows) if rows is not None else range(1, len(self.results) + 1)
        results = [{"row": n, **r.to_json()} for n, r in zip(numbers, self.results, strict=True)]
        return {
            "on": self.on.isoformat(),
            "checked": len(self.results),
            "blocked": self.blocked,
            "results": results,
        }


def read_manifest(path: Path) -> list[tuple[int, str]]:
    """(row number, normalised A-number) for each line of a CSV/XLSX removal manifest."""
    from spilldesk.intake.tabular import TableError, read_table  # the gate's readers

    try:
        table = read_table(path)
    except TableError as exc:
        raise ManifestError(str(exc)) from None
    columns = {name.strip().lower(): name for name in table.header}
    if MANIFEST_COLUMN not in columns:
        raise ManifestError(f"{path}: no {MANIFEST_COLUMN!r} column in the header")
    lines = []
    for number, row in table.rows:
        try:
            lines.append((number, normalize_a_number(row.get(columns[MANIFEST_COLUMN], ""))))
        except InvalidANumber as exc:
            raise ManifestError(f"{path}: row {number}, {MANIFEST_COLUMN}: {exc}") from None
    return lines


def reason_json(reason: Reason) -> dict[str, Any]:
    return {
        "code": reason.code.value,
        "incident": reason.incident_id,
        "text": reason.text,
        "until": None if reason.until is None else reason.until.isoformat(),
    }


def clearance(
    session: Session,
    a_number: str,
    on: date,
    *,
    actor: str,
    tz: ZoneInfo,
    audit: AuditSink = in_transaction,
) -> ClearanceAnswer:
    """May this person be removed on `on`? Raises InvalidANumber for a malformed A-number.

    The check is audited as a read of the person through `audit` (see `AuditSink`); the
    caller shows the answer only once that event is durable (its transaction committed, or
    the sink's wait done)."""
    normal = normalize_a_number(a_number)
    answer = _answers(session, [normal], on, tz)[0]
    audit(session, check_audit_row(actor, answer))
    return answer


def check_audit_row(actor: str, answer: ClearanceAnswer) -> AuditRow:
    """The audit event of one check: who asked about whom, for which day, and the verdict's
    codes (never the person's data)."""
    return (actor, "clearance.check", "person", answer.person_id, {
        "on": answer.on.isoformat(),
        "cleared": answer.cleared,
        "reasons": sorted({r.code.value for r in answer.reasons}),
    })


def clearance_manifest(
    session: Session,
    a_numbers: Sequence[str],
    on: date,
    *,
    actor: str,
    tz: ZoneInfo,
    audit: AuditSink = in_transaction,
) -> ManifestAnswer:
    """Check every line of a removal manifest, in order, with one audit event for the read
    (through `audit`, as for `clearance`)."""
    normals = [normalize_a_number(a) for a in a_numbers]
    answers = tuple(_answers(session, normals, on, tz))
    known = sorted({a.person_id for a in answers if a.person_id is not None})
    audit(session, (actor, "clearance.manifest", "person", None, {
        "on": on.isoformat(),
        "checked": len(answers),
        "blocked": sum(not a.cleared for a in answers),
        "unknown": sum(a.person_id is None for a in answers),
        "person_ids": known[:20000],
    }))
    return ManifestAnswer(on, answers)


def facts_for_people(
    session: Session, person_ids: Iterable[int]
) -> dict[int, PersonClearanceFacts]:
    """The clearance facts of many registry persons, read in bulk.

    The removal hold follows the person's current facts: held for an incident that exposed
    them when a hold was placed, or when their registry record now says (or may say) they are
    subject to an unexecuted final order — unless a person released that incident's hold.
    """
    ids = sorted(set(person_ids))
    flags: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    attempts: dict[tuple[int, str], list[NoticeAttempt]] = defaultdict(list)
    ordered: dict[int, bool] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _read_flags(session, chunk, flags)
        _read_attempts(session, chunk, attempts)
        _read_orders(session, chunk, ordered)
    incident_ids = {i for person in flags.values() for group in person.values() for i in group}
    policies, extensions = _incident_rules(session, incident_ids)
    facts: dict[int, PersonClearanceFacts] = {}
    for person_id in ids:
        group = flags.get(person_id, {})
        exposed, review = group.get("exposed", set()), group.get("review", set())
        held = group.get("held", set())
        if ordered.get(person_id, True):
            held = held | (exposed - group.get("released", set()))
        incidents = tuple(
            IncidentFacts(
                incident,
                exposed=incident in exposed,
                in_review=incident in review,
                held=incident in held,
                hold_days=policies[incident][0],
                policy=NoticePolicy(mail_days=policies[incident][1]),
                attempts=tuple(attempts.get((person_id, incident), ())),
                extensions=extensions.get(incident, ()),
            )
            for incident in sorted(exposed | review | held)
        )
        facts[person_id] = PersonClearanceFacts(known=True, incidents=incidents)
    return facts


def clearances_of(
    session: Session, person_ids: Iterable[int], on: date, tz: ZoneInfo
) -> dict[int, Clearance]:
    """Each registry person's clearance on `on`, from facts read in bulk (not audited: the
    caller audits its own read, as `clearance`, `clearance_manifest` and the hold list do)."""
    facts = facts_for_people(session, person_ids)
    return {person_id: clearance_for(fact, on, tz) for person_id, fact in facts.items()}


def _answers(
    session: Session, normals: Sequence[str], on: date, tz: ZoneInfo
) -> list[ClearanceAnswer]:
    people = _person_ids(session, normals)
    verdicts = clearances_of(session, people.values(), on, tz)
    unknown = clearance_for(PersonClearanceFacts(known=False), on, tz)  # never cleared
    answers = []
    for normal in normals:
        person_id = people.get(normal)
        result = unknown if person_id is None else verdicts[person_id]
        answers.append(
            ClearanceAnswer(
                normal, on, result.cleared, result.blocked_until, result.reasons, person_id
            )
        )
    return answers


# The reads below are Core statements built once, with expanding IN parameters: a clearance
# check is on the removal path and must stay within a few milliseconds. They read the models'
# tables through light tables naming only the columns read, not through the mapped classes:
# building those cost a single `spilldesk clearance` process some 60 ms of its start-up
# (docs/benchmarks.md). tests/safeguards/test_clearance.py holds each column to its model's.
_persons = table(
    "persons", column("id", Integer()), column("a_number_index", String()),
    column("sealed", LargeBinary()), column("final_order", Boolean()),
    column("order_type", String()), column("custody", String()),
)
_exposures = table("exposures", column("person_id", Integer()), column("incident_id", String()))
_reviews = table(
    "review_items", column("person_id", Integer()), column("incident_id", String()),
    column("status", String()),
)
_holds = table(
    "removal_holds", column("person_id", Integer()), column("incident_id", String()),
    column("released_at", UTCDateTime()),
)
_notices = table(
    "notices", column("id", Integer()), column("person_id", Integer()),
    column("incident_id", String()), column("recipient", String()), column("channel", String()),
)
_attempts = table(
    "delivery_attempts", column("id", Integer()), column("notice_id", Integer()),
    column("corrects_id", Integer()), column("method", String()), column("status", String()),
    column("at", UTCDateTime()),
)
_incidents = table(
    "incidents", column("id", String()), column("hold_days", Integer()),
    column("mail_days", Integer()),
)
_extensions = table(
    "hold_extensions", column("incident_id", String()), column("kind", String()),
    column("days", Integer()), column("until", Date()), column("created_at", UTCDateTime()),
)
LIGHT_TABLES: tuple[TableClause, ...] = (
    _persons, _exposures, _reviews, _holds, _notices, _attempts, _incidents, _extensions,
)

_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_PERSON_IDS = select(_persons.c.a_number_index, _persons.c.id).where(
    _persons.c.a_number_index.in_(_IDS)
)
_FLAGS = union_all(
    select(literal("exposed"), _exposures.c.person_id, _exposures.c.incident_id).where(
        _exposures.c.person_id.in_(_IDS)
    ),
    select(literal("review"), _reviews.c.person_id, _reviews.c.incident_id).where(
        _reviews.c.person_id.in_(_IDS), _reviews.c.status == "open"
    ),
    select(literal("held"), _holds.c.person_id, _holds.c.incident_id).where(
        _holds.c.person_id.in_(_IDS), _holds.c.released_at.is_(None)
    ),
    select(literal("released"), _holds.c.person_id, _holds.c.incident_id).where(
        _holds.c.person_id.in_(_IDS), _holds.c.released_at.is_not(None)
    ),
)
_ORDERS = select(
    _persons.c.id, _persons.c.sealed, _persons.c.final_order, _persons.c.order_type,
    _persons.c.custody,
).where(_persons.c.id.in_(_IDS))
_corrections = _attempts.alias("corrections")
_ATTEMPTS = (
    select(
        _notices.c.person_id,
        _notices.c.incident_id,
        _notices.c.channel,
        _attempts.c.method,
        _attempts.c.status,
        _attempts.c.at,
    )
    .join(_attempts, _attempts.c.notice_id == _notices.c.id)
    # A record a later one corrects does not count (corrections are new records).
    .outerjoin(_corrections, _corrections.c.corrects_id == _attempts.c.id)
    .where(
        _notices.c.person_id.in_(_IDS),
        _notices.c.recipient == NONCITIZEN,
        _corrections.c.id.is_(None),
    )
)
_POLICIES = select(_incidents.c.id, _incidents.c.hold_days, _incidents.c.mail_days).where(
    _incidents.c.id.in_(_IDS)
)
_EXTENSIONS = select(
    _extensions.c.incident_id,
    _extensions.c.kind,
    _extensions.c.days,
    _extensions.c.until,
    _extensions.c.created_at,
).where(_extensions.c.incident_id.in_(_IDS))


def _person_ids(session: Session, normals: Iterable[str]) -> dict[str, int]:
    """Normalised A-number → person id, through the blind index (nothing decrypted)."""
    keyring = keyring_of(session)
    by_index = {keyring.blind_index(A_NUMBER_INDEX, a): a for a in set(normals)}
    keys = sorted(by_index)
    found: dict[str, int] = {}
    connection = session.connection()
    for start in range(0, len(keys), CHUNK):
        rows = connection.execute(_PERSON_IDS, {"ids": keys[start : start + CHUNK]})
        found.update((by_index[index], person_id) for index, person_id in rows)
    return found


def _read_flags(session: Session, chunk: list[int], flags: dict[int, dict[str, set[str]]]) -> None:
    for kind, person_id, incident_id in session.connection().execute(_FLAGS, {"ids": chunk}):
        if person_id is not None:
            flags[person_id][kind].add(incident_id)


def _read_orders(session: Session, chunk: list[int], ordered: dict[int, bool]) -> None:
    """person id → whether their current facts hold them like an unexecuted final order.

    The posture is sealed: opened here, in memory, for this answer only."""
    keyring = keyring_of(session)
    for person_id, sealed, final_order, order_type, custody in session.connection().execute(
        _ORDERS, {"ids": chunk}
    ):
        posture = open_for_row(keyring, sealed, "persons", person_id, SEALED).get("posture")
        ordered[person_id] = stored_order_status(posture, final_order, order_type, custody).held


def _read_attempts(
    session: Session, chunk: list[int], attempts: dict[tuple[int, str], list[NoticeAttempt]]
) -> None:
    rows = session.connection().execute(_ATTEMPTS, {"ids": chunk})
    for person_id, incident_id, channel, method, status, at in rows:
        attempt = NoticeAttempt(NONCITIZEN, method or channel, status, at)
        attempts[(person_id, incident_id)].append(attempt)


def _incident_rules(
    session: Session, incident_ids: set[str]
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[Extension, ...]]]:
    """Each incident's (hold_days, mail_days), and its hold extensions."""
    if not incident_ids:
        return {}, {}
    names = sorted(incident_ids)
    connection = session.connection()
    rows = connection.execute(_POLICIES, {"ids": names})
    policies = {name: (hold_days, mail_days) for name, hold_days, mail_days in rows}
    found: dict[str, list[Extension]] = defaultdict(list)
    for incident_id, kind, days, until, recorded_at in connection.execute(
        _EXTENSIONS, {"ids": names}
    ):
        found[incident_id].append(_extension(kind, days, until, recorded_at))
    return policies, {k: tuple(v) for k, v in found.items()}


def _extension(kind: str, days: int | None, until: date | None, recorded_at: datetime) -> Extension:
    return Extension(
        recorded_at,
        days=days if kind == "days" else None,
        until=until if kind == "until" else None,
        indefinite=kind == "indefinite",
    )


def extension_of(row: HoldExtension) -> Extension:
    return _extension(row.kind, row.days, row.until, row.created_at)

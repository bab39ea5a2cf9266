"""Clearance checks: "may person X be removed on date D?", one at a time or a whole manifest.

The rule itself is `spilldesk.domain.holds.clearance_for`; this module only gathers its facts
from the store, in one statement per 900 persons (never one per line; a single check is one
round trip), and audits each check as a read of the person. An A-number outside the registry
is never cleared.

`clearance` and `clearance_manifest` are the one path of every clearance answer: the CLI, the
pages, the API and the demo all call them. Only where the audit event goes differs, through
the `audit` sink: by default it is written in the caller's transaction (durable when that
commits, before the answer is shown); the web's single check hands it to the audit buffer's
group commit (`web.audit_buffer.AuditBuffer.sink`) and answers once it is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
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
    cast,
    column,
    literal_column,
    null,
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
from spilldesk.store.read_sets import persons_named
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
    audit(session, (actor, "clearance.manifest", "person", None, {
        "on": on.isoformat(),
        "checked": len(answers),
        "blocked": sum(not a.cleared for a in answers),
        "unknown": sum(a.person_id is None for a in answers),
        # `count`: the distinct registry persons the manifest named
        **persons_named(a.person_id for a in answers if a.person_id is not None),
    }))
    return ManifestAnswer(on, answers)


def facts_for_people(
    session: Session, person_ids: Iterable[int]
) -> dict[int, PersonClearanceFacts]:
    """The clearance facts of many registry persons, read in bulk (see `_facts`)."""
    ids = sorted(set(person_ids))
    got = _gather(session, _BY_ID, ids)
    return {person_id: _facts(got, person_id) for person_id in ids}


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
    """Each A-number's answer, found through the blind index (nothing else decrypted) and
    read with its facts in one statement per CHUNK A-numbers."""
    keyring = keyring_of(session)
    by_index = {keyring.blind_index(A_NUMBER_INDEX, a): a for a in set(normals)}
    got = _gather(session, _BY_INDEX, sorted(by_index))
    people = {by_index[index]: person_id for index, person_id in got.people.items()}
    verdicts = {person_id: clearance_for(_facts(got, person_id), on, tz)
                for person_id in set(people.values())}
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


# The reads below are one Core statement, built once, with an expanding IN parameter: a
# clearance check is on the removal path and must stay within a few milliseconds, and each
# statement is a round trip to the database and its parse, plan and result handling on both
# sides. So every fact of up to CHUNK persons comes back from one UNION ALL over a CTE of the
# persons asked about: their rows, their incidents' flags, their notices' delivery attempts,
# and those incidents' policies and extensions, each row tagged with its kind and carrying its
# values in shared, typed columns. It reads the models' tables through light tables naming
# only the columns read, not through the mapped classes: building those cost a single
# `spilldesk clearance` process some 60 ms of its start-up (docs/benchmarks.md).
# tests/safeguards/test_clearance.py holds each column to its model's.
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

# The shared columns of the combined statement's rows, in order, with their types (the first
# branch carries them all, so the rows come back typed as the tables' columns are).
_SHAPE: tuple[tuple[str, Any], ...] = (
    ("kind", String()), ("person_id", Integer()), ("incident_id", String()),
    ("text1", String()), ("text2", String()), ("text3", String()),
    ("number1", Integer()), ("number2", Integer()), ("day", Date()), ("moment", UTCDateTime()),
    ("blob", LargeBinary()), ("flag", Boolean()),
)


def _row(kind: str, first: bool = False, **values: Any) -> list[Any]:
    """One branch's select list in `_SHAPE`'s order: `values` by name, NULL elsewhere."""
    out: list[Any] = [literal_column(f"'{kind}'", String()).label("kind")]
    for name, type_ in _SHAPE[1:]:
        value = values.pop(name, None)
        if value is None:
            value = cast(null(), type_) if first else null()
        out.append(value.label(name))
    if values:
        raise TypeError(f"not columns of the combined statement: {sorted(values)}")
    return out


def _combined(asked: Any) -> Any:
    """Every clearance fact of the persons `asked` selects (by `a_number_index` or by `id`)."""
    who = select(
        _persons.c.id, _persons.c.a_number_index, _persons.c.sealed, _persons.c.final_order,
        _persons.c.order_type, _persons.c.custody,
    ).where(asked).cte("asked")
    ids = select(who.c.id)
    flags = union_all(
        select(literal_column("'exposed'", String()).label("kind"), _exposures.c.person_id,
               _exposures.c.incident_id).where(_exposures.c.person_id.in_(ids)),
        select(literal_column("'review'", String()), _reviews.c.person_id,
               _reviews.c.incident_id).where(_reviews.c.person_id.in_(ids),
                                             _reviews.c.status == "open"),
        select(literal_column("'held'", String()), _holds.c.person_id,
               _holds.c.incident_id).where(_holds.c.person_id.in_(ids),
                                           _holds.c.released_at.is_(None)),
        select(literal_column("'released'", String()), _holds.c.person_id,
               _holds.c.incident_id).where(_holds.c.person_id.in_(ids),
                                           _holds.c.released_at.is_not(None)),
    ).cte("flags")
    incidents = select(flags.c.incident_id)
    corrections = _attempts.alias("corrections")
    return union_all(
        select(*_row("person", first=True, person_id=who.c.id, text1=who.c.a_number_index,
                     text2=who.c.order_type, text3=who.c.custody, blob=who.c.sealed,
                     flag=who.c.final_order)),
        select(flags.c.kind, flags.c.person_id, flags.c.incident_id,
               *_row("flag")[3:]),
        select(*_row("attempt", person_id=_notices.c.person_id,
                     incident_id=_notices.c.incident_id, text1=_notices.c.channel,
                     text2=_attempts.c.method, text3=_attempts.c.status,
                     moment=_attempts.c.at))
        .select_from(_notices.join(_attempts, _attempts.c.notice_id == _notices.c.id)
                     # A record a later one corrects does not count (corrections are new
                     # records).
                     .outerjoin(corrections, corrections.c.corrects_id == _attempts.c.id))
        .where(_notices.c.person_id.in_(ids), _notices.c.recipient == NONCITIZEN,
               corrections.c.id.is_(None)),
        select(*_row("policy", incident_id=_incidents.c.id, number1=_incidents.c.hold_days,
                     number2=_incidents.c.mail_days)).where(_incidents.c.id.in_(incidents)),
        select(*_row("extension", incident_id=_extensions.c.incident_id,
                     text1=_extensions.c.kind, number1=_extensions.c.days,
                     day=_extensions.c.until, moment=_extensions.c.created_at))
        .where(_extensions.c.incident_id.in_(incidents)),
    )


# Each statement in two forms: for many keys (an expanding IN, rendered anew for each count)
# and for one, the single check's (`= :key`, the same SQL text every time, so it is compiled
# once and PostgreSQL prepares it).
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_KEY: BindParameter[Any] = bindparam("key")
_BY_INDEX = (_combined(_persons.c.a_number_index.in_(_IDS)),
             _combined(_persons.c.a_number_index == _KEY))
_BY_ID = (_combined(_persons.c.id.in_(_IDS)), _combined(_persons.c.id == _KEY))


@dataclass
class _Gathered:
    """What the combined statement returned, sorted out (see `_gather`)."""

    people: dict[str, int] = field(default_factory=dict)  # blind index -> person id
    ordered: dict[int, bool] = field(default_factory=dict)
    flags: dict[int, dict[str, set[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(set)))
    attempts: dict[tuple[int, str], list[NoticeAttempt]] = field(
        default_factory=lambda: defaultdict(list))
    policies: dict[str, tuple[int, int]] = field(default_factory=dict)
    extensions: dict[str, tuple[Extension, ...]] = field(default_factory=dict)


def _gather(session: Session, statements: tuple[Any, Any], keys: Sequence[Any]) -> _Gathered:
    """Run the combined statement over `keys`, CHUNK at a time, and sort its rows out.

    A person's posture is sealed: opened here, in memory, for this answer only."""
    keyring = keyring_of(session)
    connection = session.connection()
    many, one = statements
    got = _Gathered()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        rows = (connection.execute(one, {"key": chunk[0]}) if len(chunk) == 1
                else connection.execute(many, {"ids": chunk}))
        extensions: dict[str, list[Extension]] = defaultdict(list)
        for (kind, person_id, incident_id, text1, text2, text3, number1, number2, day, moment,
             blob, flag) in rows:
            if kind == "attempt":
                got.attempts[(person_id, incident_id)].append(
                    NoticeAttempt(NONCITIZEN, text2 or text1, text3, moment))
            elif kind == "person":
                got.people[text1] = person_id
                posture = open_for_row(keyring, blob, "persons", person_id, SEALED).get("posture")
                got.ordered[person_id] = stored_order_status(posture, flag, text2, text3).held
            elif kind == "policy":
                got.policies[incident_id] = (number1, number2)
            elif kind == "extension":
                extensions[incident_id].append(_extension(text1, number1, day, moment))
            elif person_id is not None:  # a flag: exposed, review, held or released
                got.flags[person_id][kind].add(incident_id)
        # An incident shared by persons of several chunks comes back with each: its
        # extensions are counted once.
        for incident_id, found in extensions.items():
            got.extensions.setdefault(incident_id, tuple(found))
    return got


def _facts(got: _Gathered, person_id: int) -> PersonClearanceFacts:
    """One registry person's clearance facts from what `_gather` read.

    The removal hold follows the person's current facts: held for an incident that exposed
    them when a hold was placed, or when their registry record now says (or may say) they are
    subject to an unexecuted final order — unless a person released that incident's hold.
    """
    group = got.flags.get(person_id, {})
    exposed, review = group.get("exposed", set()), group.get("review", set())
    held = group.get("held", set())
    if got.ordered.get(person_id, True):
        held = held | (exposed - group.get("released", set()))
    policies = got.policies
    incidents = tuple(
        IncidentFacts(
            incident,
            exposed=incident in exposed,
            in_review=incident in review,
            held=incident in held,
            hold_days=policies[incident][0],
            policy=NoticePolicy(mail_days=policies[incident][1]),
            attempts=tuple(got.attempts.get((person_id, incident), ())),
            extensions=got.extensions.get(incident, ()),
        )
        for incident in sorted(exposed | review | held)
    )
    return PersonClearanceFacts(known=True, incidents=incidents)


def _extension(kind: str, days: int | None, until: date | None, recorded_at: datetime) -> Extension:
    return Extension(
        recorded_at,
        days=days if kind == "days" else None,
        until=until if kind == "until" else None,
        indefinite=kind == "indefinite",
    )


def extension_of(row: HoldExtension) -> Extension:
    return _extension(row.kind, row.days, row.until, row.created_at)

"""Clearance checks: "may person X be removed on date D?", one at a time or a whole manifest.

The rule itself is `spilldesk.domain.holds.clearance_for`; this module only gathers its facts
from the store, in a fixed number of bulk queries per 900 persons (never one per line), and
audits each check as a read of the person. An A-number outside the registry is never cleared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.anumber import InvalidANumber, mask_a_number, normalize_a_number
from spilldesk.domain.holds import (
    AGENCY_TIME_ZONE,
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
from spilldesk.response.tabular import TableError, read_table
from spilldesk.store.audit import record_event
from spilldesk.store.models import (
    DeliveryAttempt,
    Exposure,
    HoldExtension,
    Incident,
    Notice,
    RemovalHold,
    ReviewItem,
)
from spilldesk.store.people import find_people

CHUNK = 900  # below SQLite's bound-parameter limit
MANIFEST_COLUMN = "a_number"


class ManifestError(ValueError):
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
    session: Session, a_number: str, on: date, *, actor: str, tz: ZoneInfo = AGENCY_TIME_ZONE
) -> ClearanceAnswer:
    """May this person be removed on `on`? Raises InvalidANumber for a malformed A-number."""
    normal = normalize_a_number(a_number)
    answer = _answers(session, [normal], on, tz)[0]
    record_event(
        session,
        actor=actor,
        action="clearance.check",
        object_type="person",
        object_id=answer.person_id,
        detail={
            "on": on.isoformat(),
            "cleared": answer.cleared,
            "reasons": sorted({r.code.value for r in answer.reasons}),
        },
    )
    return answer


def clearance_manifest(
    session: Session,
    a_numbers: Sequence[str],
    on: date,
    *,
    actor: str,
    tz: ZoneInfo = AGENCY_TIME_ZONE,
) -> ManifestAnswer:
    """Check every line of a removal manifest, in order, with one audit event for the read."""
    normals = [normalize_a_number(a) for a in a_numbers]
    answers = tuple(_answers(session, normals, on, tz))
    known = sorted({a.person_id for a in answers if a.person_id is not None})
    record_event(
        session,
        actor=actor,
        action="clearance.manifest",
        object_type="person",
        object_id=None,
        detail={
            "on": on.isoformat(),
            "checked": len(answers),
            "blocked": sum(not a.cleared for a in answers),
            "unknown": sum(a.person_id is None for a in answers),
            "person_ids": known[:20000],
        },
    )
    return ManifestAnswer(on, answers)


def facts_for_people(
    session: Session, person_ids: Iterable[int]
) -> dict[int, PersonClearanceFacts]:
    """The clearance facts of many registry persons, read in bulk."""
    ids = sorted(set(person_ids))
    flags: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    attempts: dict[tuple[int, str], list[NoticeAttempt]] = defaultdict(list)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _read_flags(session, chunk, flags)
        _read_attempts(session, chunk, attempts)
    incident_ids = {i for person in flags.values() for group in person.values() for i in group}
    policies, extensions = _incident_rules(session, incident_ids)
    facts: dict[int, PersonClearanceFacts] = {}
    for person_id in ids:
        group = flags.get(person_id, {})
        mine = set().union(*group.values()) if group else set()
        incidents = tuple(
            IncidentFacts(
                incident,
                exposed=incident in group.get("exposed", set()),
                in_review=incident in group.get("review", set()),
                held=incident in group.get("held", set()),
                hold_days=policies[incident][0],
                policy=NoticePolicy(mail_days=policies[incident][1]),
                attempts=tuple(attempts.get((person_id, incident), ())),
                extensions=extensions.get(incident, ()),
            )
            for incident in sorted(mine)
        )
        facts[person_id] = PersonClearanceFacts(known=True, incidents=incidents)
    return facts


def _answers(
    session: Session, normals: Sequence[str], on: date, tz: ZoneInfo
) -> list[ClearanceAnswer]:
    people = find_people(session, set(normals))
    facts = facts_for_people(session, (p.id for p in people.values()))
    unknown = PersonClearanceFacts(known=False)
    answers = []
    for normal in normals:
        person = people.get(normal)
        result: Clearance = clearance_for(unknown if person is None else facts[person.id], on, tz)
        answers.append(
            ClearanceAnswer(
                normal,
                on,
                result.cleared,
                result.blocked_until,
                result.reasons,
                None if person is None else person.id,
            )
        )
    return answers


def _read_flags(session: Session, chunk: list[int], flags: dict[int, dict[str, set[str]]]) -> None:
    queries = {
        "exposed": select(Exposure.person_id, Exposure.incident_id).where(
            Exposure.person_id.in_(chunk)
        ),
        "review": select(ReviewItem.person_id, ReviewItem.incident_id).where(
            ReviewItem.person_id.in_(chunk), ReviewItem.status == "open"
        ),
        "held": select(RemovalHold.person_id, RemovalHold.incident_id).where(
            RemovalHold.person_id.in_(chunk), RemovalHold.released_at.is_(None)
        ),
    }
    for kind, query in queries.items():
        for person_id, incident_id in session.execute(query):
            if person_id is not None:
                flags[person_id][kind].add(incident_id)


def _read_attempts(
    session: Session, chunk: list[int], attempts: dict[tuple[int, str], list[NoticeAttempt]]
) -> None:
    query = (
        select(
            Notice.person_id,
            Notice.incident_id,
            Notice.channel,
            DeliveryAttempt.method,
            DeliveryAttempt.status,
            DeliveryAttempt.at,
        )
        .join(DeliveryAttempt, DeliveryAttempt.notice_id == Notice.id)
        .where(Notice.person_id.in_(chunk), Notice.recipient == NONCITIZEN)
    )
    for person_id, incident_id, channel, method, status, at in session.execute(query):
        attempt = NoticeAttempt(NONCITIZEN, method or channel, status, at)
        attempts[(person_id, incident_id)].append(attempt)


def _incident_rules(
    session: Session, incident_ids: set[str]
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[Extension, ...]]]:
    """Each incident's (hold_days, mail_days), and its hold extensions."""
    if not incident_ids:
        return {}, {}
    names = sorted(incident_ids)
    rows = session.execute(
        select(Incident.id, Incident.hold_days, Incident.mail_days).where(Incident.id.in_(names))
    )
    policies = {row.id: (row.hold_days, row.mail_days) for row in rows}
    found: dict[str, list[Extension]] = defaultdict(list)
    query = select(HoldExtension).where(HoldExtension.incident_id.in_(names))
    for row in session.execute(query).scalars():
        found[row.incident_id].append(extension_of(row))
    return policies, {k: tuple(v) for k, v in found.items()}


def extension_of(row: HoldExtension) -> Extension:
    return Extension(
        row.created_at,
        days=row.days if row.kind == "days" else None,
        until=row.until if row.kind == "until" else None,
        indefinite=row.kind == "indefinite",
    )

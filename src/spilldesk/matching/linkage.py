"""Linking an incident: its disclosed records → registry persons, review items, exposures.

One audited bulk read opens the incident's records and one the registry persons linkage
needs: in a registry larger than the u-sample, only the candidates the blocking tokens find
(`store.blocking`, without decrypting anyone) and a seeded sample; the pure
engine (`spilldesk.link`) decides; this module stores each record's outcome, opens review
items for every candidate of an uncertain record (they hold those persons until decided),
and records an exposure (incident × person) with the data elements the incident disclosed.
Re-running changes nothing that is already right and never undoes a reviewer's decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.intake.incidents import get_incident
from spilldesk.link import LinkRecord, LinkResult, LinkSettings
from spilldesk.link.engine_records import json_safe, link_record_of
from spilldesk.link.model import Backend
from spilldesk.store import blocking
from spilldesk.store.audit import record_event
from spilldesk.store.db import keyring_of
from spilldesk.store.models import DisclosedDocument, DisclosedRecord, Exposure, Person, ReviewItem
from spilldesk.store.people import a_numbers_for, find_people, open_registry, read_records

if TYPE_CHECKING:  # pandas and the engine load on first use (fast command start-up)
    import pandas as pd

    from spilldesk.link.blocking_keys import WholeRegistry

# What a list like Dec 7's reveals beyond its columns: whether each person was in the leak.
DISCLOSURE_STATUS = "disclosure_status"
REVIEWER_REJECTED = "rejected_by_reviewer"


@dataclass(frozen=True)
class LinkedRecord:
    record_id: int
    person_id: int
    a_number: str  # masked unless the caller asked for it (an audited read)
    probability: float | None
    source: dict[str, Any]
    explanation: dict[str, Any]


@dataclass(frozen=True)
class LinkReport:
    incident_id: str
    matched: int
    review: int
    unmatched: int
    matches: list[LinkedRecord]
    unmatched_records: list[dict[str, Any]]
    exposures_created: int
    review_items_opened: int
    kept_reviewer_decisions: int
    reasons: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "incident": self.incident_id,
            "matched": self.matched,
            "review": self.review,
            "unmatched": self.unmatched,
            "reasons": self.reasons,
            "exposures_created": self.exposures_created,
            "review_items_opened": self.review_items_opened,
            "kept_reviewer_decisions": self.kept_reviewer_decisions,
            "matches": [
                {
                    "a_number": m.a_number,
                    "probability": m.probability,
                    "record": {"id": m.record_id, "source": m.source},
                    "explanation": m.explanation,
                }
                for m in self.matches
            ],
            "unmatched_records": self.unmatched_records,
        }


def source_of(record: DisclosedRecord) -> dict[str, Any]:
    return {
        "row": record.source_row,
        "sheet": record.source_sheet,
        "page": record.source_page,
        "part": record.source_part,
        "hidden": record.hidden,
    }


def registry_frame(
    session: Session, *, actor: str, purpose: str, person_ids: Sequence[int] | None = None
) -> pd.DataFrame:
    """Registry persons (all, or `person_ids`) as the engine's frame: one audited bulk read."""
    import pandas as pd

    ids, piis, facts = open_registry(session, person_ids, actor=actor, purpose=purpose)
    return pd.DataFrame(
        {
            "person_id": ids,
            **{name: [pii.get(name) for pii in piis] for name in _PERSON_COLUMNS},
            "sex": [fact.get("sex") for fact in facts],
            "country": [fact.get("country_of_citizenship") for fact in facts],
            "book_in_date": [_date(fact.get("book_in_date")) for fact in facts],
            "book_out_date": [_date(fact.get("book_out_date")) for fact in facts],
        }
    )


_PERSON_COLUMNS = ("a_number", "family_name", "given_name", "date_of_birth")


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


@dataclass(frozen=True)
class RegistryPart:
    """The registry persons linkage reads, and what it knows of the rest."""

    frame: pd.DataFrame
    whole: WholeRegistry | None  # None: the frame is the whole registry


def blocked_registry(
    session: Session,
    records: Sequence[LinkRecord],
    settings: LinkSettings,
    *,
    actor: str,
    purpose: str,
) -> RegistryPart:
    """The registry persons that can be scored against `records`, read without decrypting the
    rest: those the A-number blind index and the blocking tokens find, and a seeded sample for
    the u-probabilities (the whole registry when it is no larger than the sample)."""
    from spilldesk.link.blocking_keys import FREQUENCY_KEYS, WholeRegistry
    from spilldesk.link.linking import identifier_of, wanted_tokens

    size = int(session.scalar(select(func.count()).select_from(Person)) or 0)
    if size <= settings.registry_sample or settings.extra_blocking:
        # Extra rules are SQL over clear values: no token stands for them.
        frame = registry_frame(session, actor=actor, purpose=purpose)
        return RegistryPart(frame, None)
    keyring = keyring_of(session)
    if blocking.missing(session):
        blocking.backfill(session, keyring, actor=actor)
    secret = keyring.blocking_key()
    wanted: set[int] = blocking.candidates(session, wanted_tokens(records, secret))
    if settings.use_identifier:
        identifiers = {i for i in (identifier_of(r) for r in records) if i}
        wanted |= {p.id for p in find_people(session, identifiers).values()}
    wanted |= _sample(session, settings.registry_sample, settings.seed)
    frame = registry_frame(session, actor=actor, purpose=purpose, person_ids=sorted(wanted))
    names = [key.name for key in FREQUENCY_KEYS]
    whole = WholeRegistry(
        size=size,
        secret=secret,
        non_null=blocking.non_null(session, names),
        count=lambda key, tokens: blocking.counts(session, key, tokens),
    )
    return RegistryPart(frame, whole)


def _sample(session: Session, size: int, seed: int) -> set[int]:
    """A seeded sample of `size` persons, drawn by the database: the persons whose ids come
    first in an order the seed scrambles (a multiplicative hash modulo a prime, so it owes
    nothing to the order persons were stored in), without reading every id."""
    persons = Person.__table__
    big = BigInteger()
    scrambled = (cast(persons.c.id, big) * literal(_MULTIPLIER, big) + literal(seed, big)) % (
        literal(_PRIME, big)
    )
    query = select(persons.c.id).order_by(scrambled, persons.c.id).limit(size)
    return set(session.execute(query).scalars().all())


# The multiplier (2^32 / golden ratio) and a prime above 2^32: id * multiplier stays within
# 64 bits for ids below 2^31.
_MULTIPLIER, _PRIME = 2_654_435_761, 4_294_967_311


# --- storing outcomes ----------------------------------------------------------------------


def _reviewer_settled(session: Session, incident_id: str) -> set[int]:
    """Records a human decided: an accepted candidate, or every candidate rejected."""
    accepted = session.execute(
        select(ReviewItem.record_id).where(
            ReviewItem.incident_id == incident_id, ReviewItem.status == "accepted"
        )
    ).scalars()
    rejected = session.execute(
        select(DisclosedRecord.id).where(
            DisclosedRecord.incident_id == incident_id,
            DisclosedRecord.link_reason == REVIEWER_REJECTED,
        )
    ).scalars()
    return set(accepted) | set(rejected)


def data_elements_for(document: DisclosedDocument, reveals_status_of: str | None) -> list[str]:
    elements = list(document.data_elements)
    if reveals_status_of and DISCLOSURE_STATUS not in elements:
        elements.append(DISCLOSURE_STATUS)
    return sorted(elements)


@dataclass(frozen=True)
class ExposureClaim:
    person_id: int
    record: DisclosedRecord
    data_elements: list[str]


def ensure_exposures(
    session: Session, incident_id: str, claims: Sequence[ExposureClaim], *, source: str, actor: str
) -> int:
    """Create each incident × person exposure that does not exist yet (audited); the count.

    An existing exposure keeps its origin and gains any data elements it lacked.
    """
    existing = {
        e.person_id: e
        for e in session.execute(
            select(Exposure).where(Exposure.incident_id == incident_id)
        ).scalars()
    }
    rows: list[dict[str, Any]] = []
    for claim in claims:
        found = existing.get(claim.person_id)
        if found is not None:
            merged = sorted(set(found.data_elements) | set(claim.data_elements))
            if merged != sorted(found.data_elements):
                found.data_elements = merged
            continue
        rows.append(
            {
                "incident_id": incident_id,
                "person_id": claim.person_id,
                "record_id": claim.record.id,
                "data_elements": claim.data_elements,
                "source": source,
                "created_by": actor,
                "created_at": clock.now(),
            }
        )
        existing[claim.person_id] = Exposure(person_id=claim.person_id)
    created = list(session.scalars(insert(Exposure).returning(Exposure.id), rows)) if rows else []
    if created:
        # One event for the batch (like a bulk read): which exposures, for whom, from where.
        record_event(
            session,
            actor=actor,
            action="exposure.create",
            object_type="exposure",
            object_id=created[0] if len(created) == 1 else None,
            detail={
                "incident": incident_id,
                "source": source,
                "count": len(created),
                "exposure_ids": created,
                "person_ids": [row["person_id"] for row in rows],
                "record_ids": [row["record_id"] for row in rows],
                "data_elements": sorted({e for r in rows for e in r["data_elements"]}),
            },
        )
    return len(created)


def _review_items_by_record(session: Session, incident_id: str) -> dict[int, list[ReviewItem]]:
    grouped: dict[int, list[ReviewItem]] = {}
    query = select(ReviewItem).where(ReviewItem.incident_id == incident_id)
    for item in session.execute(query).scalars():
        grouped.setdefault(item.record_id, []).append(item)
    return grouped


def _sync_review_items(
    session: Session,
    incident_id: str,
    record: DisclosedRecord,
    result: LinkResult,
    current: list[ReviewItem],
    reveals_status_of: str | None,
) -> int:
    """Open (or refresh) one item per candidate; retire open items no longer candidates."""
    existing = {item.person_id: item for item in current}
    wanted = {c.person_id for c in result.candidates} if result.status == "review" else set()
    opened = 0
    for rank, candidate in enumerate(result.candidates, start=1):
        if result.status != "review":
            break
        item = existing.get(candidate.person_id)
        if item is None:
            item = ReviewItem(
                incident_id=incident_id,
                record_id=record.id,
                person_id=candidate.person_id,
                status="open",
            )
            session.add(item)
            opened += 1
        if item.status == "open":
            item.rank, item.reason = rank, result.reason or "below_threshold"
            item.probability = candidate.probability
            item.match_weight = _finite(candidate.match_weight)
            item.explanation = json_safe({**result.explanation, **candidate.explanation})
            if reveals_status_of:
                # Accepting the item must record what this incident revealed, as linkage does.
                item.explanation["reveals_status_of"] = reveals_status_of
    for person_id, item in existing.items():
        if item.status == "open" and person_id not in wanted:
            item.status = "superseded"
    return opened


def _finite(value: float) -> float | None:
    return value if value not in (float("inf"), float("-inf")) else None


def _claimed_by_reviewers(session: Session, incident_id: str) -> dict[int, int]:
    """person_id → record_id for candidates a reviewer accepted in this incident."""
    rows = session.execute(
        select(ReviewItem.person_id, ReviewItem.record_id).where(
            ReviewItem.incident_id == incident_id, ReviewItem.status == "accepted"
        )
    ).all()
    return {int(person_id): int(record_id) for person_id, record_id in rows if person_id}


def _respect_reviewers(results: list[LinkResult], claimed: dict[int, int]) -> list[LinkResult]:
    """A person a reviewer gave to one record is not silently given to another."""
    out = []
    for result in results:
        owner = claimed.get(result.person_id or -1)
        if result.status == "matched" and owner is not None and owner != result.record_id:
            explanation = {**result.explanation, "conflict": "person_accepted_for_another_record"}
            result = LinkResult(
                result.record_id,
                "review",
                None,
                result.probability,
                explanation,
                result.candidates,
                "conflict",
            )
        out.append(result)
    return out


def _store_outcome(record: DisclosedRecord, result: LinkResult) -> None:
    record.link_status = result.status
    record.person_id = result.person_id if result.status == "matched" else None
    record.probability = result.probability
    record.explanation = json_safe(result.explanation)
    record.link_reason = result.reason
    record.linked_at = clock.now()


def _load_records(
    session: Session, incident_id: str
) -> tuple[list[DisclosedRecord], dict[int, DisclosedDocument]]:
    # Locked (and re-read) before the first audited read: a reviewer deciding on one of these
    # records locks it, then the audit chain; taking them in the same order, a re-link and a
    # reviewer take turns instead of deadlocking (PostgreSQL aborts one of the two).
    records = list(
        session.execute(
            select(DisclosedRecord)
            .where(DisclosedRecord.incident_id == incident_id)
            .order_by(DisclosedRecord.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
    )
    documents = {
        d.id: d
        for d in session.execute(
            select(DisclosedDocument).where(DisclosedDocument.incident_id == incident_id)
        ).scalars()
    }
    return records, documents


def link_incident(
    session: Session,
    incident_id: str,
    *,
    backend: Backend = "duckdb",
    settings: LinkSettings = LinkSettings(),
    actor: str,
    reveals_status_of: str | None = None,
    reveal_a_numbers: bool = False,
) -> LinkReport:
    """Link every disclosed record of the incident and store the outcomes (one transaction).

    `reveals_status_of` (default: the incident's own record) names the incident whose leak
    this disclosure told someone about (Dec 7 → Nov 28): each exposure then also records
    `disclosure_status`.
    """
    incident = get_incident(session, incident_id)
    reveals_status_of = reveals_status_of or incident.reveals_status_of
    if reveals_status_of:
        get_incident(session, reveals_status_of)
    records, documents = _load_records(session, incident.id)
    purpose = f"linkage of incident {incident.id}"
    fields = read_records(session, records, actor=actor, purpose=purpose) if records else {}
    results = _link(
        session,
        records,
        fields,
        incident.custody_reference_date,
        backend,
        settings,
        actor=actor,
        purpose=purpose,
    )
    results = _respect_reviewers(results, _claimed_by_reviewers(session, incident.id))
    settled = _reviewer_settled(session, incident.id)
    tally = _apply(
        session,
        incident.id,
        records,
        documents,
        results,
        settled,
        reveals_status_of=reveals_status_of,
        actor=actor,
    )
    report = _report(
        session, incident.id, records, results, settled, tally, reveal_a_numbers, actor=actor
    )
    record_event(
        session,
        actor=actor,
        action="incident.link",
        object_type="incident",
        object_id=incident.id,
        detail={
            "backend": backend,
            "matched": report.matched,
            "review": report.review,
            "unmatched": report.unmatched,
            "reasons": report.reasons,
            "exposures_created": report.exposures_created,
            "reveals_status_of": reveals_status_of,
        },
    )
    return report


def _link(
    session: Session,
    records: Sequence[DisclosedRecord],
    fields: dict[int, dict[str, str]],
    reference: date | None,
    backend: Backend,
    settings: LinkSettings,
    *,
    actor: str,
    purpose: str,
) -> list[LinkResult]:
    from spilldesk.link import link_records

    engine_records = [link_record_of(r.id, fields[r.id]) for r in records]
    if not records:
        return []
    part = blocked_registry(session, engine_records, settings, actor=actor, purpose=purpose)
    registry = part.frame
    if registry.empty:
        return [
            LinkResult(r.record_id, "unmatched", None, None, {"stage": "none"}, (), "no_candidate")
            for r in engine_records
        ]
    return link_records(
        engine_records,
        registry,
        custody_reference_date=reference,
        backend=backend,
        settings=settings,
        whole=part.whole,
    )


@dataclass
class _Tally:
    exposures: int = 0
    review_items: int = 0


def _apply(
    session: Session,
    incident_id: str,
    records: Sequence[DisclosedRecord],
    documents: dict[int, DisclosedDocument],
    results: Sequence[LinkResult],
    settled: set[int],
    *,
    reveals_status_of: str | None,
    actor: str,
) -> _Tally:
    tally = _Tally()
    items = _review_items_by_record(session, incident_id)
    claims: list[ExposureClaim] = []
    with session.no_autoflush:
        for record, result in zip(records, results, strict=True):
            if record.id in settled:
                continue
            _store_outcome(record, result)
            tally.review_items += _sync_review_items(
                session, incident_id, record, result, items.get(record.id, []), reveals_status_of
            )
            if result.status == "matched" and result.person_id is not None:
                elements = data_elements_for(documents[record.document_id], reveals_status_of)
                claims.append(ExposureClaim(result.person_id, record, elements))
    tally.exposures = ensure_exposures(session, incident_id, claims, source="linkage", actor=actor)
    session.flush()
    return tally


def _report(
    session: Session,
    incident_id: str,
    records: Sequence[DisclosedRecord],
    results: Sequence[LinkResult],
    settled: set[int],
    tally: _Tally,
    reveal_a_numbers: bool,
    *,
    actor: str,
) -> LinkReport:
    by_status: dict[str, int] = {"matched": 0, "review": 0, "unmatched": 0}
    reasons: dict[str, int] = {}
    for record in records:
        by_status[record.link_status] = by_status.get(record.link_status, 0) + 1
        if record.link_reason:
            reasons[record.link_reason] = reasons.get(record.link_reason, 0) + 1
    explanations = {r.record_id: r.explanation for r in results}
    matched = [r for r in records if r.link_status == "matched" and r.person_id is not None]
    shown = a_numbers_for(
        session,
        [r.person_id for r in matched if r.person_id],
        reveal=reveal_a_numbers,
        actor=actor,
        purpose="linkage report",
    )
    matches = [
        LinkedRecord(
            r.id,
            r.person_id,
            shown[r.person_id],
            r.probability,
            source_of(r),
            json_safe(dict(explanations.get(r.id) or r.explanation or {})),
        )
        for r in matched
        if r.person_id is not None
    ]
    unmatched = [
        {"record": r.id, "reason": r.link_reason, "source": source_of(r)}
        for r in records
        if r.link_status == "unmatched"
    ]
    return LinkReport(
        incident_id,
        by_status["matched"],
        by_status["review"],
        by_status["unmatched"],
        matches,
        unmatched,
        tally.exposures,
        tally.review_items,
        len(settled),
        reasons,
    )


__all__ = ["DISCLOSURE_STATUS", "LinkReport", "LinkedRecord", "link_incident", "registry_frame"]

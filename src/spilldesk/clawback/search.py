"""Recording what the logs show: the search, its evidence, the recipients and their owners.

`search_target` says what to look for (the incident's posted path, the document's size, the
exposure window) before the logs are read; `record_search` stores one reading in one
transaction. Re-reading the same logs changes nothing; a later search never forgets a
recipient an earlier one found, never lowers its figures, and fills in an owner a better
network table now knows (closing the "identify the owner" task).
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.tasks import close_open_task, open_task
from spilldesk.clawback.crawlers import first_crawler
from spilldesk.clawback.logs import LogReading
from spilldesk.clawback.owners import NetworkTable, Owner
from spilldesk.clawback.recipients import (
    Document,
    Findings,
    Network,
    Received,
    Window,
    find_recipients,
    largest_body,
    normalise_path,
)
from spilldesk.domain.notice_numbers import notice_number
from spilldesk.errors import NotFound, ServiceError
from spilldesk.intake.incidents import IncidentError, IncidentNotFound, get_incident
from spilldesk.store.audit import record_event
from spilldesk.store.clawback_models import ClawbackEvidence, ClawbackRecipient, ClawbackSearch
from spilldesk.store.models import DisclosedDocument
from spilldesk.store.people import RecipientContact, read_recipient_contacts, seal_recipient_contact

IDENTIFY_OWNER = "identify_recipient_owner"
LEGAL = "OPLA"  # OPLA sends the clawback letters and handles legal process (the seed)
IDENTIFY_DAYS = 7


class ClawbackError(ServiceError):
    """A clawback request that cannot be carried out; the message says why."""


class ClawbackNotFound(ClawbackError, NotFound):
    """No incident, or no recipient, of that name."""

    status = NotFound.status


@dataclass(frozen=True)
class Target:
    """What to look for in the logs."""

    incident_id: str
    url: str
    path: str  # normalised
    size: int | None  # None: take the largest full response in the logs
    size_source: str | None
    window: Window
    record_url: bool  # the incident has no URL yet: this search records it

    @property
    def file_name(self) -> str:
        return posixpath.basename(self.path)

    def document(self, size: int) -> Document:
        return Document(self.path, size)


def search_target(session: Session, incident_id: str, url: str | None,
                  size: int | None) -> Target:
    try:
        incident = get_incident(session, incident_id)
    except IncidentNotFound as exc:
        raise ClawbackNotFound(str(exc)) from None
    except IncidentError as exc:
        raise ClawbackError(str(exc)) from None
    chosen = (url or incident.disclosed_url or "").strip()
    if not chosen:
        raise ClawbackError(f"incident {incident_id} records no posted URL: give --url PATH "
                            "(e.g. /doclib/report.xlsx)")
    path = normalise_path(chosen)
    if not posixpath.basename(path):
        raise ClawbackError(f"--url: {chosen!r} names no file")
    if size is not None and size <= 0:
        raise ClawbackError("--size: must be a positive number of bytes")
    source = "option" if size is not None else None
    if size is None:
        size = _document_size(session, incident_id, posixpath.basename(path))
        source = "document" if size is not None else None
    window = Window(incident.exposed_from, incident.exposed_until)
    return Target(incident_id, chosen, path, size, source, window,
                  record_url=not incident.disclosed_url)


def examine(target: Target, reading: LogReading,
            internal: Sequence[Network]) -> tuple[int, str, Findings]:
    """Who received the document, by the size the target knows or, failing that, the largest
    complete response in the logs (said in a warning)."""
    size, source = target.size, target.size_source
    if size is None or source is None:
        size = largest_body(reading.requests, target.path)
        if size is None:
            raise ClawbackError(f"{target.path}: no 200 response in the logs and no ingested "
                                "document to tell the file's size: give --size BYTES")
        findings = find_recipients(reading.requests, target.document(size), target.window,
                                   internal)
        note = (f"the document's size ({size:,} bytes) is the largest 200 response in the "
                "logs: ingest the document or give --size to be sure")
        return size, "log", replace(findings, warnings=(note, *findings.warnings))
    return size, source, find_recipients(reading.requests, target.document(size),
                                         target.window, internal)


def _document_size(session: Session, incident_id: str, name: str) -> int | None:
    """The ingested document's size: the only one, or the one with the posted file's name."""
    documents = list(session.execute(select(DisclosedDocument).where(
        DisclosedDocument.incident_id == incident_id)).scalars())
    if len(documents) == 1:
        return documents[0].size
    named = [d for d in documents if posixpath.basename(d.file_name).lower() == name]
    if len(named) == 1:
        return named[0].size
    if documents:
        raise ClawbackError(f"incident {incident_id} has {len(documents)} documents and none "
                            f"is named {name}: give --size BYTES")
    return None


@dataclass(frozen=True)
class RecipientView:
    reference: str
    client: str
    network: str | None
    organization: str | None
    contact: RecipientContact
    crawler: str | None
    downloads: int
    first_at: datetime
    last_at: datetime
    bytes: int
    user_agents: tuple[str, ...]

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "client": self.client, "organization": self.organization,
            "contact": self.contact.contact, "downloads": self.downloads,
            "first_at": self.first_at.astimezone(tz).isoformat(), "bytes": self.bytes,
            "reference": self.reference, "network": self.network,
            "owner_known": self.organization is not None, "crawler": self.crawler,
            "last_at": self.last_at.astimezone(tz).isoformat(),
            "user_agents": list(self.user_agents),
        }


@dataclass(frozen=True)
class SearchReport:
    incident: str
    url: str
    search_id: int
    document_size: int
    size_source: str
    window: Window
    reading: LogReading
    evidence: dict[str, int]
    warnings: tuple[str, ...]
    recipients: tuple[RecipientView, ...]
    new_recipients: int
    owner_tasks: int

    def to_json(self, tz: ZoneInfo) -> dict[str, Any]:
        return {
            "incident": self.incident, "url": self.url,
            "recipients": [r.to_json(tz) for r in self.recipients],
            "search": self.search_id, "document_size": self.document_size,
            "size_source": self.size_source,
            "window": {"from": self.window.start.astimezone(tz).isoformat(),
                       "until": self.window.end.astimezone(tz).isoformat()},
            "lines": self.reading.lines, "malformed": self.reading.malformed,
            "logs": [f.as_dict() for f in self.reading.files],
            "evidence": self.evidence, "warnings": list(self.warnings),
            "new_recipients": self.new_recipients, "identify_owner_tasks": self.owner_tasks,
        }


def record_search(
    session: Session, target: Target, size: int, size_source: str, reading: LogReading,
    findings: Findings, *, owners: NetworkTable | None, owners_file: Path | None,
    internal: list[str], actor: str, tz: ZoneInfo,
) -> SearchReport:
    incident = get_incident(session, target.incident_id)
    if target.record_url:
        incident.disclosed_url = target.url
        record_event(session, actor=actor, action="incident.disclosed_url", object_type="incident",
                     object_id=incident.id, detail={"url": target.url})
    search = ClawbackSearch(
        incident_id=incident.id, url=target.url, document_size=size, size_source=size_source,
        window_from=target.window.start, window_until=target.window.end, internal=internal,
        owners_file=owners_file.name if owners_file else None,
        logs=[f.as_dict() for f in reading.files], lines=reading.lines,
        malformed=reading.malformed, recipients=len(findings.recipients),
        evidence_counts=findings.evidence_counts(), warnings=list(findings.warnings),
        created_by=actor, created_at=clock.now())
    session.add(search)
    session.flush()
    _store_evidence(session, search, findings)
    today = clock.today(tz)
    rows, new, tasks = [], 0, 0
    for received in findings.recipients:
        row, created = _upsert(session, search, received, owners, actor)
        new += created
        tasks += _owner_task(session, row, today, actor)
        rows.append(row)
    record_event(session, actor=actor, action="clawback.search", object_type="incident",
                 object_id=incident.id, detail={
                     "search": search.id, "files": len(reading.files), "lines": reading.lines,
                     "malformed": reading.malformed, "recipients": len(rows),
                     "new_recipients": new, "evidence": search.evidence_counts})
    return SearchReport(incident.id, target.url, search.id, size, size_source, target.window,
                        reading, search.evidence_counts, findings.warnings,
                        tuple(views(session, rows, actor=actor, purpose="clawback.find")),
                        new, tasks)


def _store_evidence(session: Session, search: ClawbackSearch, findings: Findings) -> None:
    rows = [{"search_id": search.id, "incident_id": search.incident_id,
             "client": s.request.client[:100], "at": s.request.at,
             "method": s.request.method[:16], "target": s.request.target[:2000],
             "status": s.request.status, "bytes_sent": s.request.size, "reason": s.reason.value,
             "source": s.request.source[-300:]}
            for s in findings.evidence]
    for start in range(0, len(rows), 5000):
        session.execute(insert(ClawbackEvidence), rows[start:start + 5000])


def _upsert(session: Session, search: ClawbackSearch, received: Received,
            owners: NetworkTable | None, actor: str) -> tuple[ClawbackRecipient, bool]:
    owner = owners.owner_of(received.client) if owners else None
    row = session.execute(select(ClawbackRecipient).where(
        ClawbackRecipient.incident_id == search.incident_id,
        ClawbackRecipient.client == received.client)).scalar_one_or_none()
    created = row is None
    now = clock.now()
    if row is None:
        row = ClawbackRecipient(
            incident_id=search.incident_id, reference=_next_reference(session, search.incident_id),
            client=received.client, downloads=received.downloads, first_at=received.first_at,
            last_at=received.last_at, bytes_sent=received.bytes, user_agents=[],
            search_id=search.id, created_at=now)
        session.add(row)
    else:
        row.downloads = max(row.downloads, received.downloads)
        row.first_at = min(row.first_at, received.first_at)
        row.last_at = max(row.last_at, received.last_at)
        row.bytes_sent = max(row.bytes_sent, received.bytes)
        row.search_id = search.id
    agents = sorted(set(row.user_agents or []) | set(received.agents))
    row.user_agents = agents
    crawler = first_crawler(agents)
    row.crawler = crawler.name if crawler else None
    if owner is not None:
        _set_owner(session, row, owner)
    row.updated_at = now
    session.flush()
    record_event(session, actor=actor,
                 action="clawback.recipient_found" if created else "clawback.recipient_updated",
                 object_type="clawback_recipient", object_id=row.id,
                 detail={"reference": row.reference, "downloads": row.downloads,
                         "owner_known": row.organization is not None})
    return row, created


def _set_owner(session: Session, row: ClawbackRecipient, owner: Owner) -> None:
    row.network, row.organization = owner.network, owner.organization
    seal_recipient_contact(session, row, RecipientContact(
        owner.contact, owner.address_lines, owner.email, owner.phone))


def _next_reference(session: Session, incident_id: str) -> str:
    count = session.execute(select(func.count()).select_from(ClawbackRecipient).where(
        ClawbackRecipient.incident_id == incident_id)).scalar_one()
    return notice_number(f"{incident_id}-CB", count + 1)


def owner_task_key(reference: str) -> str:
    return f"clawback|{reference}|{IDENTIFY_OWNER}"


def _owner_task(session: Session, row: ClawbackRecipient, today: date, actor: str) -> int:
    """Unknown owner: OPLA identifies it (legal process); known now: that task is done."""
    key = owner_task_key(row.reference)
    if row.organization is not None:
        close_open_task(session, key, outcome=f"owner identified: {row.organization}",
                        actor=actor)
        return 0
    open_task(session, key=key, action=IDENTIFY_OWNER, component=LEGAL,
              due=today + timedelta(days=IDENTIFY_DAYS), incidents=[row.incident_id],
              actor=actor, subject=f"clawback recipient {row.reference}")
    return 1


def views(session: Session, rows: list[ClawbackRecipient], *, actor: str,
          purpose: str) -> list[RecipientView]:
    """Recipients with their contact details (one audited read)."""
    contacts = read_recipient_contacts(session, rows, actor=actor, purpose=purpose)
    return [RecipientView(r.reference, r.client, r.network, r.organization, contacts[r.id],
                          r.crawler, r.downloads, r.first_at, r.last_at, r.bytes_sent,
                          tuple(r.user_agents or ()))
            for r in sorted(rows, key=lambda r: (r.first_at, r.client))]

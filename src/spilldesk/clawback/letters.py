"""Clawback letters as PDFs: the first letter (a cache-removal request for a crawler), and a
follow-up when the reply-by date passes without an answer.

Each letter is the notices' line markup (templates in `notify/templates/en/clawback_*.j2`)
rendered by the notices' PDF renderer: the reference number on every page and in its QR
code, so that an answer can be matched to its recipient; a certification page to sign and
return. A recipient whose owner is unknown gets no letter until the owner is identified.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from spilldesk import clock
from spilldesk.casework.tasks import open_task
from spilldesk.clawback.search import LEGAL, ClawbackError, ClawbackNotFound
from spilldesk.clawback.states import State, state_of
from spilldesk.intake.incidents import IncidentError, IncidentNotFound, get_incident
from spilldesk.notify.letters import render_template
from spilldesk.notify.notice_facts import Office
from spilldesk.notify.pdf import render_packet_pdf
from spilldesk.private_files import private_folder, write_private
from spilldesk.store.audit import record_event
from spilldesk.store.clawback_models import ClawbackLetter, ClawbackRecipient
from spilldesk.store.models import Incident
from spilldesk.store.people import RecipientContact, read_recipient_contacts

REPLY_DAYS = 14
MAX_FOLLOW_UPS = 2
FOLLOW_UP = "clawback_follow_up"
OPLA = Office(
    name="U.S. Immigration and Customs Enforcement, Office of the Principal Legal Advisor",
    address_lines=("500 12th Street SW", "Washington, DC 20536"),
    email="ICEPrivacy@ice.dhs.gov",
    signer="Deputy Principal Legal Advisor",
)


@dataclass(frozen=True)
class LetterFacts:
    """Everything one clawback letter says."""

    reference: str
    kind: str  # clawback | cache_removal | follow_up
    sequence: int
    issued_on: date
    reply_by: date
    organization: str
    contact: str | None
    address_lines: tuple[str, ...]
    email: str | None
    client: str
    crawler: str | None
    downloads: int
    first_at: datetime  # in the agency's time zone
    document_name: str
    url: str
    exposed_from: datetime
    exposed_until: datetime
    earlier: tuple[tuple[date, date], ...] = ()  # (issued, reply by) of the earlier letters
    office: Office = field(default_factory=lambda: OPLA)


def render_letter(facts: LetterFacts) -> bytes:
    """The letter, then the certification page to sign and return."""
    template = {"clawback": "clawback_letter", "cache_removal": "clawback_cache_removal",
                "follow_up": "clawback_follow_up"}[facts.kind]
    pages = [render_template(name, "en", c=facts)
             for name in (template, "clawback_certification")]
    return render_packet_pdf(facts.reference, pages, title="Clawback letter",
                             footer=f"Reference {facts.reference} · page {{page}} of {{pages}}")


@dataclass
class LettersReport:
    incident: str
    out_dir: Path
    first_letters: int = 0
    follow_ups: int = 0
    awaiting_owner: int = 0
    waiting: int = 0  # sent, reply-by date not passed
    answered: int = 0
    exhausted: int = 0  # overdue after every follow-up: OPLA's task, no more letters
    files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "out_dir": str(self.out_dir),
                "first_letters": self.first_letters, "follow_ups": self.follow_ups,
                "awaiting_owner": self.awaiting_owner, "waiting": self.waiting,
                "answered": self.answered, "overdue_after_follow_ups": self.exhausted,
                "files": self.files}


def recipients_of(session: Session, incident_id: str, *,
                  locking: bool = False) -> list[ClawbackRecipient]:
    """The incident's recipients with their letters and answers. `locking`: for a change
    decided on them (a letter, an answer) — their rows stay locked until the transaction ends
    and are re-read, so a letter run and an answer at the same time take turns and the
    second sees the first (PostgreSQL; SQLite's writers take turns anyway)."""
    try:
        get_incident(session, incident_id)
    except IncidentNotFound as exc:
        raise ClawbackNotFound(str(exc)) from None
    except IncidentError as exc:
        raise ClawbackError(str(exc)) from None
    query = (select(ClawbackRecipient).where(ClawbackRecipient.incident_id == incident_id)
             .options(selectinload(ClawbackRecipient.letters),
                      selectinload(ClawbackRecipient.answers))
             .order_by(ClawbackRecipient.first_at, ClawbackRecipient.id))
    if locking:
        query = query.with_for_update(of=ClawbackRecipient).execution_options(
            populate_existing=True)
    return list(session.execute(query).scalars())


def write_letters(session: Session, incident_id: str, out_dir: Path, *, actor: str,
                  tz: ZoneInfo, reply_days: int = REPLY_DAYS) -> LettersReport:
    """Every letter now due: first letters to recipients with a known owner, follow-ups to
    those whose reply-by date passed without an answer. Re-running writes nothing new."""
    if reply_days < 1:
        raise ClawbackError("--reply-days: at least 1")
    recipients = recipients_of(session, incident_id, locking=True)
    incident = get_incident(session, incident_id)
    report = LettersReport(incident_id, out_dir)
    today = clock.today(tz)
    due: list[ClawbackRecipient] = []
    for recipient in recipients:
        state = state_of(recipient, today)
        if state is State.OWNER_UNKNOWN:
            report.awaiting_owner += 1
        elif state is State.SENT:
            report.waiting += 1
        elif state in (State.ACKNOWLEDGED, State.DESTROYED, State.REFUSED):
            report.answered += 1
        elif state is State.OVERDUE and len(recipient.letters) > MAX_FOLLOW_UPS:
            report.exhausted += 1
        else:
            due.append(recipient)
    if not due:
        return report
    contacts = read_recipient_contacts(session, due, actor=actor, purpose="clawback.letters")
    private_folder(out_dir)
    for recipient in due:
        letter = _write_one(session, incident, recipient, contacts[recipient.id], out_dir,
                            today=today, tz=tz, reply_days=reply_days, actor=actor)
        report.files.append(letter.document_path or "")
        if letter.kind == "follow_up":
            report.follow_ups += 1
        else:
            report.first_letters += 1
    return report


def _write_one(session: Session, incident: Incident, recipient: ClawbackRecipient,
               contact: RecipientContact, out_dir: Path, *, today: date, tz: ZoneInfo,
               reply_days: int, actor: str) -> ClawbackLetter:
    sequence = len(recipient.letters) + 1
    kind = "follow_up" if recipient.letters else (
        "cache_removal" if recipient.crawler else "clawback")
    reply_by = today + timedelta(days=reply_days)
    url = incident.disclosed_url or ""
    facts = LetterFacts(
        reference=recipient.reference, kind=kind, sequence=sequence, issued_on=today,
        reply_by=reply_by, organization=recipient.organization or "", contact=contact.contact,
        address_lines=contact.address_lines, email=contact.email, client=recipient.client,
        crawler=recipient.crawler, downloads=recipient.downloads,
        first_at=recipient.first_at.astimezone(tz),
        document_name=posixpath.basename(url.split("?", 1)[0]) or "the document", url=url,
        exposed_from=incident.exposed_from.astimezone(tz),
        exposed_until=incident.exposed_until.astimezone(tz),
        earlier=tuple((letter.issued_at.astimezone(tz).date(), letter.reply_by)
                      for letter in recipient.letters))
    path = out_dir / f"{recipient.reference}-{sequence}-{kind}.pdf"
    write_private(path, render_letter(facts))
    letter = ClawbackLetter(recipient_id=recipient.id, sequence=sequence, kind=kind,
                            issued_at=clock.now(), reply_by=reply_by,
                            document_path=str(path), created_by=actor)
    session.add(letter)
    recipient.letters.append(letter)
    session.flush()
    if kind == "follow_up":
        open_task(session, key=follow_up_key(recipient.reference), action=FOLLOW_UP,
                  component=LEGAL, due=reply_by, incidents=[incident.id], actor=actor,
                  subject=f"clawback recipient {recipient.reference}")
    record_event(session, actor=actor, action="clawback.letter", object_type="clawback_recipient",
                 object_id=recipient.id, detail={"reference": recipient.reference, "kind": kind,
                                                 "sequence": sequence,
                                                 "reply_by": reply_by.isoformat()})
    return letter


def follow_up_key(reference: str) -> str:
    return f"clawback|{reference}|{FOLLOW_UP}"

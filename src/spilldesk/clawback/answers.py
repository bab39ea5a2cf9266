"""Recipients' answers, and where the clawback of an incident stands.

An answer is `acknowledged`, `destroyed` (certified destroyed, or removed by a crawler),
`refused` or `no_answer` (a silence recorded after the reply-by date), with when it came and
the evidence (a signed certification, an email). Answers are never edited: a later one
supersedes. A reply closes the follow-up task; a refusal opens a task for OPLA to decide
what legal step comes next.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.casework.tasks import close_open_task, open_task
from spilldesk.clawback.letters import follow_up_key, recipients_of
from spilldesk.clawback.search import LEGAL, ClawbackError, ClawbackNotFound
from spilldesk.clawback.states import ANSWERED, Answer, State, last_letter, last_reply, state_of
from spilldesk.store.audit import record_event
from spilldesk.store.clawback_models import ClawbackAnswer, ClawbackRecipient, ClawbackSearch

REFUSED_TASK = "clawback_refused"
REFUSED_DAYS = 7


@dataclass(frozen=True)
class Recorded:
    reference: str
    client: str
    status: str
    at: datetime
    state: str


def find_recipient(session: Session, incident_id: str, recipient: str, *,
                   locking: bool = False) -> ClawbackRecipient:
    """A recipient by reference number or by client address (`locking`: see recipients_of)."""
    wanted = recipient.strip()
    for row in recipients_of(session, incident_id, locking=locking):
        if wanted in (row.reference, row.client):
            return row
    raise ClawbackNotFound(f"no recipient {wanted!r} in incident {incident_id} (give a "
                           "reference number or a client address from `spilldesk clawback "
                           "status`)")


def record_answer(session: Session, incident_id: str, recipient: str, *, status: str,
                  at: datetime, evidence: str | None, actor: str, tz: ZoneInfo) -> Recorded:
    try:
        answer = Answer(status.strip().lower())
    except ValueError:
        raise ClawbackError(f"--status: {status!r} is not one of "
                            f"{' | '.join(a.value for a in Answer)}") from None
    # Locked: a letter run at the same time waits and then sees this answer.
    row = find_recipient(session, incident_id, recipient, locking=True)
    if at > clock.now():
        raise ClawbackError("--at: is in the future")
    if at < row.first_at:
        raise ClawbackError(f"--at: is before {row.reference} received the document")
    if answer is Answer.NO_ANSWER and not any(letter.issued_at <= at for letter in row.letters):
        raise ClawbackError(f"--status no_answer: no letter had been sent to {row.reference} "
                            "by then")
    row.answers.append(ClawbackAnswer(recipient_id=row.id, status=answer.value, at=at,
                                      evidence=(evidence or "").strip() or None,
                                      created_by=actor, created_at=clock.now()))
    session.flush()
    # the evidence is free text an officer typed: it stays with the answer, not in the audit
    record_event(session, actor=actor, action="clawback.answer", object_type="clawback_recipient",
                 object_id=row.id, detail={"reference": row.reference, "status": answer.value})
    if answer is not Answer.NO_ANSWER:
        close_open_task(session, follow_up_key(row.reference), outcome=f"answered: {answer}",
                        actor=actor)
    if answer is Answer.REFUSED:
        open_task(session, key=f"clawback|{row.reference}|{REFUSED_TASK}", action=REFUSED_TASK,
                  component=LEGAL, due=clock.today(tz) + timedelta(days=REFUSED_DAYS),
                  incidents=[incident_id], actor=actor,
                  subject=f"clawback recipient {row.reference}")
    return Recorded(row.reference, row.client, answer.value, at,
                    state_of(row, clock.today(tz)).value)


def latest_search(session: Session, incident_id: str) -> dict[str, Any] | None:
    """What the last reading of the logs read and saw (no person data)."""
    search = session.execute(select(ClawbackSearch).where(
        ClawbackSearch.incident_id == incident_id).order_by(ClawbackSearch.id.desc())
        .limit(1)).scalar_one_or_none()
    if search is None:
        return None
    return {"id": search.id, "url": search.url, "at": search.created_at.isoformat(),
            "document_size": search.document_size, "size_source": search.size_source,
            "lines": search.lines, "malformed": search.malformed, "logs": search.logs,
            "evidence": search.evidence_counts, "warnings": search.warnings,
            "internal": search.internal, "owners_file": search.owners_file}


def clawback_status(session: Session, incident_id: str, *, tz: ZoneInfo,
                    on: date | None = None) -> dict[str, Any]:
    """Where every recipient stands: sent / answered / overdue, and each one's letters and
    latest answer (no contact details: those are read where letters are written)."""
    today = on or clock.today(tz)
    rows = recipients_of(session, incident_id)
    states = {row.id: state_of(row, today) for row in rows}
    counts = Counter(state.value for state in states.values())
    recipients = []
    for row in rows:
        letter, reply = last_letter(row), last_reply(row)
        latest = max(row.answers, key=lambda a: (a.at, a.id)) if row.answers else None
        recipients.append({
            "reference": row.reference, "client": row.client,
            "organization": row.organization, "crawler": row.crawler,
            "downloads": row.downloads, "first_at": row.first_at.astimezone(tz).isoformat(),
            "state": states[row.id].value, "letters": len(row.letters),
            "last_letter": None if letter is None else {
                "kind": letter.kind, "issued_at": letter.issued_at.astimezone(tz).isoformat(),
                "reply_by": letter.reply_by.isoformat(), "file": letter.document_path},
            "answer": None if latest is None else {
                "status": latest.status, "at": latest.at.astimezone(tz).isoformat(),
                "evidence": latest.evidence},
            "replied": reply is not None,
        })
    return {
        "incident": incident_id, "on": today.isoformat(),
        "counts": {
            "recipients": len(rows), "sent": sum(1 for row in rows if row.letters),
            "answered": sum(counts[s.value] for s in ANSWERED),
            "overdue": counts[State.OVERDUE.value],
            "awaiting_owner": counts[State.OWNER_UNKNOWN.value],
            "to_send": counts[State.TO_SEND.value],
            "letters": sum(len(row.letters) for row in rows),
        },
        "by_state": dict(sorted(counts.items())),
        "recipients": recipients,
    }

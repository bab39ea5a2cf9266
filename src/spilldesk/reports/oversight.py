"""Notices to oversight: EOIR (the immigration courts), USCIS and the DHS Chief Privacy Officer.

- EOIR: which respondents affected by the incident have court work from OPLA (the filings it
  will make and the motions it has committed not to oppose), listed in a CSV annex.
- USCIS: which affected people have a protection claim on record (fear screenings,
  withholding-only proceedings), listed in a CSV annex.
- CPO: the incident report's summary (no annex: no person is named).

The letter itself names nobody; the annex does, so it is written with mode 0600 and the read
of the people in it is one audited bulk read. Each sending is recorded with its files' digests.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.errors import ServiceError
from spilldesk.private_files import write_private
from spilldesk.reports.document import Facts, Section, Table, build_document, when, words
from spilldesk.reports.pdf import render_pdf
from spilldesk.store.audit import record_event
from spilldesk.store.db import exclusive
from spilldesk.store.models import Commitment, Exposure, Person, Task, TaskIncident
from spilldesk.store.oversight_models import OversightNotice
from spilldesk.store.people import read_people

PROTECTION_POSTURES = ("credible_fear_positive", "credible_fear_negative",
                       "reasonable_fear_negative", "withholding_only")
COURT_COMPONENT = "OPLA"


class Addressee(StrEnum):
    EOIR = "eoir"
    USCIS = "uscis"
    CPO = "cpo"


NAMES = {
    Addressee.EOIR: "Executive Office for Immigration Review (EOIR), Office of the Director",
    Addressee.USCIS: "U.S. Citizenship and Immigration Services (USCIS), Office of the "
                     "Director",
    Addressee.CPO: "DHS Chief Privacy Officer, DHS Privacy Office",
}


class OversightError(ServiceError):
    """A notice cannot be made; the message says why."""


@dataclass(frozen=True)
class Sent:
    reference: str
    addressee: str
    document: Path
    annex: Path | None
    people: int

    def as_dict(self) -> dict[str, Any]:
        return {"reference": self.reference, "addressee": self.addressee,
                "document": str(self.document),
                "annex": None if self.annex is None else str(self.annex),
                "people": self.people}


def parse_addressee(text: str) -> Addressee:
    try:
        return Addressee(text.strip().lower())
    except ValueError:
        raise OversightError(f"--to: {text!r} is not one of eoir | uscis | cpo") from None


def _court_work(session: Session, incident_id: str) -> dict[int, list[str]]:
    """OPLA's court work per affected person: tasks (with status, due) and commitments."""
    work: dict[int, list[str]] = {}
    for person_id, action, status, due in session.execute(
            select(Task.person_id, Task.action, Task.status, Task.due)
            .join(TaskIncident, TaskIncident.task_id == Task.id)
            .where(TaskIncident.incident_id == incident_id, Task.component == COURT_COMPONENT,
                   Task.person_id.is_not(None)).order_by(Task.person_id, Task.action)):
        work.setdefault(person_id, []).append(
            f"{action} ({status}{', due ' + due.isoformat() if due else ''})")
    exposed = {r[0] for r in session.execute(select(Exposure.person_id).where(
        Exposure.incident_id == incident_id))}
    for person_id, action, trigger, incidents in session.execute(
            select(Commitment.person_id, Commitment.action, Commitment.trigger,
                   Commitment.incidents).where(Commitment.component == COURT_COMPONENT,
                                               Commitment.status == "standing")
            .order_by(Commitment.person_id, Commitment.action)):
        if incident_id in (incidents or []) and person_id in exposed:
            work.setdefault(person_id, []).append(f"{action} (standing, on {trigger})")
    return work


def _people(session: Session, incident_id: str, ids: list[int]) -> list[Person]:
    return list(session.execute(select(Person).where(Person.id.in_(ids or [-1]))
                                .order_by(Person.id)).scalars())


def _annex(session: Session, people: list[Person], extra: dict[int, str], *, actor: str,
           purpose: str) -> str:
    opened = read_people(session, people, actor=actor, purpose=purpose)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["a_number", "family_name", "given_name", "country_of_citizenship",
                     "posture", "custody", "facility_code", "detail"])
    for person in people:
        pii = opened[person.id]
        writer.writerow([pii.a_number, pii.family_name, pii.given_name,
                         person.country_of_citizenship or "", person.posture or "",
                         person.custody or "", person.facility_code or "", extra[person.id]])
    return buffer.getvalue()


def _letter_sections(addressee: Addressee, figures: dict[str, Any],
                     people: list[Person], extra: dict[int, str]) -> tuple[list[str],
                                                                          list[Section]]:
    i = figures["incident"]
    n = figures["notified"]
    basics = Facts([("Incident", f"{i['id']}: {i['title']}"),
                    ("Disclosure", f"{when(i['posted'])} to {when(i['removed'])}"),
                    ("Discovered", when(i["discovered"])),
                    ("People affected", f"{n['affected']:,}"),
                    ("Notice provided", f"{n['provided']:,} ({n['percent']}%)"),
                    ("Figures as of", figures["as_of"])])
    postures = Counter(p.posture or "unknown" for p in people)
    by_posture = Table(["posture", "people"], [[words(k), f"{v:,}"] for k, v in sorted(
        postures.items())], numeric=(1,), narrow=True)
    if addressee is Addressee.EOIR:
        actions = Counter(w.split(" (")[0] for p in people for w in extra[p.id].split("; "))
        lead = [f"ICE writes to inform EOIR that records of {n['affected']:,} noncitizens were "
                f"disclosed in incident {i['id']}. {len(people):,} of them have matters on "
                "which OPLA will make a filing or has committed to a position before the "
                "immigration courts or the Board of Immigration Appeals; the attached annex "
                "lists each respondent and that work. The annex contains personal data: "
                "handle it as sensitive PII."]
        filings = Table(["OPLA filing or position", "respondents"],
                        [[words(k), f"{v:,}"] for k, v in sorted(actions.items())],
                        numeric=(1,), narrow=True)
        return lead, [Section("The incident", [basics]),
                      Section("Respondents: their posture and what OPLA will file",
                              [by_posture, filings]), _closing()]
    if addressee is Addressee.USCIS:
        lead = [f"ICE writes to inform USCIS that records of {n['affected']:,} noncitizens were "
                f"disclosed in incident {i['id']}. {len(people):,} of them have a protection "
                "claim on record (a credible or reasonable fear screening, or withholding-only "
                "proceedings); the disclosure may bear on those claims. The attached annex "
                "lists them. The desk's registry records no pending benefit applications, so "
                "none are listed on that ground. The annex contains personal data: handle it "
                "as sensitive PII."]
        return lead, [Section("The incident", [basics]),
                      Section("Protection claims by posture", [by_posture]), _closing()]
    lead = [f"This notice reports incident {i['id']} to the DHS Chief Privacy Officer, with the "
            "summary of the incident report below. It names no person."]
    keep = ("Summary", "What happened and when", "PII elements disclosed",
            "Risk of harm (OMB M-17-12)", "Open items by component", "Investigation record",
            "Lessons learned")
    return lead, [*(s for s in build_document(figures) if s.title in keep), _closing()]


def _closing() -> Section:
    return Section("Contact", ["Questions about this notice go to the ICE Privacy Office; quote "
                               "the reference above. The full incident report, with every "
                               "figure, is available to oversight on request."])


def send_notice(session: Session, figures: dict[str, Any], addressee: str, out_dir: Path, *,
                actor: str) -> Sent:
    """Write the notice (PDF, and its annex where it lists people) and record the sending."""
    to = parse_addressee(addressee)
    incident_id = figures["incident"]["id"]
    people: list[Person] = []
    extra: dict[int, str] = {}
    if to is Addressee.EOIR:
        work = _court_work(session, incident_id)
        extra = {pid: "; ".join(items) for pid, items in work.items()}
        people = _people(session, incident_id, sorted(work))
    elif to is Addressee.USCIS:
        exposed = [r[0] for r in session.execute(select(Exposure.person_id).where(
            Exposure.incident_id == incident_id))]
        # The screening is a sealed fact: opened in memory, never filtered in SQL.
        people = [p for p in _people(session, incident_id, exposed)
                  if p.posture in PROTECTION_POSTURES]
        extra = {p.id: f"protection claim: {p.posture}" for p in people}
    # One sending to an addressee at a time: the next reference is counted, and its files
    # written, only once the one before is recorded (else both take the same reference and
    # the second overwrites the files the first recorded the digests of).
    exclusive(session, f"oversight-notice:{incident_id}:{to.value}")
    count = session.execute(select(func.count()).select_from(OversightNotice).where(
        OversightNotice.incident_id == incident_id,
        OversightNotice.addressee == to.value)).scalar_one()
    reference = f"OVS-{incident_id}-{to.value.upper()}-{count + 1}"
    lead, sections = _letter_sections(to, figures, people, extra)
    sent_at = clock.now()
    pdf = render_pdf(f"Notice of a privacy incident — to {NAMES[to]}",
                     f"Reference {reference} · from the ICE Privacy Office · "
                     f"{sent_at.date().isoformat()}", sections, lead=lead,
                     footer=f"spilldesk · {reference}")
    document = write_private(out_dir / f"{reference}.pdf", pdf)
    annex_path, annex_digest = None, None
    if to is not Addressee.CPO:
        annex = _annex(session, people, extra, actor=actor,
                       purpose=f"oversight notice {reference}").encode()
        annex_path = write_private(out_dir / f"{reference}-annex.csv", annex)
        annex_digest = hashlib.sha256(annex).hexdigest()
    session.add(OversightNotice(
        incident_id=incident_id, addressee=to.value, reference=reference,
        document_path=str(document), document_sha256=hashlib.sha256(pdf).hexdigest(),
        annex_path=None if annex_path is None else str(annex_path), annex_sha256=annex_digest,
        people=len(people), figures={"as_of": figures["as_of"],
                                     "affected": figures["notified"]["affected"]},
        created_by=actor, created_at=sent_at))
    session.flush()
    record_event(session, actor=actor, action="oversight.notice", object_type="incident",
                 object_id=incident_id, detail={"reference": reference, "to": to.value,
                                                "people": len(people)})
    return Sent(reference, to.value, document, annex_path, len(people))


def sendings(session: Session, incident_id: str) -> list[dict[str, Any]]:
    rows = session.execute(select(OversightNotice).where(
        OversightNotice.incident_id == incident_id).order_by(OversightNotice.id)).scalars()
    return [{"reference": r.reference, "to": r.addressee, "at": r.created_at.isoformat(),
             "by": r.created_by, "people": r.people, "document": r.document_path,
             "document_sha256": r.document_sha256, "annex": r.annex_path,
             "annex_sha256": r.annex_sha256} for r in rows]

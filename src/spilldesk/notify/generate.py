"""Generate an incident's notice packets and everything the people delivering them need.

Output folder (default `<workdir>/packets/<incident>/`):

    notices/<notice number>.pdf        one packet per notice (letter + FAQ sheet)
    manifests/<facility>.pdf           hand-delivery manifest per facility
    delivery-sheets/<facility>.csv     the same people, for officers to fill in and import
    mail-merge.csv                     what the mail house sends (USPS, international, email)
    follow-up.csv                      notices with no usable address yet
    court/<notice number>-IJ.pdf       notices of the disclosure to the immigration judge,
    court/<notice number>-BIA.pdf      to the BIA, and letters to representatives of people
    representatives/<notice number>-return.pdf   removed under an executed order
                                       (from their open tasks; a notice to the immigration
                                       judge once the Notice to Appear was issued)

Only notices not yet on their way are (re)rendered: a mailed or delivered packet is a record.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased

from spilldesk import clock
from spilldesk.notify.batch import prepare_workers, render_packets, render_packets_with_bar
from spilldesk.notify.facts_from_store import notice_facts
from spilldesk.notify.manifests import (
    by_facility,
    delivery_sheet_csv,
    follow_up_csv,
    mail_merge_csv,
)
from spilldesk.notify.notice_facts import NoticeFacts
from spilldesk.notify.notices import (
    GENERATED,
    OPEN_STATUSES,
    PENDING,
    NoticeNotFound,
)
from spilldesk.notify.packets import LetterJob, ManifestJob, RenderJob
from spilldesk.private_files import write_private
from spilldesk.store.audit import record_event
from spilldesk.store.models import Incident, Notice, Task, TaskIncident

# Playbook task → the letter it needs (file name suffix, template).
COURT_LETTERS = {
    "file_disclosure_notice_ij": ("court", "IJ", "court_notice_ij"),
    "file_disclosure_notice_bia": ("court", "BIA", "court_notice_bia"),
    "contact_representative_re_return": ("representatives", "return", "representative_return"),
}


@dataclass
class PacketReport:
    incident: str
    out_dir: Path
    packets: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    manifests: int = 0
    follow_up: int = 0
    letters: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "out_dir": str(self.out_dir), "packets": self.packets,
                "by_language": self.by_language, "by_channel": self.by_channel,
                "manifests": self.manifests, "follow_up": self.follow_up,
                "letters": self.letters, "seconds": round(self.seconds, 2)}


def _write(path: Path, data: bytes | str) -> None:
    write_private(path, data)


def _letter_jobs(session: Session, incident: Incident, facts: list[NoticeFacts],
                 notices: list[Notice], *, actor: str, tz: ZoneInfo,
                 issued_on: date) -> list[LetterJob]:
    """Court notices and representative letters for the open tasks that call for them.

    A task that waits on another (the notice to the immigration judge waits for the Notice to
    Appear: before it there is no court case) gets its letter once that task is done. A task
    that reopens after the person's notice went out still gets its letter: the letter is
    written from the task, about the person's notice whatever its delivery status."""
    before = aliased(Task)
    query = (select(Task.person_id, Task.action)
             .join(TaskIncident, TaskIncident.task_id == Task.id)
             .outerjoin(before, before.id == Task.depends_on_id)
             .where(TaskIncident.incident_id == incident.id, Task.status == "open",
                    Task.action.in_(list(COURT_LETTERS)),
                    or_(Task.depends_on_id.is_(None), before.status == "done"))
             .order_by(Task.person_id, Task.action))
    wanted = [(pid, action) for pid, action in session.execute(query) if pid is not None]
    by_recipient: dict[tuple[int, str], NoticeFacts] = {
        (n.person_id, n.recipient): f for n, f in zip(notices, facts, strict=True)}
    missing = {pid for pid, action in wanted
               if (pid, _letter_recipient(action)) not in by_recipient}
    if missing:
        sent = list(session.execute(
            select(Notice).where(Notice.incident_id == incident.id,
                                 Notice.person_id.in_(sorted(missing)))
            .order_by(Notice.notice_number)).scalars())
        more = notice_facts(session, incident, sent, actor=actor, tz=tz, issued_on=issued_on)
        by_recipient.update({(n.person_id, n.recipient): f
                             for n, f in zip(sent, more, strict=True)})
    jobs = []
    for person_id, action in wanted:
        folder, suffix, template = COURT_LETTERS[action]
        subject = by_recipient.get((person_id, _letter_recipient(action)))
        if subject is not None:
            jobs.append(LetterJob(f"{subject.notice_number}-{suffix}", folder, template,
                                  subject))
    return jobs


def _letter_recipient(action: str) -> str:
    """Court notices speak of the noncitizen's case; the return letter goes to the lawyer."""
    return "representative" if COURT_LETTERS[action][0] == "representatives" else "noncitizen"


def _mark_generated(session: Session, notices: list[Notice], paths: list[Path],
                    moment: datetime) -> None:
    """One bulk UPDATE rather than thousands of flushed objects."""
    if not notices:
        return
    session.flush()
    session.execute(update(Notice), [
        # The first generation stays: deliveries of the first printing remain recordable.
        {"id": n.id, "generated_at": n.generated_at or moment, "document_path": str(path),
         "status": GENERATED if n.status == PENDING else n.status}
        for n, path in zip(notices, paths, strict=True)
    ])
    for notice in notices:
        session.expire(notice, ["generated_at", "document_path", "status"])


def generate_packets(
    session: Session, incident_id: str, out_dir: Path, *, actor: str, tz: ZoneInfo,
    progress: bool = True, workers: int | None = None, now: datetime | None = None,
) -> PacketReport:
    """Render every open notice of the incident, its manifests, mail merge and follow-up list."""
    started = time.perf_counter()
    prepare_workers()  # the workers' server starts while the notices are read
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NoticeNotFound(f"no incident {incident_id!r}")
    moment = now or clock.now()
    # Locked and re-read: a delivery recorded at the same time waits for this run (or this
    # run for it, and then leaves a notice it made delivered alone); without the lock the run
    # would write back the status it read before (PostgreSQL).
    notices = list(session.execute(
        select(Notice).where(Notice.incident_id == incident_id,
                             Notice.status.in_(OPEN_STATUSES))
        .order_by(Notice.notice_number).with_for_update()
        .execution_options(populate_existing=True)).scalars())
    facts = notice_facts(session, incident, notices, actor=actor, tz=tz,
                         issued_on=moment.astimezone(tz).date())
    report = PacketReport(incident_id, out_dir)
    letters = _letter_jobs(session, incident, facts, notices, actor=actor, tz=tz,
                           issued_on=moment.astimezone(tz).date())
    groups = by_facility(facts)
    manifests = [ManifestJob(incident_id, code, tuple(group)) for code, group in groups.items()]
    jobs: list[RenderJob] = [*facts, *letters, *manifests]
    if progress:
        paths = render_packets_with_bar(jobs, out_dir, label=f"packets {incident_id}",
                                        workers=workers)
    else:
        paths = render_packets(jobs, out_dir, workers=workers)
    for code, group in groups.items():
        _write(out_dir / "delivery-sheets" / f"{code or 'unknown'}.csv", delivery_sheet_csv(group))
    _write(out_dir / "mail-merge.csv", mail_merge_csv(facts))
    _write(out_dir / "follow-up.csv", follow_up_csv(facts))
    report.letters = dict(sorted(Counter(j.template for j in letters).items()))
    _mark_generated(session, notices, paths[: len(notices)], moment)
    report.packets = len(facts)
    report.by_language = dict(sorted(Counter(f.language for f in facts).items()))
    report.by_channel = dict(sorted(Counter(f.channel for f in facts).items()))
    report.manifests = len(groups)
    report.follow_up = sum(f.channel == "follow_up" for f in facts)
    report.seconds = time.perf_counter() - started
    record_event(session, actor=actor, action="notice.generate", object_type="incident",
                 object_id=incident_id, detail={k: v for k, v in report.as_dict().items()
                                                if k not in ("out_dir", "seconds")})
    return report

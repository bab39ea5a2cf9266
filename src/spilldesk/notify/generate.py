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

Only notices not yet on their way are (re)rendered: a mailed or delivered packet is a record.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.notify.batch import render_packets, render_packets_with_bar
from spilldesk.notify.facts import NoticeFacts
from spilldesk.notify.labels import page_footer
from spilldesk.notify.letters import render_template
from spilldesk.notify.manifests import (
    by_facility,
    delivery_sheet_csv,
    follow_up_csv,
    mail_merge_csv,
    render_facility_manifest,
)
from spilldesk.notify.pdf import render_packet_pdf
from spilldesk.notify.records import notice_facts
from spilldesk.response.notices import GENERATED, OPEN_STATUSES, PENDING, NoticeError
from spilldesk.store.audit import record_event
from spilldesk.store.models import Incident, Notice, Task, TaskIncident
from spilldesk.store.types import utcnow

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
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)


def _letters(session: Session, incident_id: str, facts: list[NoticeFacts], notices: list[Notice],
             out_dir: Path) -> dict[str, int]:
    """Court notices and representative letters for the open tasks that call for them."""
    by_recipient: dict[tuple[int, str], NoticeFacts] = {
        (n.person_id, n.recipient): f for n, f in zip(notices, facts, strict=True)}
    query = (select(Task.person_id, Task.action)
             .join(TaskIncident, TaskIncident.task_id == Task.id)
             .where(TaskIncident.incident_id == incident_id, Task.status == "open",
                    Task.action.in_(list(COURT_LETTERS))))
    written: Counter[str] = Counter()
    for person_id, action in session.execute(query):
        folder, suffix, template = COURT_LETTERS[action]
        # Court notices speak of the noncitizen's case; the return letter goes to the lawyer.
        recipient = "representative" if folder == "representatives" else "noncitizen"
        subject = by_recipient.get((person_id, recipient))
        if subject is None:
            continue
        text = render_template(template, "en", n=subject, court="")
        name = f"{subject.notice_number}-{suffix}"
        pdf = render_packet_pdf(name, [text], footer=page_footer("en", name), title="Letter")
        _write(out_dir / folder / f"{name}.pdf", pdf)
        written[action] += 1
    return dict(sorted(written.items()))


def generate_packets(
    session: Session, incident_id: str, out_dir: Path, *, actor: str, tz: ZoneInfo,
    progress: bool = True, workers: int | None = None, now: datetime | None = None,
) -> PacketReport:
    """Render every open notice of the incident, its manifests, mail merge and follow-up list."""
    started = time.perf_counter()
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NoticeError(f"no incident {incident_id!r}")
    moment = now or utcnow()
    notices = list(session.execute(
        select(Notice).where(Notice.incident_id == incident_id,
                             Notice.status.in_(OPEN_STATUSES))
        .order_by(Notice.notice_number)).scalars())
    facts = notice_facts(session, incident, notices, actor=actor, tz=tz,
                         issued_on=moment.astimezone(tz).date())
    report = PacketReport(incident_id, out_dir)
    folder = out_dir / "notices"
    if progress:
        paths = render_packets_with_bar(facts, folder, label=f"packets {incident_id}",
                                        workers=workers)
    else:
        paths = render_packets(facts, folder, workers=workers)
    groups = by_facility(facts)
    for code, group in groups.items():
        _write(out_dir / "manifests" / f"{code or 'unknown'}.pdf",
               render_facility_manifest(incident_id, group))
        _write(out_dir / "delivery-sheets" / f"{code or 'unknown'}.csv", delivery_sheet_csv(group))
    _write(out_dir / "mail-merge.csv", mail_merge_csv(facts))
    _write(out_dir / "follow-up.csv", follow_up_csv(facts))
    report.letters = _letters(session, incident_id, facts, notices, out_dir)
    for notice, path in zip(notices, paths, strict=True):
        notice.generated_at = moment
        notice.document_path = str(path)
        if notice.status == PENDING:
            notice.status = GENERATED
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

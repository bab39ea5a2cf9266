"""Letters that tell people whose notice is on its way or received that their pause on
removal was extended: the new date, or "until further notice".

The pause runs from the day notice was provided (`spilldesk.domain.holds`), so the new date is
each person's own: it is computed by the same hold rule clearance uses. A person whose notice
has not gone out yet gets no separate letter: their packet is still open, and the next
`notify generate` prints the extension in it. Output: `<out>/extensions/<notice>-E<id>.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk import clock
from spilldesk.domain.holds import first_day_allowed, hold_ends_at, provided_at
from spilldesk.intake.incidents import get_incident
from spilldesk.notify.batch import render_packets
from spilldesk.notify.facts_from_store import notice_facts
from spilldesk.notify.letters import LANGUAGES
from spilldesk.notify.notice_facts import NoticeFacts
from spilldesk.notify.notices import OPEN_STATUSES, NoticeError
from spilldesk.notify.packets import LetterJob
from spilldesk.safeguards.clearance import facts_for_people
from spilldesk.store.audit import record_event
from spilldesk.store.models import HoldExtension, Notice, RemovalHold


@dataclass
class ExtensionLetters:
    incident: str
    out_dir: Path
    letters: int = 0
    by_language: dict[str, int] = field(default_factory=dict)
    until_further_notice: int = 0
    waiting_for_their_notice: int = 0  # packets still open: the extension is printed in them

    def as_dict(self) -> dict[str, Any]:
        return {"incident": self.incident, "out_dir": str(self.out_dir),
                "letters": self.letters, "by_language": self.by_language,
                "until_further_notice": self.until_further_notice,
                "waiting_for_their_notice": self.waiting_for_their_notice}


def _pause_dates(session: Session, incident_id: str, person_ids: list[int],
                 tz: ZoneInfo) -> dict[int, tuple[date | None, date | None]]:
    """Each person's (day notice was provided, last day of the pause); None where unknown or
    when the pause runs until further notice."""
    dates: dict[int, tuple[date | None, date | None]] = {}
    for person_id, facts in facts_for_people(session, person_ids).items():
        mine = [i for i in facts.incidents if i.incident_id == incident_id]
        provided = provided_at(mine[0].attempts, mine[0].policy, tz=tz) if mine else None
        if provided is None:
            dates[person_id] = (None, None)
            continue
        end = hold_ends_at(provided, mine[0].hold_days, mine[0].extensions, tz)
        last = None if end is None else first_day_allowed(end, tz) - timedelta(days=1)
        dates[person_id] = (provided.astimezone(tz).date(), last)
    return dates


def write_extension_letters(session: Session, incident_id: str, out_dir: Path, *, actor: str,
                            tz: ZoneInfo, workers: int | None = None) -> ExtensionLetters:
    """One letter per held person whose notice already went out, after the latest extension."""
    incident = get_incident(session, incident_id)
    latest = session.scalar(select(HoldExtension).where(
        HoldExtension.incident_id == incident_id).order_by(HoldExtension.id.desc()).limit(1))
    if latest is None:
        raise NoticeError(f"incident {incident_id} has no extension (`spilldesk hold extend`)")
    held = set(session.execute(select(RemovalHold.person_id).where(
        RemovalHold.incident_id == incident_id, RemovalHold.released_at.is_(None))).scalars())
    notices = list(session.execute(select(Notice).where(
        Notice.incident_id == incident_id, Notice.recipient == "noncitizen",
        Notice.person_id.in_(sorted(held))).order_by(Notice.notice_number)).scalars()) \
        if held else []
    report = ExtensionLetters(incident_id, out_dir)
    sent = [n for n in notices if n.status not in OPEN_STATUSES]
    report.waiting_for_their_notice = len(notices) - len(sent)
    today = clock.now().astimezone(tz).date()
    facts = notice_facts(session, incident, sent, actor=actor, tz=tz, issued_on=today)
    dates = _pause_dates(session, incident_id, [n.person_id for n in sent], tz)
    jobs = []
    for notice, fact in zip(sent, facts, strict=True):
        received, last = dates[notice.person_id]
        dated: NoticeFacts = replace(fact, case=replace(fact.case, received_on=received,
                                                        hold_until=last))
        language = fact.language if fact.language in LANGUAGES else "en"
        jobs.append(LetterJob(f"{fact.notice_number}-E{latest.id}", "extensions",
                              "extension", dated, language))
        report.by_language[fact.language] = report.by_language.get(fact.language, 0) + 1
        report.until_further_notice += last is None
    render_packets(jobs, out_dir, workers=workers)
    report.letters = len(jobs)
    report.by_language = dict(sorted(report.by_language.items()))
    record_event(session, actor=actor, action="notice.extension_letters",
                 object_type="incident", object_id=incident_id,
                 detail={k: v for k, v in report.as_dict().items() if k != "out_dir"})
    return report

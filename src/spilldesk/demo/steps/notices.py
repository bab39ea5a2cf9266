"""Step: render an incident's notice packets; then a realistic first week of deliveries —
officers serving packets by hand at a few facilities (a few refusals), the mail house mailing
a share of the letters (a few come back a week later) — so that clearance shows people both
blocked and cleared."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from spilldesk import clock
from spilldesk.demo.runner import DemoContext, DemoError
from spilldesk.demo.timeline import MAIL_RETURNED_AFTER, IncidentSteps
from spilldesk.notify.generate import generate_packets
from spilldesk.notify.notices import Delivery, apply_delivery, notice_status
from spilldesk.store.models import Notice, Person

HAND_FACILITIES = 3  # the facilities with the most notices get served first
MAILED_SHARE = 0.5
REFUSED_SHARE = 0.05
RETURNED_SHARE = 0.05

Returned = list[tuple[int, datetime]]  # notice id, when the mail came back


def generate(ctx: DemoContext, incident_id: str) -> dict[str, Any]:
    with ctx.desk.session() as session:
        report = generate_packets(session, incident_id,
                                  ctx.settings.workdir / "packets" / incident_id,
                                  actor=ctx.actor, tz=ctx.settings.timezone, progress=True)
    ctx.say(f"{incident_id}: {report.packets} packets in {report.seconds:.1f} s "
            f"({report.manifests} facility manifests, {report.follow_up} follow-up)")
    return report.as_dict()


def deliver(ctx: DemoContext, incident_id: str, steps: IncidentSteps, rng: random.Random
            ) -> tuple[dict[str, int], Returned]:
    """The officers' sheets and the mail-house file, recorded when they come back."""
    with clock.replaying(steps.deliveries_recorded), ctx.desk.session() as session:
        rows = [(notice, person.facility_code) for notice, person in session.execute(
            select(Notice, Person).join(Person, Person.id == Notice.person_id)
            .where(Notice.incident_id == incident_id, Notice.recipient == "noncitizen")
            .order_by(Notice.notice_number)).all()]
        by_facility = Counter(code for notice, code in rows if notice.channel == "hand")
        facilities = {code for code, _ in by_facility.most_common(HAND_FACILITIES)}
        hours = int(steps.delivery_spread.total_seconds() // 3600)
        counts: Counter[str] = Counter()
        returned: Returned = []
        for notice, code in rows:
            moment = steps.first_delivery + timedelta(hours=rng.randint(0, hours))
            if notice.channel == "hand" and code in facilities:
                status = "refused" if rng.random() < REFUSED_SHARE else "delivered"
                counts[status] += 1
                apply_delivery(session, notice, Delivery(
                    status, moment, "hand", served_by=f"ERO officer {rng.randint(1, 12)}",
                    location=code), actor=ctx.actor)
            elif notice.channel in ("usps", "usps_international") and rng.random() < MAILED_SHARE:
                counts["mailed"] += 1
                apply_delivery(session, notice, Delivery("mailed", moment, "usps"),
                               actor=ctx.actor)
                if rng.random() < RETURNED_SHARE:
                    returned.append((notice.id, moment + MAIL_RETURNED_AFTER))
    return dict(sorted(counts.items())), returned


def record_returns(ctx: DemoContext, returned: Returned) -> int:
    """Mail that came back undeliverable (recorded by the mail room as it arrives)."""
    with ctx.desk.session() as session:
        for notice_id, moment in returned:
            notice = session.get(Notice, notice_id)
            if notice is None:
                raise DemoError(f"notice {notice_id} vanished before its mail came back")
            apply_delivery(session, notice, Delivery(
                "returned", moment, "usps", note="returned undeliverable by USPS"),
                actor=ctx.actor)
    return len(returned)


def provided(ctx: DemoContext, incident_id: str) -> int:
    with ctx.desk.session() as session:
        figures = notice_status(session, incident_id, tz=ctx.settings.timezone)
        return int(figures["provided_to_noncitizen"])

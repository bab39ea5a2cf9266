"""Stage: render every notice packet of both incidents, then record a realistic first week
of deliveries — officers serving packets by hand at a few facilities (a few refusals), the
mail house mailing a share of the letters (a few come back) — so that clearance shows people
both blocked and cleared."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from spilldesk.demo.runner import DemoContext
from spilldesk.notify.generate import generate_packets
from spilldesk.response.notices import Delivery, apply_delivery, notice_status
from spilldesk.store.models import Incident, Notice, Person

TITLE = "Notify: notice packets in each person's language, and the first deliveries"

HAND_FACILITIES = 3  # the facilities with the most notices get served first
MAILED_SHARE = 0.5
REFUSED_SHARE = 0.05
RETURNED_SHARE = 0.05


def run(ctx: DemoContext) -> dict[str, Any]:
    tz = ctx.settings.timezone
    result: dict[str, Any] = {"incidents": {}}
    with ctx.desk.session() as session:
        incidents = list(session.execute(
            select(Incident).order_by(Incident.exposed_from)).scalars())
        for incident in incidents:
            report = generate_packets(session, incident.id,
                                      ctx.settings.workdir / "packets" / incident.id,
                                      actor=ctx.actor, tz=tz, progress=True)
            ctx.say(f"{incident.id}: {report.packets} packets in {report.seconds:.1f} s "
                    f"({report.manifests} facility manifests, {report.follow_up} follow-up)")
            result["incidents"][incident.id] = report.as_dict()
    with ctx.desk.session() as session:
        rng = random.Random(ctx.seed)
        for incident in incidents:
            served = _first_deliveries(session, incident, rng, ctx.actor)
            result["incidents"][incident.id]["deliveries"] = served
            status = notice_status(session, incident.id)
            result["incidents"][incident.id]["provided_to_noncitizen"] = (
                status["provided_to_noncitizen"])
    result["notices_by_language"] = _total(result, "by_language")
    result["notices_by_channel"] = _total(result, "by_channel")
    result["packets_dir"] = str(ctx.settings.workdir / "packets")
    return result


def _total(result: dict[str, Any], key: str) -> dict[str, int]:
    total: Counter[str] = Counter()
    for report in result["incidents"].values():
        total.update(report[key])
    return dict(sorted(total.items()))


def _first_deliveries(session: Any, incident: Incident, rng: random.Random, actor: str
                      ) -> dict[str, int]:
    rows = session.execute(
        select(Notice, Person.facility_code).join(Person, Person.id == Notice.person_id)
        .where(Notice.incident_id == incident.id, Notice.recipient == "noncitizen")
        .order_by(Notice.notice_number)).all()
    start = incident.exposed_until + timedelta(days=3)  # packets printed, officers briefed
    by_facility = Counter(code for notice, code in rows if notice.channel == "hand")
    facilities = {code for code, _ in by_facility.most_common(HAND_FACILITIES)}
    counts: Counter[str] = Counter()
    for notice, code in rows:
        moment = start + timedelta(hours=rng.randint(0, 96))
        if notice.channel == "hand" and code in facilities:
            status = "refused" if rng.random() < REFUSED_SHARE else "delivered"
            counts[status] += 1
            apply_delivery(session, notice, Delivery(
                status, moment, "hand", served_by=f"ERO officer {rng.randint(1, 12)}",
                location=code), actor=actor)
        elif notice.channel in ("usps", "usps_international") and rng.random() < MAILED_SHARE:
            counts["mailed"] += 1
            apply_delivery(session, notice, Delivery("mailed", moment, "usps"), actor=actor)
            if rng.random() < RETURNED_SHARE:
                counts["returned"] += 1
                apply_delivery(session, notice, Delivery(
                    "returned", moment + timedelta(days=12), "usps",
                    note="returned undeliverable by USPS"), actor=actor)
    return dict(sorted(counts.items()))

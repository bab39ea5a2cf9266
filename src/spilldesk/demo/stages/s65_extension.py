"""Stage: the 30-day pause extended on Dec 14, 2022, and the letters that say so.

The seed: "we are extending the 30-day pause on removals for the impacted noncitizens to allow
them time to further discuss their options with a legal representative". The desk extends
every hold of both incidents by 30 days, then writes each held person whose notice already
went out a letter in their language with their own new date (their notice's day + 30 + 30, by
the hold rule); notices not yet out print the extension in their packet when next generated.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from spilldesk import clock
from spilldesk.demo.runner import DemoContext
from spilldesk.demo.timeline import EXTENSION_DAYS, HOLDS_EXTENDED
from spilldesk.notify.extension_letters import write_extension_letters
from spilldesk.safeguards.holds import extend_holds
from spilldesk.store.models import Incident

TITLE = "Extension: the pause on removals extended on Dec 14, 2022, and its letters"
REASON = ("ICE is implementing options to remedy the disclosure: time for the impacted "
          "noncitizens to discuss their options with a legal representative")


def run(ctx: DemoContext) -> dict[str, Any]:
    tz = ctx.settings.timezone
    result: dict[str, Any] = {}
    with clock.replaying(HOLDS_EXTENDED):
        with ctx.desk.session() as session:
            incidents = list(session.execute(
                select(Incident.id).order_by(Incident.exposed_from)).scalars())
            for incident_id in incidents:
                extend_holds(session, incident_id, days=EXTENSION_DAYS, reason=REASON,
                             actor=ctx.actor)
        for incident_id in incidents:
            out_dir = ctx.settings.workdir / "packets" / incident_id
            with ctx.desk.session() as session:
                report = write_extension_letters(session, incident_id, out_dir,
                                                 actor=ctx.actor, tz=tz)
            result[incident_id] = {k: v for k, v in report.as_dict().items()}
            ctx.say(f"{incident_id}: pause extended {EXTENSION_DAYS} days; {report.letters} "
                    f"extension letters, {report.waiting_for_their_notice} notices not yet "
                    "out will print it")
    return result

"""Stage: the clawback of the Nov 28 workbook, on Dec 14–22, 2022.

OPLA reads ice.gov's access log with the network team's owners table, finds every client
that received the whole workbook, writes the letters into the desk
(`<workdir>/clawback/<incident>/`), records the first answers two days later and sends
follow-ups to the silent once their week has passed. The summary compares the recipients
found with the scenario's truth (the truth is read here, to score, never by the desk).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from spilldesk import clock
from spilldesk.clawback.answers import clawback_status, record_answer
from spilldesk.clawback.letters import recipients_of, write_letters
from spilldesk.clawback.logs import read_logs
from spilldesk.clawback.owners import parse_networks, read_owners
from spilldesk.clawback.search import examine, record_search, search_target
from spilldesk.demo.runner import DemoContext, DemoError
from spilldesk.demo.steps.linking import truth
from spilldesk.demo.timeline import (
    CLAWBACK,
    CLAWBACK_ANSWERS,
    CLAWBACK_FOLLOW_UP,
    CLAWBACK_REPLY_DAYS,
)
from spilldesk.scenario.generate import ACCESS_LOG_FILE, NETWORK_OWNERS_FILE

TITLE = "Clawback: who downloaded the Nov 28 workbook, their letters, answers and follow-ups"

INCIDENT = "ICE-2022-11-28"
INTERNAL = ["198.51.100.0/24"]  # ICE's web-publishing network
ANSWERS = (("destroyed", "signed certification of destruction received by email"),
           ("acknowledged", "email from the recipient's counsel: deletion under way"))


def run(ctx: DemoContext) -> dict[str, Any]:
    log, owners = ctx.scenario_dir / ACCESS_LOG_FILE, ctx.scenario_dir / NETWORK_OWNERS_FILE
    missing = [p.name for p in (log, owners) if not p.exists()]
    if missing:
        raise DemoError(f"the scenario lacks {', '.join(missing)}")
    out_dir = ctx.settings.workdir / "clawback" / INCIDENT
    tz = ctx.settings.timezone
    with clock.replaying(CLAWBACK):
        found = _find(ctx, log, owners)
        with ctx.desk.session() as session:
            first = write_letters(session, INCIDENT, out_dir, actor=ctx.actor, tz=tz,
                                  reply_days=CLAWBACK_REPLY_DAYS)
    with clock.replaying(CLAWBACK_ANSWERS):
        answered = _answer(ctx)
    with clock.replaying(CLAWBACK_FOLLOW_UP), ctx.desk.session() as session:
        follow = write_letters(session, INCIDENT, out_dir, actor=ctx.actor, tz=tz,
                               reply_days=CLAWBACK_REPLY_DAYS)
        status = clawback_status(session, INCIDENT, tz=tz)
    result = {
        **found,
        "letters": first.first_letters, "follow_ups": follow.follow_ups,
        "answers": answered, "status": status["counts"], "by_state": status["by_state"],
        "letters_dir": str(out_dir),
        "truth": _against_truth(ctx, found["clients"]),
    }
    ctx.say(f"clawback: {found['recipients']} recipients ({result['truth']['found']} of "
            f"{result['truth']['downloaders']} true downloaders, {result['truth']['extra']} "
            f"extra), {first.first_letters} letters, {follow.follow_ups} follow-ups, "
            f"{found['awaiting_owner']} owner(s) to identify")
    return result


def _find(ctx: DemoContext, log: Any, owners: Any) -> dict[str, Any]:
    tz = ctx.settings.timezone
    with ctx.desk.session() as session:
        target = search_target(session, INCIDENT, None, None)
    reading = read_logs([log], target.file_name, workers=1)
    networks = parse_networks(INTERNAL)
    size, source, findings = examine(target, reading, networks)
    with ctx.desk.session() as session:
        report = record_search(session, target, size, source, reading, findings,
                               owners=read_owners(owners), owners_file=owners,
                               internal=INTERNAL, actor=ctx.actor, tz=tz)
        document = report.to_json(tz)
    recipients = document["recipients"]
    return {
        "log_lines": document["lines"], "malformed_lines": document["malformed"],
        "document_size": document["document_size"], "size_source": document["size_source"],
        "recipients": len(recipients),
        "downloads": sum(r["downloads"] for r in recipients),
        "crawlers": sum(1 for r in recipients if r["crawler"]),
        "awaiting_owner": sum(1 for r in recipients if not r["owner_known"]),
        "evidence": document["evidence"], "warnings": document["warnings"],
        "clients": sorted(r["client"] for r in recipients),
    }


def _answer(ctx: DemoContext) -> dict[str, int]:
    """The first two recipients written to answer (the others stay silent)."""
    tz = ctx.settings.timezone
    recorded: Counter[str] = Counter()
    with ctx.desk.session() as session:
        written = [r for r in recipients_of(session, INCIDENT) if r.letters]
        for row, (status, evidence) in zip(written, ANSWERS, strict=False):
            record_answer(session, INCIDENT, row.reference, status=status, at=clock.now(),
                          evidence=evidence, actor=ctx.actor, tz=tz)
            recorded[status] += 1
    return dict(sorted(recorded.items()))


def _against_truth(ctx: DemoContext, clients: list[str]) -> dict[str, Any]:
    access = truth(ctx.scenario_dir).get("access_log", {})
    expected = {d["client"] for d in access.get("downloaders", [])}
    not_recipients = set(access.get("partial_only", [])) | set(access.get("internal", [])) | \
        set(access.get("not_found_after_removal", []))
    found = set(clients)
    return {
        "downloaders": len(expected), "found": len(found & expected),
        "missed": len(expected - found), "extra": len(found - expected),
        "non_downloaders_taken_for_recipients": len(found & not_recipients),
    }

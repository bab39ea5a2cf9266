"""Step: link an incident's records to registry persons; the overlap of two incidents.

Beside the figures the desk produces, the demo reads the scenario's ground truth (the demo
only; the product never does) to show precision and recall and the true overlap (46 / 57).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from spilldesk.demo.runner import DemoContext
from spilldesk.matching.linkage import LinkReport, a_numbers_for, link_incident
from spilldesk.matching.overlap import overlap
from spilldesk.store.models import DisclosedRecord, ReviewItem


def truth(scenario_dir: Path) -> dict[str, Any]:
    path = scenario_dir / "truth" / "ground_truth.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _scores(ctx: DemoContext, incident_id: str, truth: dict[str, Any]) -> dict[str, Any]:
    """Precision and recall of the stored matches against the truth (by sheet row).

    `recall_with_review` also counts records whose open review candidates include the
    right person: a human decides those, nobody is lost.
    """
    expected = {(truth.get("sheet"), r["row"]): r["a_number"] for r in truth.get("records", [])}
    if not expected:
        return {}
    with ctx.desk.session() as session:
        records = list(
            session.execute(
                select(DisclosedRecord).where(DisclosedRecord.incident_id == incident_id)
            ).scalars()
        )
        candidates = session.execute(
            select(ReviewItem.record_id, ReviewItem.person_id).where(
                ReviewItem.incident_id == incident_id, ReviewItem.status == "open"
            )
        ).all()
        people = {r.person_id for r in records if r.person_id} | {p for _, p in candidates if p}
        shown = a_numbers_for(
            session,
            sorted(people),
            reveal=True,
            actor=ctx.actor,
            purpose="demo: score against truth",
        )
    row_of = {r.id: (r.source_sheet, r.source_row) for r in records}
    matched = [r for r in records if r.link_status == "matched" and r.person_id]
    correct = sum(
        1
        for r in matched
        if r.person_id is not None and expected.get(row_of[r.id]) == shown[r.person_id]
    )
    in_review = {
        record_id
        for record_id, person_id in candidates
        if person_id and expected.get(row_of[record_id]) == shown[person_id]
    }
    return {
        "precision": round(correct / len(matched), 4) if matched else None,
        "recall": round(correct / len(expected), 4),
        "recall_with_review": round((correct + len(in_review)) / len(expected), 4),
        "truth_records": len(expected),
    }


def _summary(report: LinkReport) -> dict[str, Any]:
    return {
        "matched": report.matched,
        "review": report.review,
        "unmatched": report.unmatched,
        "reasons": report.reasons,
        "exposures": report.exposures_created,
    }


def link(ctx: DemoContext, incident_id: str, truth_of_file: dict[str, Any]) -> dict[str, Any]:
    with ctx.desk.session() as session:
        report = link_incident(session, incident_id, actor=ctx.actor)
    return {**_summary(report), **_scores(ctx, incident_id, truth_of_file)}


def overlap_of(ctx: DemoContext, first: str, second: str, truth: dict[str, Any]
               ) -> dict[str, Any]:
    with ctx.desk.session() as session:
        found = overlap(session, first, second, actor=ctx.actor)
    listed = truth.get("cuba_list", {}).get("records", [])
    return {
        "in_both": len(found.both),
        "only_second": len(found.only_second),
        "still_in_review": found.open_review,
        "truth": {
            "in_both": sum(1 for r in listed if r.get("in_workbook")),
            "only_second": sum(1 for r in listed if not r.get("in_workbook")),
        },
    }

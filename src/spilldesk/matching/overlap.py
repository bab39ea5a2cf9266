"""Cross-incident overlap: who was exposed by both incidents, and who by only one.

Exposures decide (a review-queue candidate is not yet exposed; the counts of open review
items are reported beside so that nobody mistakes "pending" for "not affected").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from spilldesk.intake.incidents import get_incident
from spilldesk.matching.linkage import a_numbers_for
from spilldesk.store.audit import record_event
from spilldesk.store.models import Exposure, ReviewItem


@dataclass(frozen=True)
class Overlap:
    first: str
    second: str
    both: list[str]  # A-numbers (masked unless revealed), sorted
    only_first: list[str]
    only_second: list[str]
    open_review: dict[str, int]  # incident → records still in review

    def as_json(self) -> dict[str, Any]:
        return {
            "incidents": [self.first, self.second],
            "counts": {
                "both": len(self.both),
                f"only_{self.first}": len(self.only_first),
                f"only_{self.second}": len(self.only_second),
            },
            "both": self.both,
            "only_first": self.only_first,
            "only_second": self.only_second,
            "open_review": self.open_review,
        }


def _exposed(session: Session, incident_id: str) -> set[int]:
    rows = session.execute(select(Exposure.person_id).where(Exposure.incident_id == incident_id))
    return set(rows.scalars())


def _in_review(session: Session, incident_id: str) -> int:
    query = select(func.count(func.distinct(ReviewItem.record_id))).where(
        ReviewItem.incident_id == incident_id, ReviewItem.status == "open"
    )
    return int(session.execute(query).scalar_one())


def overlap(
    session: Session, first: str, second: str, *, actor: str = "system", reveal: bool = False
) -> Overlap:
    """Persons exposed by both incidents / only the first / only the second."""
    one, two = get_incident(session, first).id, get_incident(session, second).id
    exposed_one, exposed_two = _exposed(session, one), _exposed(session, two)
    everyone = sorted(exposed_one | exposed_two)
    shown = a_numbers_for(
        session, everyone, reveal=reveal, actor=actor, purpose=f"overlap of {one} and {two}"
    )

    def listed(ids: set[int]) -> list[str]:
        return sorted(shown[i] for i in ids)

    result = Overlap(
        one,
        two,
        listed(exposed_one & exposed_two),
        listed(exposed_one - exposed_two),
        listed(exposed_two - exposed_one),
        {one: _in_review(session, one), two: _in_review(session, two)},
    )
    if reveal:
        record_event(
            session,
            actor=actor,
            action="incident.overlap",
            object_type="incident",
            object_id=f"{one}|{two}",
            detail={"both": len(result.both)},
        )
    return result


__all__ = ["Overlap", "overlap"]

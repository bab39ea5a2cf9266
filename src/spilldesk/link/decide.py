"""From scored pairs to one outcome per record: matched, review or unmatched.

Never a silent pick: an A-number that agrees while the name and date of birth do not, two
close candidates, two records claiming one person, or a person who was not in custody on
the incident's reference date all go to a human. Every record gets exactly one result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from spilldesk.link.model import Candidate, LinkResult, LinkSettings

IDENTIFIER = "identifier"


@dataclass(frozen=True)
class CustodyStay:
    book_in: date | None
    book_out: date | None

    def covers(self, day: date) -> bool:
        if self.book_in is None or self.book_in > day:
            return False
        return self.book_out is None or self.book_out >= day


def candidates_by_record(
    pairs: pd.DataFrame, comparisons: Sequence[str], limit: int
) -> dict[int, list[Candidate]]:
    """Every record's scored candidates, best first (ties broken by person id)."""
    ordered = pairs.sort_values(
        ["record_id", "match_weight", "person_id"], ascending=[True, False, True]
    )
    found: dict[int, list[Candidate]] = defaultdict(list)
    columns = ["record_id", "person_id", "probability", "match_weight"]
    columns += [c for name in comparisons for c in (name, f"{name}_weight")]
    for row in ordered[columns].itertuples(index=False, name=None):
        values = dict(zip(columns, row, strict=True))
        record_id = int(values["record_id"])
        if len(found[record_id]) >= limit:
            continue
        explanation: dict[str, float | str] = {}
        for name in comparisons:
            explanation[name] = str(values[name])
            explanation[f"{name}_weight"] = float(values[f"{name}_weight"])
        found[record_id].append(
            Candidate(
                person_id=int(values["person_id"]),
                probability=float(values["probability"]),
                match_weight=float(values["match_weight"]),
                explanation=explanation,
            )
        )
    return found


def _evidence_beside_identifier(candidate: Candidate) -> float:
    """What everything but the A-number says (bits): below zero, it is someone else's record."""
    return sum(
        float(value)
        for key, value in candidate.explanation.items()
        if key.endswith("_weight") and key != f"{IDENTIFIER}_weight"
    )


def _result(
    record_id: int,
    status: str,
    chosen: Candidate | None,
    stage: str,
    candidates: Sequence[Candidate],
    reason: str | None,
) -> LinkResult:
    explanation: dict[str, object] = {"stage": stage}
    if chosen is not None:
        explanation |= {"match_weight": round(chosen.match_weight, 3), **chosen.explanation}
    return LinkResult(
        record_id=record_id,
        status=status,  # type: ignore[arg-type]
        person_id=chosen.person_id if chosen and status == "matched" else None,
        probability=chosen.probability if chosen else None,
        explanation=explanation,
        candidates=tuple(candidates),
        reason=reason,
    )


def _by_identifier(
    record_id: int, person_id: int, candidates: list[Candidate], settings: LinkSettings
) -> LinkResult:
    chosen = next((c for c in candidates if c.person_id == person_id), None)
    others = [c for c in candidates if c.person_id != person_id]
    if chosen is None:
        # Even an agreeing A-number could not lift the pair above the scoring floor.
        chosen = Candidate(person_id, 0.0, float("-inf"), {"identifier": "exact"})
    ordered = [chosen, *others]
    if chosen.probability == 0.0 or _evidence_beside_identifier(chosen) < settings.conflict_weight:
        result = _result(record_id, "review", chosen, "a_number", ordered, "conflict")
        result.explanation["conflict"] = "a_number_agrees_name_or_birth_date_does_not"
        return result
    return _result(record_id, "matched", chosen, "a_number", ordered, None)


def _by_probability(
    record_id: int, candidates: list[Candidate], settings: LinkSettings
) -> LinkResult:
    if not candidates:
        return _result(record_id, "unmatched", None, "probabilistic", [], "no_candidate")
    best = candidates[0]
    if best.probability < settings.review_threshold:
        return _result(record_id, "unmatched", None, "probabilistic", candidates, "below_threshold")
    runner_up = candidates[1] if len(candidates) > 1 else None
    if runner_up is not None and (
        best.match_weight - runner_up.match_weight < settings.ambiguity_margin
        and runner_up.probability >= settings.review_threshold
    ):
        return _result(record_id, "review", best, "probabilistic", candidates, "ambiguous")
    if best.probability < settings.match_threshold:
        return _result(record_id, "review", best, "probabilistic", candidates, "below_threshold")
    return _result(record_id, "matched", best, "probabilistic", candidates, None)


def _one_to_one(results: list[LinkResult]) -> list[LinkResult]:
    """A person takes at most one record: every further claim goes to review."""
    claims: dict[int, list[int]] = defaultdict(list)
    for index, result in enumerate(results):
        if result.status == "matched" and result.person_id is not None:
            claims[result.person_id].append(index)
    out = list(results)
    for person_id, indexes in claims.items():
        if len(indexes) < 2:
            continue
        by_identifier = [i for i in indexes if results[i].explanation["stage"] == "a_number"]
        keep = by_identifier[0] if len(by_identifier) == 1 else None
        for index in indexes:
            if index == keep:
                continue
            result = results[index]
            explanation = {
                **result.explanation,
                "conflict": "person_claimed_by_other_records",
                "claimed_person_id": person_id,
            }
            out[index] = replace(
                result, status="review", person_id=None, reason="conflict", explanation=explanation
            )
    return out


def _custody(
    results: list[LinkResult], stays: Mapping[int, CustodyStay], reference: date | None
) -> list[LinkResult]:
    if reference is None:
        return results
    out: list[LinkResult] = []
    for result in results:
        stay = stays.get(result.person_id) if result.person_id is not None else None
        if result.status == "matched" and stay is not None and not stay.covers(reference):
            explanation = {**result.explanation, "custody_reference_date": reference.isoformat()}
            result = replace(
                result,
                status="review",
                person_id=None,
                reason="not_in_custody_on_reference_date",
                explanation=explanation,
            )
        out.append(result)
    return out


def decide(
    record_ids: Sequence[int],
    identifier_hits: Mapping[int, int],
    candidates: Mapping[int, list[Candidate]],
    stays: Mapping[int, CustodyStay],
    *,
    custody_reference_date: date | None,
    settings: LinkSettings,
) -> list[LinkResult]:
    results: list[LinkResult] = []
    for record_id in record_ids:
        found = list(candidates.get(record_id, []))
        if record_id in identifier_hits:
            results.append(_by_identifier(record_id, identifier_hits[record_id], found, settings))
        else:
            results.append(_by_probability(record_id, found, settings))
    return _custody(_one_to_one(results), stays, custody_reference_date)

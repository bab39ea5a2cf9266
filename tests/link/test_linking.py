from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import pytest

from spilldesk.link import LinkRecord, LinkResult, LinkSettings, link_records

REFERENCE = date(2022, 11, 19)
# Record ids of the hand-made cases in conftest.CRAFTED_RECORDS.
CASES = {
    "conflict": 1,
    "cyrillic": 2,
    "swaps": 3,
    "twins": 4,
    "released": 5,
    "duplicate_a": 6,
    "duplicate_b": 7,
    "nobody": 8,
    "given_family_swapped": 9,
}


def outcome(linked: list[LinkResult], name: str) -> LinkResult:
    return next(r for r in linked if r.record_id == CASES[name])


def test_every_record_gets_one_result_in_order(linked, all_records) -> None:
    assert [r.record_id for r in linked] == [r.record_id for r in all_records]
    assert {r.status for r in linked} <= {"matched", "review", "unmatched"}


def test_noisy_records_link_without_false_matches(linked, noisy) -> None:
    truth = {1000 + i: int(p) for i, p in enumerate(noisy["true_person_id"])}
    results = [r for r in linked if r.record_id in truth]
    matched = [r for r in results if r.status == "matched"]
    wrong = [r for r in matched if r.person_id != truth[r.record_id]]
    assert wrong == []
    # Persons out of custody on the reference date go to review with the truth on top.
    released = [r for r in results if r.reason == "not_in_custody_on_reference_date"]
    assert all(r.candidates[0].person_id == truth[r.record_id] for r in released)
    assert (len(matched) + len(released)) / len(results) >= 0.96
    # Nothing the engine was unsure of is lost: the truth is among review candidates.
    for result in results:
        if result.status == "review" and result.reason != "not_in_custody_on_reference_date":
            assert truth[result.record_id] in {c.person_id for c in result.candidates}


def test_a_number_with_a_different_person_behind_it_is_a_conflict(linked) -> None:
    result = outcome(linked, "conflict")
    assert (result.status, result.reason) == ("review", "conflict")
    assert result.candidates[0].person_id == 900001
    assert result.person_id is None


def test_transliteration_accents_and_swaps_still_match(linked) -> None:
    assert outcome(linked, "cyrillic").person_id == 900002
    swaps = outcome(linked, "swaps")
    assert (swaps.status, swaps.person_id) == ("matched", 900003)
    assert swaps.explanation["family_name"] == "surnames swapped"
    assert swaps.explanation["date_of_birth"] == "day and month swapped"


def test_given_and_family_written_in_each_others_place(linked) -> None:
    result = outcome(linked, "given_family_swapped")
    assert result.status != "unmatched"
    assert result.candidates[0].person_id == 900008


def test_indistinguishable_twins_go_to_review_with_both(linked) -> None:
    result = outcome(linked, "twins")
    assert (result.status, result.reason) == ("review", "ambiguous")
    assert {900004, 900005} <= {c.person_id for c in result.candidates}


def test_person_not_in_custody_on_reference_date_is_reviewed(linked) -> None:
    result = outcome(linked, "released")
    assert (result.status, result.reason) == ("review", "not_in_custody_on_reference_date")
    assert result.candidates[0].person_id == 900006


def test_two_records_for_one_person_are_never_a_silent_pick(linked) -> None:
    first, second = outcome(linked, "duplicate_a"), outcome(linked, "duplicate_b")
    assert first.status == second.status == "review"
    assert first.reason == second.reason == "conflict"


def test_a_stranger_is_reported_unmatched(linked) -> None:
    result = outcome(linked, "nobody")
    assert result.status == "unmatched"
    assert result.reason in {"no_candidate", "below_threshold"}


def test_matches_carry_probability_and_per_comparison_explanation(linked) -> None:
    result = outcome(linked, "cyrillic")
    assert result.probability is not None and result.probability >= 0.99
    assert result.explanation["stage"] == "probabilistic"
    for comparison in ("family_name", "given_name", "date_of_birth", "country"):
        assert isinstance(result.explanation[comparison], str)
        assert isinstance(result.explanation[f"{comparison}_weight"], float)
    assert result.explanation["family_name"] == "exact"


def test_without_reference_date_the_released_person_matches(registry, crafted) -> None:
    records = [crafted["released"], crafted["cyrillic"]]
    results = link_records(records, registry, custody_reference_date=None)
    assert results[0].status == "matched" and results[0].person_id == 900006
    assert results[0].explanation["stage"] == "a_number"


def test_stricter_threshold_sends_more_to_review(registry, noisy) -> None:
    records = [
        LinkRecord(i, None, r.family_name, r.given_name, r.date_of_birth, None, None)
        for i, r in enumerate(noisy.head(60).itertuples(index=False))
    ]
    loose = Counter(r.status for r in link_records(records, registry, custody_reference_date=None))
    strict = Counter(
        r.status
        for r in link_records(
            records,
            registry,
            custody_reference_date=None,
            settings=LinkSettings(match_threshold=0.999999999),
        )
    )
    assert strict["matched"] < loose["matched"]


def test_registry_without_required_columns_is_refused(crafted) -> None:
    with pytest.raises(ValueError, match="date_of_birth"):
        link_records(
            [crafted["nobody"]], pd.DataFrame({"person_id": [1]}), custody_reference_date=None
        )


def test_no_records_no_work(registry) -> None:
    assert link_records([], registry, custody_reference_date=REFERENCE) == []


def test_a_birth_date_with_a_scanning_error_is_compared_not_a_crash(registry) -> None:
    """`1994-04-o6` (a letter for a digit, as OCR and retyping make) must not stop linkage:
    the record is still linked or reported, like any other."""
    from spilldesk.link.features import comparison_frame

    frame = pd.DataFrame({"unique_id": [1, 2], "a_number": [None, None],
                          "family_name": ["Pérez", "Núñez"], "given_name": ["Ana", "José"],
                          "date_of_birth": ["1994-04-o6", "1980-02-01"], "sex": ["F", "M"],
                          "country": ["CU", "MX"]})
    features = comparison_frame(frame)
    assert features["dob_swapped"].tolist() == [None, "1980-01-02"]
    record = LinkRecord(record_id=1, a_number=None, family_name="Pérez", given_name="Ana",
                        date_of_birth="1994-04-o6", sex=None, country=None)
    results = link_records([record], registry, custody_reference_date=None)
    assert [r.record_id for r in results] == [1]

"""Safety properties of the decision step, over arbitrary scored candidates (hypothesis)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from spilldesk.link.decide import CustodyStay, decide
from spilldesk.link.model import Candidate, LinkSettings

REFERENCE = date(2022, 11, 19)
PEOPLE = st.integers(min_value=1, max_value=12)


@st.composite
def candidate(draw: st.DrawFn) -> Candidate:
    probability = draw(st.floats(min_value=0.0, max_value=1.0))
    weight = draw(st.floats(min_value=-40, max_value=40))
    evidence = draw(st.floats(min_value=-20, max_value=20))
    return Candidate(
        draw(PEOPLE),
        probability,
        weight,
        {
            "family_name": "exact",
            "family_name_weight": evidence,
            "identifier": "exact",
            "identifier_weight": 10.0,
        },
    )


@st.composite
def stay(draw: st.DrawFn) -> CustodyStay:
    book_in = draw(st.none() | st.integers(-400, 60).map(lambda d: REFERENCE + timedelta(d)))
    book_out = draw(st.none() | st.integers(-100, 300).map(lambda d: REFERENCE + timedelta(d)))
    return CustodyStay(book_in, book_out)


@settings(max_examples=300, deadline=None)
@given(
    record_ids=st.lists(st.integers(1, 40), min_size=1, max_size=15, unique=True),
    found=st.dictionaries(st.integers(1, 40), st.lists(candidate(), max_size=4)),
    hits=st.dictionaries(st.integers(1, 40), PEOPLE, max_size=5),
    stays=st.dictionaries(PEOPLE, stay()),
    reference=st.none() | st.just(REFERENCE),
)
def test_every_record_one_outcome_no_silent_pick(record_ids, found, hits, stays, reference) -> None:
    candidates = {r: sorted(cs, key=lambda c: -c.match_weight) for r, cs in found.items()}
    results = decide(
        record_ids,
        hits,
        candidates,
        stays,
        custody_reference_date=reference,
        settings=LinkSettings(),
    )
    # Nothing is lost: one result per record, in order, with a known status.
    assert [r.record_id for r in results] == record_ids
    assert {r.status for r in results} <= {"matched", "review", "unmatched"}
    matched = [r for r in results if r.status == "matched"]
    # One to one: no person is silently given two records.
    assert all(n == 1 for n in Counter(r.person_id for r in matched).values())
    for result in results:
        if result.status == "matched":
            assert result.person_id is not None and result.reason is None
            if reference is not None and result.person_id in stays:
                assert stays[result.person_id].covers(reference)
        else:
            assert result.person_id is None and result.reason is not None
        if result.status == "review":
            # A reviewer always has someone to look at.
            assert result.candidates

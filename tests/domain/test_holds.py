"""The removal rule: examples for each clause, then safety properties over random histories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from spilldesk.domain.holds import (
    Clearance,
    Extension,
    IncidentFacts,
    NoticeAttempt,
    NoticePolicy,
    PersonClearanceFacts,
    ReasonCode,
    clearance_for,
    provided_at,
)

ET = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ET)


def hand(when: str, status: str = "delivered", recipient: str = "noncitizen") -> NoticeAttempt:
    return NoticeAttempt(recipient, "hand", status, at(when))


def mail(when: str, status: str = "delivered", recipient: str = "noncitizen") -> NoticeAttempt:
    return NoticeAttempt(recipient, "usps", status, at(when))


def person(*incidents: IncidentFacts) -> PersonClearanceFacts:
    return PersonClearanceFacts(known=True, incidents=incidents)


def check(facts: PersonClearanceFacts, on: str) -> Clearance:
    return clearance_for(facts, date.fromisoformat(on), ET)


def codes(clearance: Clearance) -> list[str]:
    return [r.code.value for r in clearance.reasons]


# --- "provided" -------------------------------------------------------------------------


def test_hand_delivery_and_refusal_count_at_once() -> None:
    assert provided_at([hand("2022-12-01T10:00")], tz=ET) == at("2022-12-01T10:00")
    assert provided_at([hand("2022-12-01T10:00", "refused")], tz=ET) == at("2022-12-01T10:00")


def test_mail_counts_after_the_policy_days() -> None:
    assert provided_at([mail("2022-12-01T14:00")], tz=ET) == at("2022-12-06T14:00")
    later = NoticePolicy(mail_days=10)
    assert provided_at([mail("2022-12-01T14:00")], later, tz=ET) == at("2022-12-11T14:00")


def test_returned_mail_never_counts_but_a_new_mailing_does() -> None:
    returned = [mail("2022-12-01T14:00"), mail("2022-12-09T09:00", "returned")]
    assert provided_at(returned, tz=ET) is None
    remailed = [*returned, mail("2022-12-10T09:00")]
    assert provided_at(remailed, tz=ET) == at("2022-12-15T09:00")


def test_attempted_representative_copy_and_email_do_not_count() -> None:
    attempts = [
        hand("2022-12-01T10:00", "attempted"),
        hand("2022-12-01T11:00", recipient="representative"),
        mail("2022-12-01T12:00", recipient="representative"),
        NoticeAttempt("noncitizen", "email", "delivered", at("2022-12-01T13:00")),
    ]
    assert provided_at(attempts, tz=ET) is None


def test_earliest_provision_wins() -> None:
    attempts = [mail("2022-12-01T14:00"), hand("2022-12-03T08:00")]
    assert provided_at(attempts, tz=ET) == at("2022-12-03T08:00")


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        provided_at([NoticeAttempt("noncitizen", "hand", "delivered", datetime(2022, 12, 1))],
                    tz=ET)


# --- notice block -----------------------------------------------------------------------


def test_unknown_person_is_never_cleared() -> None:
    result = clearance_for(PersonClearanceFacts(known=False), date(2030, 1, 1), ET)
    assert (result.cleared, result.blocked_until, codes(result)) == (
        False,
        None,
        ["unknown_person"],
    )


def test_person_with_no_incident_is_cleared() -> None:
    assert check(person(), "2022-12-01").cleared


def test_exposed_person_waits_for_notice_to_the_noncitizen() -> None:
    facts = person(
        IncidentFacts(
            "NOV28", exposed=True, attempts=(mail("2022-12-01T09:00", recipient="representative"),)
        )
    )
    result = check(facts, "2023-06-01")
    assert (result.cleared, result.blocked_until, codes(result)) == (
        False,
        None,
        ["notice_not_provided"],
    )


def test_notice_clears_from_the_next_whole_day() -> None:
    facts = person(IncidentFacts("NOV28", exposed=True, attempts=(hand("2022-12-01T10:00"),)))
    assert not check(facts, "2022-12-01").cleared
    assert check(facts, "2022-12-01").blocked_until == date(2022, 12, 2)
    assert check(facts, "2022-12-02").cleared


def test_notice_at_midnight_clears_that_day() -> None:
    facts = person(IncidentFacts("NOV28", exposed=True, attempts=(hand("2022-12-01T00:00"),)))
    assert check(facts, "2022-12-01").cleared


def test_mailed_notice_is_in_transit_until_it_counts() -> None:
    facts = person(IncidentFacts("NOV28", exposed=True, attempts=(mail("2022-12-01T14:00"),)))
    result = check(facts, "2022-12-06")
    assert codes(result) == ["notice_in_transit"]
    assert result.blocked_until == date(2022, 12, 7)
    assert check(facts, "2022-12-07").cleared


def test_every_exposing_incident_needs_its_own_notice() -> None:
    facts = person(
        IncidentFacts("NOV28", exposed=True, attempts=(hand("2022-12-01T10:00"),)),
        IncidentFacts("DEC07", exposed=True),
    )
    result = check(facts, "2023-03-01")
    assert not result.cleared
    assert [(r.code.value, r.incident_id) for r in result.reasons] == [
        ("notice_not_provided", "DEC07")
    ]


def test_review_candidate_is_blocked_open_ended() -> None:
    facts = person(IncidentFacts("DEC07", in_review=True))
    result = check(facts, "2030-01-01")
    assert (result.cleared, result.blocked_until, codes(result)) == (
        False,
        None,
        ["review_candidate"],
    )


# --- removal hold -----------------------------------------------------------------------


def held(*attempts: NoticeAttempt, extensions: tuple[Extension, ...] = ()) -> PersonClearanceFacts:
    return person(
        IncidentFacts("NOV28", exposed=True, held=True, attempts=attempts, extensions=extensions)
    )


def test_thirty_day_hold_from_a_mid_morning_notice_clears_the_day_after() -> None:
    facts = held(hand("2022-12-01T10:00"))
    assert not check(facts, "2022-12-31").cleared
    assert check(facts, "2022-12-31").blocked_until == date(2023, 1, 1)
    assert codes(check(facts, "2022-12-31")) == ["removal_hold"]
    assert check(facts, "2023-01-01").cleared


def test_hold_without_notice_is_open_ended() -> None:
    result = check(held(), "2024-01-01")
    assert result.blocked_until is None
    assert codes(result) == ["notice_not_provided", "removal_hold"]


def test_hold_counts_from_the_moment_mail_counts() -> None:
    facts = held(mail("2022-12-01T14:00"))
    assert check(facts, "2022-12-20").blocked_until == date(2023, 1, 6)


def test_extension_by_days_lengthens_a_running_hold() -> None:
    extension = Extension(at("2022-12-20T12:00"), days=30)
    facts = held(hand("2022-12-01T10:00"), extensions=(extension,))
    assert check(facts, "2023-01-15").blocked_until == date(2023, 1, 31)
    assert check(facts, "2023-01-31").cleared


def test_extension_by_days_gives_an_ended_hold_the_days_from_the_extension() -> None:
    extension = Extension(at("2023-02-10T15:00"), days=30)
    facts = held(hand("2022-12-01T10:00"), extensions=(extension,))
    result = check(facts, "2023-02-11")
    assert result.blocked_until == date(2023, 3, 13)
    # Fixed history, so the extension blocks every earlier date too: monotone in time.
    assert not check(facts, "2023-01-05").cleared


def test_extension_until_a_date_holds_through_that_whole_day_and_never_shortens() -> None:
    longer = Extension(at("2022-12-20T12:00"), until=date(2023, 2, 15))
    facts = held(hand("2022-12-01T10:00"), extensions=(longer,))
    assert check(facts, "2023-02-15").blocked_until == date(2023, 2, 16)
    shorter = Extension(at("2022-12-20T12:00"), until=date(2022, 12, 10))
    assert check(
        held(hand("2022-12-01T10:00"), extensions=(shorter,)), "2022-12-31"
    ).blocked_until == date(2023, 1, 1)


def test_indefinite_extension_blocks_with_no_date() -> None:
    facts = held(
        hand("2022-12-01T10:00"),
        extensions=(
            Extension(at("2022-12-20T12:00"), indefinite=True),
            Extension(at("2022-12-21T12:00"), days=5),
        ),
    )
    result = check(facts, "2030-01-01")
    assert (result.cleared, result.blocked_until, codes(result)) == (
        False,
        None,
        ["hold_extended_indefinitely"],
    )


def test_autumn_daylight_saving_change_never_shortens_a_hold() -> None:
    # 30 wall-clock days from 00:30 EDT end at 00:30 EST on Nov 6, after midnight.
    facts = held(hand("2022-10-07T00:30"))
    assert check(facts, "2022-11-06").blocked_until == date(2022, 11, 7)


def test_spring_daylight_saving_change_never_shortens_a_hold() -> None:
    # 30 x 24 hours from 23:30 EST end at 00:30 EDT on Mar 13, after the wall-clock end.
    facts = held(hand("2023-02-10T23:30"))
    assert check(facts, "2023-03-13").blocked_until == date(2023, 3, 14)


def test_timestamps_in_utc_are_judged_on_the_agency_clock() -> None:
    delivered = NoticeAttempt(
        "noncitizen", "hand", "delivered", datetime(2022, 12, 2, 3, 0, tzinfo=UTC)
    )
    facts = person(IncidentFacts("NOV28", exposed=True, attempts=(delivered,)))
    # 03:00 UTC on Dec 2 is 22:00 ET on Dec 1: removal allowed from Dec 2 in New York.
    assert check(facts, "2022-12-02").cleared


def test_extension_must_be_exactly_one_kind() -> None:
    with pytest.raises(ValueError):
        Extension(at("2022-12-20T12:00"), days=5, indefinite=True)
    with pytest.raises(ValueError):
        Extension(at("2022-12-20T12:00"), days=0)


# --- "provided" properties ----------------------------------------------------------------

attempts_strategy = st.lists(
    st.builds(
        NoticeAttempt,
        recipient=st.sampled_from(["noncitizen", "representative"]),
        method=st.sampled_from(["hand", "usps", "email", "fax"]),
        status=st.sampled_from(["delivered", "refused", "returned", "attempted", "mailed"]),
        at=st.integers(0, 24 * 60).map(lambda h: at("2022-12-01T08:00") + timedelta(hours=h)),
    ),
    max_size=8,
)


@given(attempts_strategy, attempts_strategy)
def test_representative_copies_never_change_provision(
    mine: list[NoticeAttempt], theirs: list[NoticeAttempt]
) -> None:
    copies = [NoticeAttempt("representative", a.method, a.status, a.at) for a in theirs]
    to_person = [a for a in mine if a.recipient == "noncitizen"]
    assert provided_at(to_person + copies, tz=ET) == provided_at(to_person, tz=ET)


@given(attempts_strategy, st.integers(0, 24 * 60))
def test_a_returned_letter_never_brings_provision_earlier(
    attempts: list[NoticeAttempt], hours: int
) -> None:
    before = provided_at(attempts, tz=ET)
    back = NoticeAttempt(
        "noncitizen", "usps", "returned", at("2022-12-01T08:00") + timedelta(hours=hours)
    )
    after = provided_at([*attempts, back], tz=ET)
    assert after is None or (before is not None and after >= before)


@given(attempts_strategy)
def test_provision_is_never_before_a_qualifying_attempt(attempts: list[NoticeAttempt]) -> None:
    moment = provided_at(attempts, tz=ET)
    if moment is not None:
        qualifying = [
            a.at
            for a in attempts
            if a.recipient == "noncitizen"
            and a.method in ("hand", "usps")
            and a.status in ("delivered", "refused", "mailed")
        ]
        assert qualifying and moment >= min(qualifying)


# --- safety properties over random histories --------------------------------------------

BASE = at("2022-11-28T09:45")
INCIDENTS = ("NOV28", "DEC07")
HOLD_DAYS = 30
MAIL_DAYS = 5
SLACK = timedelta(hours=1)  # a daylight-saving change may move the wall clock by an hour


def start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ET)


class History(RuleBasedStateMachine):
    """Random sequences of exposures, reviews, holds, attempts and extensions."""

    @initialize()
    def empty(self) -> None:
        self.exposed: set[str] = set()
        self.review: set[str] = set()
        self.held: set[str] = set()
        self.attempts: dict[str, list[NoticeAttempt]] = {i: [] for i in INCIDENTS}
        self.extensions: dict[str, list[Extension]] = {i: [] for i in INCIDENTS}

    @rule(incident=st.sampled_from(INCIDENTS))
    def expose(self, incident: str) -> None:
        self.exposed.add(incident)

    @rule(incident=st.sampled_from(INCIDENTS))
    def queue_for_review(self, incident: str) -> None:
        self.review.add(incident)

    @rule(incident=st.sampled_from(INCIDENTS))
    def place_hold(self, incident: str) -> None:
        self.held.add(incident)

    @rule(
        incident=st.sampled_from(INCIDENTS),
        recipient=st.sampled_from(["noncitizen", "noncitizen", "representative"]),
        method=st.sampled_from(["hand", "usps", "email"]),
        status=st.sampled_from(["delivered", "refused", "returned", "attempted"]),
        hours=st.integers(min_value=0, max_value=24 * 120),
    )
    def record_attempt(
        self, incident: str, recipient: str, method: str, status: str, hours: int
    ) -> None:
        when = BASE + timedelta(hours=hours)
        self.attempts[incident].append(NoticeAttempt(recipient, method, status, when))

    @rule(
        incident=st.sampled_from(INCIDENTS),
        hours=st.integers(min_value=0, max_value=24 * 150),
        kind=st.sampled_from(["days", "until", "indefinite"]),
        amount=st.integers(min_value=1, max_value=60),
    )
    def extend(self, incident: str, hours: int, kind: str, amount: int) -> None:
        recorded = BASE + timedelta(hours=hours)
        if kind == "days":
            extension = Extension(recorded, days=amount)
        elif kind == "until":
            extension = Extension(recorded, until=recorded.date() + timedelta(days=amount))
        else:
            extension = Extension(recorded, indefinite=True)
        self.extensions[incident].append(extension)

    def facts(self) -> PersonClearanceFacts:
        return person(
            *(
                IncidentFacts(
                    incident,
                    exposed=incident in self.exposed,
                    in_review=incident in self.review,
                    held=incident in self.held,
                    hold_days=HOLD_DAYS,
                    attempts=tuple(self.attempts[incident]),
                    extensions=tuple(self.extensions[incident]),
                )
                for incident in INCIDENTS
            )
        )

    def sample_days(self) -> list[date]:
        """Every fourth day, plus each day around every recorded event and extension end."""
        first = BASE.date() - timedelta(days=1)
        days = {first + timedelta(days=n) for n in range(0, 320, 4)}
        moments = [a.at for attempts in self.attempts.values() for a in attempts]
        moments += [e.recorded_at for extensions in self.extensions.values() for e in extensions]
        for moment in moments:
            for offset in (0, 1, MAIL_DAYS, MAIL_DAYS + 1, HOLD_DAYS, HOLD_DAYS + 1):
                days.add(moment.astimezone(ET).date() + timedelta(days=offset))
        return sorted(days)

    def earliest_possible_notice(self, incident: str, day: date) -> datetime | None:
        """Spec-level oracle: the earliest a noncitizen notice could count, or None."""
        to_person = [a for a in self.attempts[incident] if a.recipient == "noncitizen"]
        returns = [a.at for a in to_person if a.status == "returned"]
        candidates = []
        for a in to_person:
            if a.method == "hand" and a.status in ("delivered", "refused"):
                candidates.append(a.at)
            if (
                a.method == "usps"
                and a.status == "delivered"
                and not any(r >= a.at for r in returns)
            ):
                candidates.append(a.at + timedelta(days=MAIL_DAYS) - SLACK)
        return min(candidates, default=None)

    @invariant()
    def never_cleared_before_every_notice(self) -> None:
        facts = self.facts()
        for day in self.sample_days():
            if not clearance_for(facts, day, ET).cleared:
                continue
            for incident in self.exposed | self.held:
                notice = self.earliest_possible_notice(incident, day)
                assert notice is not None and notice <= start_of(day)

    @invariant()
    def never_cleared_within_hold_and_extensions(self) -> None:
        facts = self.facts()
        for day in self.sample_days():
            if not clearance_for(facts, day, ET).cleared:
                continue
            for incident in self.held:
                notice = self.earliest_possible_notice(incident, day)
                assert notice is not None
                extensions = self.extensions[incident]
                assert not any(e.indefinite for e in extensions)
                added = sum(e.days or 0 for e in extensions)
                assert start_of(day) >= notice + timedelta(days=HOLD_DAYS + added) - SLACK
                for e in extensions:
                    if e.days is not None:
                        assert start_of(day) >= e.recorded_at + timedelta(days=e.days) - SLACK
                    if e.until is not None:
                        assert day > e.until

    @invariant()
    def review_candidate_never_cleared(self) -> None:
        if self.review:
            facts = self.facts()
            assert not any(clearance_for(facts, d, ET).cleared for d in self.sample_days())

    @invariant()
    def monotone_in_time(self) -> None:
        facts = self.facts()
        seen_cleared = False
        for day in self.sample_days():
            cleared = clearance_for(facts, day, ET).cleared
            assert cleared or not seen_cleared
            seen_cleared = cleared

    @invariant()
    def blocked_until_is_the_first_cleared_day(self) -> None:
        facts = self.facts()
        for day in self.sample_days():
            result = clearance_for(facts, day, ET)
            if result.cleared:
                assert result.blocked_until is None and result.reasons == ()
                continue
            assert result.reasons
            if result.blocked_until is None:
                assert not clearance_for(facts, date(2100, 1, 1), ET).cleared
                continue
            assert result.blocked_until > day
            assert clearance_for(facts, result.blocked_until, ET).cleared
            before = result.blocked_until - timedelta(days=1)
            assert not clearance_for(facts, before, ET).cleared


History.TestCase.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)
TestHistory = History.TestCase


def test_reason_codes_are_the_documented_ones() -> None:
    assert {c.value for c in ReasonCode} == {
        "unknown_person",
        "review_candidate",
        "notice_not_provided",
        "notice_in_transit",
        "removal_hold",
        "hold_extended_indefinitely",
    }

"""The registry's people: who they are, where they were held, and their case as of now."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from spilldesk.domain.posture import Custody
from spilldesk.scenario import cases
from spilldesk.scenario.addresses import Address, abroad_address, us_address
from spilldesk.scenario.names import PersonName, make_name
from spilldesk.scenario.nationalities import (
    ENGLISH_SHARE_OF_SPANISH_SPEAKERS,
    NATIONALITIES,
    Nationality,
    Variant,
)
from spilldesk.scenario.shared_data import Facility
from spilldesk.scenario.timeline import CUSTODY_REFERENCE, EARLIEST_BOOK_IN, WORKBOOK_REPORTED
from spilldesk.scenario.weighted import Weighted


class Stay(Enum):
    """Where a person's current or last stay falls against the custody reference date."""

    SPANS_REFERENCE = "spans"  # in custody on Nov 19
    ENDED_BEFORE = "before"
    BEGAN_AFTER = "after"


STAY_SHARES = ((Stay.SPANS_REFERENCE, 0.42), (Stay.ENDED_BEFORE, 0.48), (Stay.BEGAN_AFTER, 0.10))
# Of those in custody on Nov 19, what has happened to them by the registry's date.
RELEASED_SINCE_REFERENCE = 0.08
REMOVED_SINCE_REFERENCE = 0.016
REMOVED_AFTER_DISCOVERY = 0.05
DISCOVERY_DAY = WORKBOOK_REPORTED.date()
MALE_SHARE = 0.86


@dataclass(slots=True)
class Person:
    a_number: str
    name: PersonName
    date_of_birth: date
    sex: str
    country: str
    language: str
    custody: Custody
    book_in: date
    book_out: date | None
    facility: Facility
    case: cases.Case
    case_on_reference: cases.Case | None  # the posture on Nov 19, for those then in custody
    address: Address | None = None
    representative_id: str | None = None

    def in_custody_on(self, day: date) -> bool:
        return self.book_in <= day and (self.book_out is None or self.book_out > day)


class FacilityPicker:
    """Facilities drawn in proportion to their average population, by whom they hold."""

    def __init__(self, facilities: list[Facility]) -> None:
        self._by_sex: dict[str, Weighted[Facility]] = {}
        for sex, word in (("M", "Male"), ("F", "Female")):
            group = [f for f in facilities if word in f.holds or f.holds in ("", "None")]
            weights = [max(f.average_population, 1.0) for f in group]
            self._by_sex[sex] = Weighted(group, weights)

    def pick(self, rng: random.Random, sex: str) -> Facility:
        return self._by_sex[sex].pick(rng)


def draw_a_numbers(rng: random.Random, count: int) -> list[str]:
    """Unique A-numbers: most recent (2xx-xxx-xxx), some older ones with a leading zero."""
    old = count * 15 // 100
    numbers = rng.sample(range(70_000_000, 99_999_999), old)
    numbers += rng.sample(range(200_000_000, 245_000_000), count - old)
    rng.shuffle(numbers)
    return [f"A{number:09d}" for number in numbers]


_NATIONALITY = Weighted(NATIONALITIES, [n.share for n in NATIONALITIES])
_VARIANTS = {n.code: Weighted(n.variants, [v.weight for v in n.variants]) for n in NATIONALITIES}


def draw_nationality(rng: random.Random) -> Nationality:
    return _NATIONALITY.pick(rng)


def draw_variant(rng: random.Random, nationality: Nationality) -> Variant:
    return _VARIANTS[nationality.code].pick(rng)


def draw_birth_date(rng: random.Random) -> date:
    age_days = int(rng.triangular(18, 66, 27) * 365.25)
    return CUSTODY_REFERENCE - timedelta(days=age_days + rng.randint(0, 364))


def _days(start: date, end: date) -> int:
    return (end - start).days


def _removal_day(rng: random.Random) -> date:
    """Removals after Nov 19: most before the Nov 28 discovery, a few after it (the seed:
    fewer than 10 were removed after the discovery and before they were notified)."""
    if rng.random() < REMOVED_AFTER_DISCOVERY:
        return DISCOVERY_DAY + timedelta(days=rng.randint(1, 10))
    days = (DISCOVERY_DAY - CUSTODY_REFERENCE).days
    return CUSTODY_REFERENCE + timedelta(days=rng.randint(1, days))


def draw_stay(rng: random.Random, stay: Stay) -> tuple[date, date | None, Custody]:
    """Book-in and book-out dates of the current or last stay, and custody now."""
    if stay is Stay.SPANS_REFERENCE:
        book_in = CUSTODY_REFERENCE - timedelta(days=min(int(rng.expovariate(1 / 50)), 420))
        draw = rng.random()
        if draw < REMOVED_SINCE_REFERENCE:
            return book_in, _removal_day(rng), Custody.REMOVED
        if draw < REMOVED_SINCE_REFERENCE + RELEASED_SINCE_REFERENCE:
            out = CUSTODY_REFERENCE + timedelta(days=rng.randint(1, 19))
            return book_in, out, Custody.RELEASED
        return book_in, None, Custody.DETAINED
    if stay is Stay.BEGAN_AFTER:
        book_in = CUSTODY_REFERENCE + timedelta(days=rng.randint(1, 19))
        return book_in, None, Custody.DETAINED
    span = _days(EARLIEST_BOOK_IN, CUSTODY_REFERENCE) - 2
    book_in = EARLIEST_BOOK_IN + timedelta(days=rng.randint(0, span))
    length = min(int(rng.expovariate(1 / 40)), _days(book_in, CUSTODY_REFERENCE) - 1)
    book_out = book_in + timedelta(days=max(length, 0))
    custody = Custody.REMOVED if rng.random() < 0.45 else Custody.RELEASED
    return book_in, book_out, custody


def draw_address(rng: random.Random, person: Person, nationality: Nationality) -> Address | None:
    """US addresses for people released, abroad for most removed, none for a few."""
    draw = rng.random()
    if person.custody is Custody.RELEASED:
        return us_address(rng) if draw < 0.97 else None
    if person.custody is Custody.REMOVED:
        if draw < 0.65:
            return abroad_address(rng, person.country, nationality.cities)
        return us_address(rng) if draw < 0.93 else None
    return us_address(rng) if draw < 0.30 else None


def draw_language(rng: random.Random, variant: Variant) -> str:
    if variant.language == "es" and rng.random() < ENGLISH_SHARE_OF_SPANISH_SPEAKERS:
        return "en"
    return variant.language


def draw_person(
    rng: random.Random,
    a_number: str,
    stay: Stay,
    facilities: FacilityPicker,
    nationality: Nationality | None = None,
) -> Person:
    nationality = nationality or draw_nationality(rng)
    variant = draw_variant(rng, nationality)
    sex = "M" if rng.random() < MALE_SHARE else "F"
    book_in, book_out, custody = draw_stay(rng, stay)
    case_then: cases.Case | None = None
    if stay is Stay.SPANS_REFERENCE and custody is Custody.REMOVED:
        case_then = cases.draw_case_before_removal(rng)
        case = cases.executed(case_then, rng)
    else:
        case = cases.draw_case(rng, custody)
        case_then = case if stay is Stay.SPANS_REFERENCE else None
    person = Person(
        a_number=a_number,
        name=make_name(rng, variant, sex),
        date_of_birth=draw_birth_date(rng),
        sex=sex,
        country=nationality.code,
        language=draw_language(rng, variant),
        custody=custody,
        book_in=book_in,
        book_out=book_out,
        facility=facilities.pick(rng, sex),
        case=case,
        case_on_reference=case_then,
    )
    person.address = draw_address(rng, person, nationality)
    return person


def draw_stays(rng: random.Random, count: int) -> list[Stay]:
    kinds = [kind for kind, _ in STAY_SHARES]
    return rng.choices(kinds, weights=[share for _, share in STAY_SHARES], k=count)


def draw_population(
    rng: random.Random, a_numbers: list[str], facilities: list[Facility]
) -> list[Person]:
    picker = FacilityPicker(facilities)
    stays = draw_stays(rng, len(a_numbers))
    return [draw_person(rng, a, stay, picker) for a, stay in zip(a_numbers, stays, strict=True)]


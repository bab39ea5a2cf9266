"""Representatives of record (Form G-28): attorneys and DOJ-accredited representatives."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from spilldesk.scenario.addresses import US_PLACES, US_STREETS

REPRESENTED_SHARE = 0.60
# Invented organisations (no real firm or charity is named); `.example` domains (RFC 2606).
ORGANIZATIONS = (
    "Gulf Coast Immigrant Justice Project", "Southern Border Legal Aid",
    "Desert Sun Immigration Services", "Lone Star Refugee Defense Collaborative",
    "Piedmont Immigrant Rights Clinic", "Great Lakes Asylum Network",
    "Florida Detained Defense Project", "Pacific Northwest Detention Counsel",
    "Bayou Legal Access Program", "Mid-Atlantic Immigrant Legal Services",
    "Sierra Immigrant Defense Fund", "Catholic Charities of the Valley - Immigration Program",
    "Mountain West Immigrant Advocates", "New England Detention Response Team",
    "Capital Region Asylum Project", "Rio Grande Accompaniment Legal Team",
)
_GIVEN = ("Laura", "Daniel", "Sarah", "Michael", "Ana", "Carlos", "Emily", "David", "Jessica",
          "Rebecca", "Jonathan", "Mariana", "Kevin", "Priya", "Thomas", "Elena", "Marcus",
          "Natalia", "Hannah", "Omar", "Grace", "Luis", "Rachel", "Samuel", "Julia")
_FAMILY = ("Thompson", "García", "Nguyen", "O'Brien", "Patel", "Rosenberg", "Castillo",
           "Washington", "Kim", "Hernández", "Murphy", "Goldberg", "Alvarado", "Brooks",
           "Fitzgerald", "Delgado", "Chen", "Okafor", "Bianchi", "Morales", "Sullivan", "Reyes")


@dataclass(frozen=True)
class Representative:
    representative_id: str
    name: str
    organization: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    email: str
    phone: str


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", plain.lower())


def _draw(rng: random.Random, number: int) -> Representative:
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    # DOJ-accredited representatives work for recognised organisations; attorneys may too.
    accredited = rng.random() < 0.3
    if accredited or rng.random() < 0.6:
        organization = rng.choice(ORGANIZATIONS)
        domain = _slug("".join(word[0] for word in organization.split() if word[0].isalpha()))
    else:
        organization = f"Law Office of {given} {family}, PLLC"
        domain = _slug(family) + "law"
    city, state, postal = rng.choice(US_PLACES)
    suite = f"Suite {rng.randint(100, 950)}" if rng.random() < 0.7 else ""
    return Representative(
        representative_id=f"R{number:05d}",
        name=f"{given} {family}",
        organization=organization,
        address_line1=f"{rng.randint(10, 4999)} {rng.choice(US_STREETS)}",
        address_line2=suite,
        city=city,
        state=state,
        postal_code=postal,
        email=f"{_slug(given)}.{_slug(family)}{number % 100}@{domain}.example",
        phone=f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}",
    )


def draw_representatives(rng: random.Random, count: int) -> list[Representative]:
    return [_draw(rng, number) for number in range(1, count + 1)]


def representative_count(persons: int) -> int:
    return max(10, persons // 30)

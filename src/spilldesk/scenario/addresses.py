"""Mailing addresses: in the United States for people released, abroad for some removed."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (city, state, ZIP) where released people commonly live; ZIPs are real for the city.
US_PLACES: tuple[tuple[str, str, str], ...] = (
    ("Houston", "TX", "77036"), ("Dallas", "TX", "75211"), ("San Antonio", "TX", "78207"),
    ("Los Angeles", "CA", "90011"), ("Santa Ana", "CA", "92701"), ("Fresno", "CA", "93706"),
    ("Phoenix", "AZ", "85009"), ("Miami", "FL", "33135"), ("Hialeah", "FL", "33012"),
    ("Orlando", "FL", "32822"), ("Tampa", "FL", "33614"), ("Atlanta", "GA", "30340"),
    ("Charlotte", "NC", "28205"), ("Raleigh", "NC", "27610"), ("Nashville", "TN", "37211"),
    ("New Orleans", "LA", "70119"), ("Chicago", "IL", "60623"), ("Newark", "NJ", "07105"),
    ("Elizabeth", "NJ", "07201"), ("Bronx", "NY", "10452"), ("Queens", "NY", "11368"),
    ("Brooklyn", "NY", "11220"), ("Boston", "MA", "02128"), ("Framingham", "MA", "01702"),
    ("Providence", "RI", "02907"), ("Philadelphia", "PA", "19120"), ("Baltimore", "MD", "21224"),
    ("Silver Spring", "MD", "20903"), ("Alexandria", "VA", "22305"), ("Denver", "CO", "80219"),
    ("Salt Lake City", "UT", "84104"), ("Las Vegas", "NV", "89110"), ("Seattle", "WA", "98108"),
    ("Portland", "OR", "97266"), ("Minneapolis", "MN", "55407"), ("Omaha", "NE", "68107"),
    ("Kansas City", "KS", "66102"), ("Columbus", "OH", "43229"), ("Indianapolis", "IN", "46222"),
    ("Louisville", "KY", "40214"),
)
US_STREETS = (
    "Main St", "Oak Ave", "Maple Dr", "Bellaire Blvd", "W 8th St", "Elm St", "Pine St",
    "Cedar Ln", "Washington Ave", "Lincoln Rd", "Jefferson St", "Broadway", "Park Ave",
    "Sunset Blvd", "Lakeview Dr", "Hillcrest Rd", "Franklin Ave", "Madison St", "Church St",
    "Highland Ave", "Ferry St", "Summit Ave", "Grand Ave", "Harwin Dr", "Mission St",
)
ABROAD_STREETS = (
    "Calle {n}", "Avenida {n}", "Barrio El Centro, casa {n}", "Colonia Las Flores, lote {n}",
    "Rua {n}", "Rue {n}", "Zona {n}", "Carrera {n} # {m}-{k}", "Aldea San José, casa {n}",
)


@dataclass(frozen=True)
class Address:
    line1: str
    line2: str
    city: str
    state: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-3


def us_address(rng: random.Random) -> Address:
    city, state, postal = rng.choice(US_PLACES)
    line1 = f"{rng.randint(100, 19999)} {rng.choice(US_STREETS)}"
    line2 = f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}" if rng.random() < 0.35 else ""
    return Address(line1, line2, city, state, postal, "USA")


def abroad_address(rng: random.Random, country: str, cities: tuple[str, ...]) -> Address:
    pattern = rng.choice(ABROAD_STREETS)
    line1 = pattern.format(n=rng.randint(1, 120), m=rng.randint(1, 90), k=rng.randint(1, 60))
    return Address(line1, "", rng.choice(cities), "", "", country)

"""People's names, drawn per naming tradition, written as the registry writes them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from spilldesk.scenario.nationalities import Variant

# ICAO Doc 9303 (machine-readable passports): how a Russian passport writes a Cyrillic name.
_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}


@dataclass(frozen=True)
class PersonName:
    given: str
    surnames: tuple[str, ...]

    @property
    def family(self) -> str:
        return " ".join(self.surnames)


def transliterate(cyrillic: str) -> str:
    """Latin letters for a Cyrillic name, the way a passport writes it (`Фёдоров` → `Fedorov`)."""
    out: list[str] = []
    for char in cyrillic:
        lower = char.lower()
        latin = _ICAO.get(lower, char)
        out.append(latin.capitalize() if char != lower else latin)
    return "".join(out)


def _feminine_russian(family: str) -> str:
    return family + "а" if family.endswith(("ов", "ев", "ёв", "ин")) else family


def make_name(rng: random.Random, variant: Variant, sex: str) -> PersonName:
    names = variant.names
    given = rng.choice(names.female if sex == "F" else names.male)
    if variant.cyrillic:
        family = rng.choice(names.family)
        if sex == "F":
            family = _feminine_russian(family)
        return PersonName(transliterate(given), (transliterate(family),))
    if rng.random() < variant.two_surnames:
        first = second = rng.choice(names.family)
        while second == first:  # (rng.sample is several times slower for two draws)
            second = rng.choice(names.family)
        return PersonName(given, (first, second))
    return PersonName(given, (rng.choice(names.family),))

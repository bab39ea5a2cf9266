"""Countries of citizenship: one home for reading them (ISO 3166-1 alpha-3 inside the desk)."""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache, lru_cache

import pycountry

from spilldesk.errors import ServiceError


class UnknownCountry(ServiceError):
    """The text names no country this desk knows."""


# Demonyms and common names that pycountry does not carry, English and Spanish (both genders).
_EXTRA: dict[str, str] = {
    "american": "USA", "united states": "USA", "usa": "USA", "estados unidos": "USA",
    "estadounidense": "USA",
    "mexican": "MEX", "mexicano": "MEX", "mexicana": "MEX",
    "guatemalan": "GTM", "guatemalteco": "GTM", "guatemalteca": "GTM",
    "honduran": "HND", "hondureno": "HND", "hondurena": "HND",
    "salvadoran": "SLV", "salvadorean": "SLV", "salvadoreno": "SLV", "salvadorena": "SLV",
    "el salvador": "SLV",
    "cuban": "CUB", "cubano": "CUB", "cubana": "CUB", "cuba": "CUB",
    "nicaraguan": "NIC", "nicaraguense": "NIC",
    "venezuelan": "VEN", "venezolano": "VEN", "venezolana": "VEN", "venezuela": "VEN",
    "colombian": "COL", "colombiano": "COL", "colombiana": "COL",
    "ecuadorian": "ECU", "ecuatoriano": "ECU", "ecuatoriana": "ECU",
    "peruvian": "PER", "peruano": "PER", "peruana": "PER",
    "dominican": "DOM", "dominicano": "DOM", "dominicana": "DOM",
    "dominican republic": "DOM", "republica dominicana": "DOM",
    "haitian": "HTI", "haitiano": "HTI", "haitiana": "HTI",
    "brazilian": "BRA", "brasileno": "BRA", "brasilena": "BRA", "brasileiro": "BRA",
    "brasileira": "BRA", "brasil": "BRA",
    "indian": "IND", "indio": "IND", "india": "IND", "hindu": "IND",
    "chinese": "CHN", "chino": "CHN", "china": "CHN", "china, people's republic of": "CHN",
    "russian": "RUS", "ruso": "RUS", "rusa": "RUS", "russia": "RUS",
    "romanian": "ROU", "rumano": "ROU", "rumana": "ROU",
    "mauritanian": "MRT", "senegalese": "SEN", "ukrainian": "UKR", "ucraniano": "UKR",
    "turkish": "TUR", "turkey": "TUR", "chilean": "CHL", "chileno": "CHL", "chilena": "CHL",
    "argentine": "ARG", "argentinian": "ARG", "argentino": "ARG", "argentina": "ARG",
    "bolivian": "BOL", "boliviano": "BOL", "boliviana": "BOL", "bolivia": "BOL",
    "jamaican": "JAM", "ghanaian": "GHA", "nigerian": "NGA", "cameroonian": "CMR",
    "angolan": "AGO", "congolese": "COD", "eritrean": "ERI", "ethiopian": "ETH",
    "afghan": "AFG", "pakistani": "PAK", "bangladeshi": "BGD", "nepalese": "NPL",
    "nepali": "NPL", "vietnamese": "VNM", "vietnam": "VNM", "filipino": "PHL",
    "georgian": "GEO", "uzbek": "UZB", "kyrgyz": "KGZ", "kazakh": "KAZ", "tajik": "TJK",
    "belizean": "BLZ", "panamanian": "PAN", "panameno": "PAN", "costa rican": "CRI",
    "costarricense": "CRI", "uruguayan": "URY", "uruguayo": "URY", "paraguayan": "PRY",
    "paraguayo": "PRY", "spanish": "ESP", "espanol": "ESP", "spain": "ESP",
    "canadian": "CAN", "british": "GBR", "united kingdom": "GBR", "great britain": "GBR",
    "south korea": "KOR", "korea, south": "KOR", "north korea": "PRK", "iran": "IRN",
    "iranian": "IRN", "syria": "SYR", "syrian": "SYR", "egyptian": "EGY", "iraqi": "IRQ",
    "yemeni": "YEM", "somali": "SOM", "sudanese": "SDN", "moldovan": "MDA", "laos": "LAO",
    "bolivarian republic of venezuela": "VEN", "tanzania": "TZA", "czech republic": "CZE",
    "moldova": "MDA", "macedonia": "MKD", "burma": "MMR", "ivory coast": "CIV",
    "cote d'ivoire": "CIV", "cape verde": "CPV", "swaziland": "SWZ", "palestine": "PSE",
    "rusia": "RUS", "estados unidos de america": "USA", "reino unido": "GBR",
    "corea del sur": "KOR", "venezuela (republica bolivariana de)": "VEN",
    "bolivia (estado plurinacional de)": "BOL", "taiwan": "TWN", "micronesia": "FSM",
    "kosovo": "XKX", "kosovar": "XKX",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace(".", "").split())


@cache
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    short_forms: dict[str, set[str]] = {}
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"])
    for country in pycountry.countries:
        code = str(country.alpha_3)
        names = [country.alpha_2, country.alpha_3, country.name, spanish.gettext(country.name)]
        for attribute in ("official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names += [value, spanish.gettext(value)]
        for name in names:
            folded = _fold(str(name))
            table.setdefault(folded, code)
            # "Venezuela, Bolivarian Republic of" and "Rusia (Federación de)" are also
            # written by their first part alone.
            short = folded.split(",")[0].split(" (")[0].strip()
            short_forms.setdefault(short, set()).add(code)
    for short, codes in short_forms.items():
        if len(codes) == 1:  # "Korea" alone names two countries: leave it unknown
            table.setdefault(short, codes.pop())
    for name, code in _EXTRA.items():
        table[_fold(name)] = code
    return table


@lru_cache(maxsize=4096)  # a registry repeats a few hundred spellings a million times
def country_code(text: str) -> str:
    """ISO 3166-1 alpha-3 for a code, an English or Spanish name, or a demonym."""
    key = _fold(str(text))
    if not key:
        raise UnknownCountry("empty country")
    code = _lookup().get(key)
    if code is None:
        raise UnknownCountry("unknown country (use an ISO 3166 code or its English name)")
    return code


def is_country(text: str) -> bool:
    return _fold(str(text)) in _lookup()


def country_name(code: str) -> str:
    """The English short name for an alpha-3 (or alpha-2) code."""
    if code == "XKX":
        return "Kosovo"
    country = pycountry.countries.get(alpha_3=code) or pycountry.countries.get(alpha_2=code)
    if country is None:
        raise UnknownCountry("unknown country code")
    return str(getattr(country, "common_name", None) or country.name)

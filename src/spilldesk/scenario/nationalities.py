"""Who was in ICE detention in 2022, by country of citizenship: shares, languages, naming.

Shares follow the order of magnitude of ICE's FY2022 book-ins by citizenship (Mexico and the
Northern Triangle first, then Cuba, Nicaragua, Venezuela, Colombia, ...). Each country has one
or more variants: a language (BCP 47) and the naming tradition that goes with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from spilldesk.scenario import name_lists as n

SPANISH_TWO_SURNAMES = 0.92


@dataclass(frozen=True)
class Variant:
    language: str
    weight: float
    names: n.NameList
    two_surnames: float = 0.0  # the share of people who carry two family names
    cyrillic: bool = False


@dataclass(frozen=True)
class Nationality:
    code: str
    share: float
    variants: tuple[Variant, ...]
    cities: tuple[str, ...]


def _spanish(*, indigenous: tuple[tuple[str, float], ...] = ()) -> tuple[Variant, ...]:
    mayan = tuple(
        Variant(tag, w, n.MAYAN, two_surnames=SPANISH_TWO_SURNAMES) for tag, w in indigenous
    )
    rest = 1.0 - sum(w for _, w in indigenous)
    return (Variant("es", rest, n.SPANISH, two_surnames=SPANISH_TWO_SURNAMES), *mayan)


NATIONALITIES: tuple[Nationality, ...] = (
    Nationality("MEX", 27.0, _spanish(), ("Ciudad de México", "Guadalajara", "Monterrey",
                                        "Puebla", "Oaxaca de Juárez", "Morelia")),
    Nationality("GTM", 12.0, _spanish(indigenous=(("mam", 0.10), ("kjb", 0.05), ("quc", 0.08))),
                ("Ciudad de Guatemala", "Quetzaltenango", "Huehuetenango", "Cobán")),
    Nationality("HND", 11.0, _spanish(), ("Tegucigalpa", "San Pedro Sula", "La Ceiba",
                                        "Choluteca")),
    Nationality("SLV", 5.0, _spanish(), ("San Salvador", "Santa Ana", "San Miguel")),
    Nationality("CUB", 7.0, (Variant("es", 1.0, n.CUBAN, two_surnames=SPANISH_TWO_SURNAMES),),
                ("La Habana", "Santiago de Cuba", "Camagüey", "Holguín", "Santa Clara")),
    Nationality("NIC", 5.0, _spanish(), ("Managua", "León", "Matagalpa", "Estelí")),
    Nationality("VEN", 5.0, _spanish(), ("Caracas", "Maracaibo", "Valencia", "Barquisimeto")),
    Nationality("COL", 4.5, _spanish(), ("Bogotá", "Medellín", "Cali", "Barranquilla")),
    Nationality("ECU", 3.0, _spanish(), ("Quito", "Guayaquil", "Cuenca")),
    Nationality("PER", 2.5, _spanish(), ("Lima", "Arequipa", "Trujillo")),
    Nationality("DOM", 2.0, _spanish(), ("Santo Domingo", "Santiago de los Caballeros")),
    Nationality("HTI", 2.5, (Variant("ht", 0.85, n.HAITIAN), Variant("fr", 0.15, n.HAITIAN)),
                ("Port-au-Prince", "Cap-Haïtien", "Les Cayes", "Gonaïves")),
    Nationality("BRA", 3.0, (Variant("pt-BR", 1.0, n.PORTUGUESE, two_surnames=0.6),),
                ("Governador Valadares", "Belo Horizonte", "São Paulo", "Goiânia")),
    Nationality("IND", 3.0, (Variant("pa", 0.45, n.INDIAN_PUNJABI),
                             Variant("gu", 0.35, n.INDIAN_GUJARATI),
                             Variant("hi", 0.20, n.INDIAN_HINDI)),
                ("Amritsar", "Ludhiana", "Ahmedabad", "Gandhinagar", "New Delhi")),
    Nationality("CHN", 1.2, (Variant("zh", 1.0, n.CHINESE),), ("Fuzhou", "Wenzhou", "Beijing")),
    Nationality("RUS", 1.2, (Variant("ru", 1.0, n.RUSSIAN_CYRILLIC, cyrillic=True),),
                ("Moskva", "Sankt-Peterburg", "Makhachkala", "Kazan")),
    Nationality("ROU", 0.6, (Variant("ro", 1.0, n.ROMANIAN),), ("București", "Craiova")),
    Nationality("MRT", 1.2, (Variant("ar", 0.5, n.FRENCH_WEST_AFRICAN),
                             Variant("fr", 0.5, n.FRENCH_WEST_AFRICAN)),
                ("Nouakchott", "Nouadhibou")),
    Nationality("SEN", 0.8, (Variant("wo", 0.6, n.FRENCH_WEST_AFRICAN),
                             Variant("fr", 0.4, n.FRENCH_WEST_AFRICAN)),
                ("Dakar", "Touba", "Thiès")),
    Nationality("JAM", 0.8, (Variant("en", 1.0, n.ENGLISH_CARIBBEAN_WEST_AFRICAN),),
                ("Kingston", "Montego Bay")),
    Nationality("GHA", 0.4, (Variant("en", 1.0, n.ENGLISH_CARIBBEAN_WEST_AFRICAN),),
                ("Accra", "Kumasi")),
)

# A few Spanish speakers in every country list English as their language (long-time residents).
ENGLISH_SHARE_OF_SPANISH_SPEAKERS = 0.03


def by_code(code: str) -> Nationality:
    for nationality in NATIONALITIES:
        if nationality.code == code:
            return nationality
    raise KeyError(code)

import pycountry
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.countries import UnknownCountry, country_code, country_name, is_country
from spilldesk.domain.languages import UnknownLanguage, base_language, normalize_language


@pytest.mark.parametrize(
    ("written", "code"),
    [("CU", "CUB"), ("CUB", "CUB"), ("Cuba", "CUB"), ("cubano", "CUB"), ("Cuban", "CUB"),
     ("México", "MEX"), ("Mexican", "MEX"), ("Brasil", "BRA"), ("Rusia", "RUS"),
     ("Russian Federation", "RUS"), ("Haití", "HTI"), ("República Dominicana", "DOM"),
     ("Venezuela, Bolivarian Republic of", "VEN"), ("El Salvador", "SLV"), ("guatemalteca", "GTM")],
)
def test_codes_names_and_demonyms(written: str, code: str) -> None:
    assert country_code(written) == code


@given(st.sampled_from(list(pycountry.countries)))
def test_every_iso_country_reads_back(country: object) -> None:
    alpha_3 = country.alpha_3  # type: ignore[attr-defined]
    assert country_code(alpha_3) == alpha_3
    assert country_code(country.alpha_2) == alpha_3  # type: ignore[attr-defined]
    assert country_code(country_name(alpha_3)) == alpha_3


@pytest.mark.parametrize("bad", ["", "Atlantis", "Korea"])
def test_unknown_or_ambiguous_countries(bad: str) -> None:
    with pytest.raises(UnknownCountry):
        country_code(bad)
    assert not is_country(bad)


@pytest.mark.parametrize(
    ("written", "tag"),
    [("es", "es"), ("ES", "es"), ("pt-br", "pt-BR"), ("pt_BR", "pt-BR"), ("Spanish", "es"),
     ("español", "es"), ("Portuguese (Brazil)", "pt-BR"), ("Haitian Creole", "ht"),
     ("mam", "mam"), ("K'iche'", "quc"), ("en-US", "en-US")],
)
def test_languages(written: str, tag: str) -> None:
    assert normalize_language(written) == tag


def test_unknown_language_and_base() -> None:
    with pytest.raises(UnknownLanguage):
        normalize_language("Klingonese")
    assert base_language("pt-BR") == "pt"

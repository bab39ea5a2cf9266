"""What each disclosed data element is called in each notice language.

The element codes are the exposure's `data_elements` (the columns a disclosure held, and for a
disclosure to a foreign government the person's disclosure status). An element this table does
not know is still told to the person, as "other information from your immigration record".
"""

from __future__ import annotations

OTHER = "other"

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "name": "your name",
        "a_number": "your A-number (alien registration number)",
        "date_of_birth": "your date of birth",
        "sex": "your sex",
        "nationality": "your country of citizenship",
        "facility": "the detention facility where you were held",
        "book_in_date": "the date you were booked into ICE custody",
        "custody_status": "your custody status",
        "case_status": "the status of your immigration case",
        "fear_screening": "the result of your fear screening (credible fear or reasonable fear)",
        "disclosure_status": "whether your information was part of an earlier ICE disclosure",
        "aor": "the ICE field office responsible for your case",
        "address": "your address",
        OTHER: "other information from your immigration record",
    },
    "es": {
        "name": "su nombre",
        "a_number": "su número A (número de registro de extranjero)",
        "date_of_birth": "su fecha de nacimiento",
        "sex": "su sexo",
        "nationality": "su país de ciudadanía",
        "facility": "el centro de detención donde usted estuvo detenido",
        "book_in_date": "la fecha de su ingreso bajo custodia de ICE",
        "custody_status": "su situación de custodia",
        "case_status": "el estado de su caso de inmigración",
        "fear_screening": (
            "el resultado de su entrevista de temor (temor creíble o temor razonable)"
        ),
        "disclosure_status": "si su información formaba parte de una divulgación anterior de ICE",
        "aor": "la oficina local de ICE responsable de su caso",
        "address": "su dirección",
        OTHER: "otra información de su expediente de inmigración",
    },
    "pt-BR": {
        "name": "seu nome",
        "a_number": "seu número A (número de registro de estrangeiro)",
        "date_of_birth": "sua data de nascimento",
        "sex": "seu sexo",
        "nationality": "seu país de cidadania",
        "facility": "o centro de detenção onde você esteve detido",
        "book_in_date": "a data de sua entrada sob custódia do ICE",
        "custody_status": "sua situação de custódia",
        "case_status": "a situação do seu caso de imigração",
        "fear_screening": "o resultado da sua entrevista de medo (medo crível ou medo razoável)",
        "disclosure_status": "se suas informações faziam parte de uma divulgação anterior do ICE",
        "aor": "o escritório local do ICE responsável pelo seu caso",
        "address": "seu endereço",
        OTHER: "outras informações do seu processo de imigração",
    },
}

# Court filings speak of "the respondent", not "you".
_THIRD_PERSON: dict[str, str] = {
    "name": "name",
    "a_number": "A-number",
    "date_of_birth": "date of birth",
    "sex": "sex",
    "nationality": "country of citizenship",
    "facility": "detention facility",
    "book_in_date": "book-in date",
    "custody_status": "custody status",
    "case_status": "immigration case status",
    "fear_screening": "credible fear or reasonable fear screening result",
    "disclosure_status": "whether the respondent's information was part of an earlier disclosure",
    "aor": "ICE area of responsibility",
    "address": "address",
    OTHER: "other information from the respondent's immigration record",
}

DATA_ELEMENTS = tuple(code for code in _LABELS["en"] if code != OTHER)


def data_element_label(code: str, language: str, *, third_person: bool = False) -> str:
    """The element as a letter names it; court filings (English) use the third person."""
    labels = _THIRD_PERSON if third_person else _LABELS.get(language, _LABELS["en"])
    return labels.get(code, labels[OTHER])


_FOOTER = {
    "en": "Notice {number} · page {page} of {pages}",
    "es": "Aviso {number} · página {page} de {pages}",
    "pt-BR": "Aviso {number} · página {page} de {pages}",
}


def page_footer(language: str, notice_number: str) -> str:
    """The footer of every packet page; keeps {page} and {pages} for the renderer."""
    template = _FOOTER.get(language, _FOOTER["en"])
    return template.replace("{number}", notice_number)

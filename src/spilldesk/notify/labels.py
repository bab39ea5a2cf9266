"""What each disclosed data element is called in each notice language.

The element codes are the exposure's `data_elements` (the columns a disclosure held, and for a
disclosure to a foreign government the person's disclosure status). An element this table does
not know is still told to the person, as "other information from your immigration record".
"""

from __future__ import annotations

from collections.abc import Iterable

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
        "ssn": "your Social Security number",
        "passport": "your passport number",
        "phone": "your telephone number",
        "email": "your email address",
        "final_order": "whether you have a final order of removal",
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
        "ssn": "su número de Seguro Social",
        "passport": "su número de pasaporte",
        "phone": "su número de teléfono",
        "email": "su correo electrónico",
        "final_order": "si usted tiene una orden final de deportación",
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
        "ssn": "seu número do Seguro Social",
        "passport": "seu número de passaporte",
        "phone": "seu número de telefone",
        "email": "seu e-mail",
        "final_order": "se você tem uma ordem final de deportação",
        OTHER: "outras informações do seu processo de imigração",
    },
}

# Court filings and letters to representatives speak of the person, not to them
# ("the information disclosed about the respondent was: name; A-number; ...").
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
    "disclosure_status": "status as part (or not) of an earlier disclosure",
    "aor": "ICE area of responsibility",
    "address": "address",
    "ssn": "Social Security number",
    "passport": "passport number",
    "phone": "telephone number",
    "email": "email address",
    "final_order": "final order of removal status",
    OTHER: "other information from the immigration record",
}

DATA_ELEMENTS = tuple(code for code in _LABELS["en"] if code != OTHER)

# The scanner's column names for the same elements (SPEC: columns recognised by meaning).
_ALIASES = {
    "family_name": "name", "given_name": "name", "middle_name": "name", "full_name": "name",
    "country_of_citizenship": "nationality", "custody": "custody_status",
    "a_number_raw": "a_number",
}


def canonical_elements(codes: Iterable[str]) -> tuple[str, ...]:
    """The exposure's data elements as letters list them: each once, in a fixed order, and
    anything unrecognised once as "other information"."""
    wanted = {_ALIASES.get(code, code) for code in codes}
    known = tuple(code for code in DATA_ELEMENTS if code in wanted)
    other = bool(wanted - set(DATA_ELEMENTS)) or not known
    return known + ((OTHER,) if other else ())


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


_ANOTHER_COUNTRY = {"en": "another country", "es": "otro país", "pt-BR": "outro país"}


def another_country(language: str) -> str:
    """Said when a foreign government received the data but the record does not name it."""
    return _ANOTHER_COUNTRY.get(language, _ANOTHER_COUNTRY["en"])

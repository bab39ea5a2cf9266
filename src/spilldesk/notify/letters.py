"""Letters from templates: one Jinja2 environment, locale-aware filters, strict placeholders.

Templates live in `templates/<language>/<name>.j2` (falling back to English) and write a small
line markup that the PDF renderer lays out (see `spilldesk.notify.markup`). The notice and its
FAQ sheet are laid out once for every language: their sentences are the statements
`spilldesk.notify.statements` chooses, worded in `wording/<language>.yaml`. StrictUndefined
makes a missing placeholder an error instead of a silent gap in a letter someone's case
depends on.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import pycountry
import yaml
from babel import Locale
from babel.dates import format_date, format_time, get_timezone_name
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.exceptions import UndefinedError
from jinja2.runtime import Context

from spilldesk.notify.labels import another_country, data_element_label
from spilldesk.notify.notice_facts import NoticeFacts
from spilldesk.notify.statements import (
    STATEMENTS,
    extension_statements,
    faq_statements,
    letter_elements,
    letter_statements,
)

TEMPLATES = Path(__file__).parent / "templates"
WORDING = Path(__file__).parent / "wording"
LANGUAGES = ("en", "es", "pt-BR")
PACKET_PAGES = ("notice", "faq")  # the letter, then the FAQ sheet


def _locale(language: str) -> str:
    return language.replace("-", "_")


def _country(alpha3: str | None, language: str) -> str:
    if not alpha3:
        return another_country(language)
    record = pycountry.countries.get(alpha_3=alpha3)
    if record is None:
        return alpha3
    names = Locale.parse(_locale(language)).territories
    return str(names.get(record.alpha_2, record.name))


# Letters repeat the incident's few dates and times: Babel formats each once per process.
@lru_cache(maxsize=4096)
def _long_date(day: date, locale: str) -> str:
    return format_date(day, "long", locale=locale)


@lru_cache(maxsize=1024)
def _clock(value: datetime, locale: str) -> str:
    return format_time(value, "short", locale=locale)


@lru_cache(maxsize=1024)
def _zone(value: datetime, locale: str) -> str:
    return str(get_timezone_name(value, "long", locale=locale))


@cache
def environment(language: str) -> Environment:
    env = Environment(  # nosec B701 # plain-text line markup for the PDF, not HTML
        loader=FileSystemLoader([str(TEMPLATES / language), str(TEMPLATES / "en")]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # The output is line markup drawn as plain text (canvas text objects, no HTML or XML
        # interpretation): HTML escaping would only corrupt names such as "O'Brien & Co".
        autoescape=False,
        # Templates ship with the package: no stat of every template file on every letter.
        auto_reload=False,
    )
    locale = _locale(language)

    def long_date(value: object) -> str:
        if not isinstance(value, date):  # None or undefined: never print a blank date
            raise UndefinedError("a letter states a date it does not have")
        day = value.date() if isinstance(value, datetime) else value
        return _long_date(day, locale)

    def clock(value: datetime) -> str:
        if not isinstance(value, datetime):  # what Babel does with anything else: unchanged
            return format_time(value, "short", locale=locale)
        return _clock(value, locale)

    def zone(value: datetime) -> str:
        if not isinstance(value, datetime):
            return str(get_timezone_name(value, "long", locale=locale))
        return _zone(value, locale)

    env.globals.update(say=_say, heading=_heading)
    env.filters.update(
        long_date=long_date,
        clock=clock,
        zone=zone,
        country=lambda code: _country(code, language),
        element=lambda code, third_person=False: data_element_label(
            code, language, third_person=third_person
        ),
    )
    return env


@cache
def wording(language: str) -> dict[str, object]:
    """The language's sentences by statement key (read once per process)."""
    path = WORDING / f"{language}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = [key for key in STATEMENTS if key not in data]
    if missing:
        raise ValueError(f"{path.name}: no wording for {', '.join(missing)}")
    return dict(data)


@cache
def _compiled(language: str, key: str) -> Template | str:
    """The sentence as a template, or as its text when it has no Jinja2 syntax at all (most
    sentences: rendering those would only return them, at a new context per sentence)."""
    text = wording(language)[key]
    if not isinstance(text, str):
        raise ValueError(f"{language}.yaml: {key} is not a sentence")
    if "{" not in text:
        return text.strip()
    return environment(language).from_string(text)


def _language(context: Context) -> str:
    language = context.get("lang")
    if not isinstance(language, str):
        raise UndefinedError("a letter rendered without its language")
    return language


@pass_context
def _say(context: Context, key: str) -> str:
    sentence = _compiled(_language(context), key)
    if isinstance(sentence, str):
        return sentence
    return sentence.render(context.get_all()).strip()


@pass_context
def _heading(context: Context, section: str) -> str:
    headings = wording(_language(context))["headings"]
    if not isinstance(headings, dict):
        raise TypeError("wording: `headings` must be a mapping")
    return str(headings[section])


def template_names(language: str) -> list[str]:
    return sorted(p.stem for p in (TEMPLATES / language).glob("*.j2"))


def render_template(name: str, language: str, **context: object) -> str:
    """Render one template in one language; every placeholder must be filled."""
    return environment(language).get_template(f"{name}.j2").render(**context)


def render_packet_text(facts: NoticeFacts) -> list[str]:
    """The pages of a notice packet as markup: the letter, then the FAQ sheet."""
    language = facts.language if facts.language in LANGUAGES else "en"
    letter = "notice" if facts.recipient == "noncitizen" else "representative_notice"
    context = letter_context(facts, language)
    return [render_template(name, language, **context) for name in (letter, "faq")]


def letter_context(facts: NoticeFacts, language: str = "en") -> dict[str, object]:
    """What every letter about this notice's person is rendered with: the facts, the
    statements the rules choose for them, and the data elements the letter lists."""
    return {"n": facts, "lang": language, "elements": letter_elements(facts),
            "chosen": letter_statements(facts), "faq": faq_statements(facts),
            "extension": extension_statements(facts)}

"""Letters from templates: one Jinja2 environment, locale-aware filters, strict placeholders.

Templates live in `templates/<language>/<name>.j2` and write a small line markup that the PDF
renderer lays out (see `spilldesk.notify.markup`). StrictUndefined makes a missing placeholder
an error instead of a silent gap in a letter someone's case depends on.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.dates import format_date, format_time, get_timezone_name
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from spilldesk.notify.facts import NoticeFacts
from spilldesk.notify.labels import another_country, data_element_label

TEMPLATES = Path(__file__).parent / "templates"
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
    )
    locale = _locale(language)

    def long_date(value: date | datetime) -> str:
        day = value.date() if isinstance(value, datetime) else value
        return format_date(day, "long", locale=locale)

    def clock(value: datetime) -> str:
        return format_time(value, "short", locale=locale)

    def zone(value: datetime) -> str:
        return get_timezone_name(value, "long", locale=locale)

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


def template_names(language: str) -> list[str]:
    return sorted(p.stem for p in (TEMPLATES / language).glob("*.j2"))


def render_template(name: str, language: str, **context: object) -> str:
    """Render one template in one language; every placeholder must be filled."""
    return environment(language).get_template(f"{name}.j2").render(**context)


def render_packet_text(facts: NoticeFacts) -> list[str]:
    """The pages of a notice packet as markup: the letter, then the FAQ sheet."""
    language = facts.language if facts.language in LANGUAGES else "en"
    letter = "notice" if facts.recipient == "noncitizen" else "representative_notice"
    return [render_template(name, language, n=facts) for name in (letter, "faq")]

import re

import pytest
from jinja2 import meta
from jinja2.exceptions import UndefinedError

from spilldesk.notify.letters import (
    LANGUAGES,
    TEMPLATES,
    environment,
    render_packet_text,
    render_template,
)
from spilldesk.notify.markup import BlockKind, parse_markup
from tests.notify.notify_cases import FOREIGN, all_variants, base_facts

LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|Undefined|None\b")


def _source_names(language: str, name: str) -> set[str]:
    """Every variable, attribute path and filter a template (and what it includes) uses."""
    env = environment(language)
    source = (TEMPLATES / language / f"{name}.j2").read_text(encoding="utf-8")
    found = set(re.findall(r"n(?:\.[a-z_]+)+", source))
    found |= set(re.findall(r"\|\s*([a-z_]+)", source))
    found |= meta.find_undeclared_variables(env.parse(source))
    return found


def _templates_in(language: str) -> set[str]:
    return {p.stem for p in (TEMPLATES / language).glob("*.j2")}


def test_every_language_has_the_packet_templates():
    for language in LANGUAGES:
        assert {"notice", "faq", "_options"} <= _templates_in(language)


@pytest.mark.parametrize("name", ["notice", "faq", "_options"])
def test_language_versions_use_the_same_placeholders(name):
    english = _source_names("en", name)
    for language in LANGUAGES[1:]:
        assert _source_names(language, name) == english, language


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_rendered_letter_leaves_a_placeholder(language):
    for facts in all_variants(language):
        for page in render_packet_text(facts):
            assert not LEFTOVER.search(page), page[:200]
            assert facts.notice_number in page


def test_a_missing_value_is_an_error_not_a_gap():
    with pytest.raises(UndefinedError):
        render_template("notice", "es", n=object())


def test_letter_names_the_person_and_the_disclosed_elements():
    facts = base_facts("es", data_elements=("name", "date_of_birth", "something_new"))
    letter = render_packet_text(facts)[0]
    assert "José María Gonçalves Núñez" in letter and facts.a_number in letter
    assert "su fecha de nacimiento" in letter
    assert "otra información de su expediente de inmigración" in letter
    assert "su número A (" not in letter  # only what was disclosed is listed


def test_hold_paragraph_only_for_unexecuted_final_orders():
    from spilldesk.notify.facts import CaseFacts

    held = base_facts(case=CaseFacts(posture="final_order_unexecuted", final_order=True,
                                     custody="detained"))
    executed = base_facts(case=CaseFacts(posture="final_order_executed", final_order=True,
                                         custody="removed", order_type="section_240"))
    assert "at least 30 days" in render_packet_text(held)[0]
    assert "at least 30 days" not in render_packet_text(executed)[0]
    assert "will reopen your removal proceedings" in render_packet_text(executed)[0]


def test_foreign_government_disclosure_names_the_country_in_the_language():
    assert "gobierno de Cuba" in render_packet_text(base_facts("es", incident=FOREIGN))[0]
    assert "ICE.gov" not in render_packet_text(base_facts("pt-BR", incident=FOREIGN))[0]


def test_representative_letter_is_addressed_to_the_representative():
    facts = base_facts(recipient="representative", channel="usps",
                       address_lines=("1 Main St", "El Paso, TX 79901"))
    letter, faq = render_packet_text(facts)
    assert letter.count("Ana Lima") >= 2 and "Legal Aid Partners" in letter
    assert "Questions and answers" in faq


@pytest.mark.parametrize("name", ["court_notice_ij", "court_notice_bia", "representative_return"])
def test_court_and_representative_letters_render(name):
    for facts in all_variants("en")[::7]:
        text = render_template(name, "en", n=facts, court="El Paso")
        assert not LEFTOVER.search(text)
        assert facts.a_number in text


def test_markup_blocks():
    blocks = parse_markup("# T\n\n> a\n>\n> b\n\npara one\ncontinues\n\n- x\n\n- y\n## H\n")
    kinds = [b.kind for b in blocks]
    assert kinds == [BlockKind.TITLE, BlockKind.GAP, BlockKind.LINE, BlockKind.LINE,
                     BlockKind.LINE, BlockKind.GAP, BlockKind.PARAGRAPH, BlockKind.GAP,
                     BlockKind.BULLET, BlockKind.BULLET, BlockKind.HEADING]
    assert blocks[6].text == "para one continues"

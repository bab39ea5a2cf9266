import re

import pytest
from jinja2 import meta
from jinja2.exceptions import UndefinedError

from spilldesk.notify.letters import (
    LANGUAGES,
    TEMPLATES,
    environment,
    letter_context,
    render_packet_text,
    render_template,
    wording,
)
from spilldesk.notify.markup import BlockKind, parse_markup
from spilldesk.notify.statements import STATEMENTS
from tests.notify.notify_cases import FOREIGN, all_variants, base_facts

LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|Undefined|None\b")


def _names(text: str) -> set[str]:
    """The facts a sentence reads (n.…), the filters it applies and the variables it uses."""
    found = set(re.findall(r"n(?:\.[a-z_]+)+", text))
    found |= set(re.findall(r"\|\s*([a-z_]+)", text))
    found |= meta.find_undeclared_variables(environment("en").parse(text))
    return found


def test_every_language_words_every_statement_with_the_same_facts():
    english = wording("en")
    for language in LANGUAGES[1:]:
        other = wording(language)
        assert set(other) == set(english), language
        for key in STATEMENTS:
            assert _names(str(other[key])) == _names(str(english[key])), (language, key)


def test_the_packet_is_laid_out_once_for_every_language():
    assert {"notice", "faq"} <= {p.stem for p in (TEMPLATES / "en").glob("*.j2")}
    assert not any((TEMPLATES / language / "notice.j2").exists() for language in LANGUAGES[1:])


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
    from spilldesk.notify.notice_facts import CaseFacts

    held = base_facts(case=CaseFacts(posture="final_order_unexecuted", final_order=True,
                                     custody="detained"))
    executed = base_facts(case=CaseFacts(posture="final_order_executed", final_order=True,
                                         custody="removed", order_type="section_240",
                                         represented=True))
    assert "at least 30 days" in render_packet_text(held)[0]
    assert "at least 30 days" not in render_packet_text(executed)[0]
    assert "ICE will reopen the proceedings under section 240" in render_packet_text(executed)[0]


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
        text = render_template(name, "en", court="El Paso", **letter_context(facts))
        assert not LEFTOVER.search(text)
        assert facts.a_number in text


def test_markup_blocks():
    blocks = parse_markup("# T\n\n> a\n>\n> b\n\npara one\ncontinues\n\n- x\n\n- y\n## H\n")
    kinds = [b.kind for b in blocks]
    assert kinds == [BlockKind.TITLE, BlockKind.GAP, BlockKind.LINE, BlockKind.LINE,
                     BlockKind.LINE, BlockKind.GAP, BlockKind.PARAGRAPH, BlockKind.GAP,
                     BlockKind.BULLET, BlockKind.BULLET, BlockKind.HEADING]
    assert blocks[6].text == "para one continues"

"""The letter table: each situation's packet makes exactly the statements that are true for
its reader, in every language, and the words the issue found wrong are gone."""

import pytest
from jinja2.exceptions import UndefinedError

from spilldesk.notify.letters import LANGUAGES, letter_context, render_packet_text, wording
from spilldesk.notify.statements import STATEMENTS, letter_elements, statements_for
from tests.notify.letter_table import ROWS, Row


def _flat(text: str) -> str:
    return " ".join(text.split())


def _said(row: Row, language: str, key: str) -> str:
    """The statement as this row's letter would word it (a sentence's own rendering)."""
    from spilldesk.notify.letters import environment

    facts = row.facts(language)
    template = environment(language).from_string(str(wording(language)[key]))
    return _flat(template.render(**letter_context(facts, language)))


def test_the_table_names_only_known_statements():
    for row in ROWS:
        assert row.present <= set(STATEMENTS) and row.absent <= set(STATEMENTS), row.name
        assert not row.present & row.absent, row.name


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_rules_choose_the_rows_statements(row):
    chosen = statements_for(row.facts())
    assert row.present <= chosen, sorted(row.present - chosen)
    assert not row.absent & chosen, sorted(row.absent & chosen)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_the_rendered_packet_says_what_the_rules_choose(row, language):
    packet = _flat("\n".join(render_packet_text(row.facts(language))))
    for key in sorted(row.present):
        assert _said(row, language, key).lstrip("- ") in packet, key
    for key in sorted(row.absent):
        try:
            text = _said(row, language, key)
        except UndefinedError:  # it needs facts this row lacks: look for its fixed opening
            text = _flat(str(wording(language)[key]).split("{", 1)[0])
            assert len(text) > 20, key
        assert text.lstrip("- ") not in packet, key


def _packet(name_part: str, language: str = "en") -> str:
    row = next(r for r in ROWS if name_part in r.name)
    return _flat("\n".join(render_packet_text(row.facts(language))))


def test_dec7_letters_name_dhs_not_ice_as_who_made_the_mistake():
    for language, wrong, right in (("en", "(ICE) made a mistake", "(DHS), of which"),
                                   ("es", "(ICE) cometió un error", "(DHS), del que")):
        packet = _packet("(Dec 7)", language)
        assert wrong not in packet and right in packet
        assert wrong in _packet("removal proceedings, released", language)


def test_dec7_letters_list_the_status_not_what_cuba_already_had():
    row = next(r for r in ROWS if "(Dec 7)" in r.name)
    assert letter_elements(row.facts()) == ("disclosure_status",)
    letter = _packet("(Dec 7)")
    assert "The following information about you was disclosed" not in letter
    told = letter.split("What information was disclosed", 1)[1].split("What ICE is doing")[0]
    assert "already had your name, date of birth and nationality" in told
    assert "whether or not you were part of the disclosure of November 28, 2022" in told


def test_pro_se_removed_person_is_not_promised_a_reopening():
    packet = _packet("(§240), removed, pro se")
    assert "reopen" not in packet
    assert "placed in removal proceedings under section 240" in packet


def test_removed_and_nta_bound_readers_are_not_told_ice_will_not_oppose_reopening():
    for name in ("(§240), removed, pro se", "credible fear negative", "withholding-only"):
        assert "will not oppose" not in _packet(name), name


def test_no_letter_promises_a_list_of_free_legal_service_providers():
    for row in ROWS:
        for language in LANGUAGES:
            packet = _flat("\n".join(render_packet_text(row.facts(language)))).casefold()
            assert "free legal" not in packet and "gratuit" not in packet, (row.name, language)


def test_pending_alert_is_not_called_placed():
    packet = _packet("alert pending")
    assert "ICE is placing an alert" in packet and "ICE has placed an alert" not in packet


def test_pause_says_from_the_day_you_receive_it_and_every_extension_its_end():
    assert "at least 30 days from the day you receive this letter" in _packet("alert pending")
    assert "The pause on removal lasts at least until:" in _packet("alert pending")
    assert "January 31, 2023" in _packet("extended to a date")
    assert "until further notice" in _packet("until further notice")
    assert "hasta nuevo aviso" in _packet("until further notice", "es")


def test_the_incident_telephone_line_is_printed_only_when_there_is_one():
    assert "call 1-888-351-4024" in _packet("telephone line")
    assert "llame al 1-888-351-4024" in _packet("telephone line", "es")
    assert "call" not in _packet("removal proceedings, released").casefold().replace(
        "recall", "")

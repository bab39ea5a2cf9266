"""Every letter uses the glossary's legal terms and none of the inconsistent synonyms."""

import re
from functools import cache
from pathlib import Path

import pytest

from spilldesk.notify.letters import LANGUAGES, render_packet_text
from tests.notify.notify_cases import all_variants

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _table(heading: str) -> list[list[str]]:
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()
            if line.startswith("|")]
    return [[cell.strip() for cell in row] for row in rows[2:]]  # skip header and rule


@cache
def _rendered(language: str) -> str:
    return "\n".join(page for facts in all_variants(language)
                     for page in render_packet_text(facts)).casefold()


def test_glossary_has_every_language_and_terms():
    terms = _table("Terms")
    assert len(terms) >= 20
    assert all(len(row) == 1 + len(LANGUAGES) and all(row) for row in terms)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_glossary_term_is_used(language):
    column = 1 + LANGUAGES.index(language)
    text = _rendered(language)
    missing = [row[column] for row in _table("Terms") if row[column].casefold() not in text]
    assert not missing


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_inconsistent_synonym_appears(language):
    text = _rendered(language)
    avoided = [row[1] for row in _table("Do not write") if row[0] == language]
    assert avoided
    found = [w for w in avoided if re.search(rf"\b{re.escape(w.casefold())}\b", text)]
    assert not found

"""Preferred languages: one home for reading them as BCP 47 tags (`es`, `pt-BR`, `mam`)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pycountry

from spilldesk.errors import ServiceError


class UnknownLanguage(ServiceError):
    """The text names no language this desk knows."""


# Names people write that are not ISO names, and the regional forms the desk distinguishes.
_NAMES: dict[str, str] = {
    "english": "en", "ingles": "en", "spanish": "es", "espanol": "es", "castellano": "es",
    "portuguese": "pt", "portugues": "pt", "brazilian portuguese": "pt-BR",
    "portuguese (brazil)": "pt-BR", "portugues (brasil)": "pt-BR", "portugues do brasil": "pt-BR",
    "haitian creole": "ht", "creole": "ht", "kreyol": "ht", "french": "fr", "frances": "fr",
    "russian": "ru", "ruso": "ru", "chinese": "zh", "mandarin": "zh", "cantonese": "yue",
    "hindi": "hi", "punjabi": "pa", "gujarati": "gu", "mam": "mam", "k'iche'": "quc",
    "kiche": "quc", "quiche": "quc", "q'anjob'al": "kjb", "kanjobal": "kjb", "arabic": "ar",
    "romanian": "ro", "wolof": "wo", "tigrinya": "ti", "amharic": "am", "turkish": "tr",
    "ukrainian": "uk", "vietnamese": "vi", "bengali": "bn", "nepali": "ne", "pulaar": "fuc",
    "fula": "ff", "urdu": "ur", "pashto": "ps", "dari": "prs", "farsi": "fa", "georgian": "ka",
}
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_]([a-z]{2}|\d{3}))?$", re.IGNORECASE)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@cache
def _iso_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        names.setdefault(_fold(str(language.name)), str(code))
    return names


def _known_code(code: str) -> bool:
    lookup = pycountry.languages.get(alpha_2=code) if len(code) == 2 else None
    return (lookup or pycountry.languages.get(alpha_3=code)) is not None


@lru_cache(maxsize=4096)  # a registry repeats a few hundred spellings a million times
def normalize_language(text: str) -> str:
    """Canonical BCP 47 tag: lower-case language, upper-case region (`pt-BR`)."""
    raw = str(text).strip()
    if not raw:
        raise UnknownLanguage("empty language")
    folded = _fold(raw)
    if folded in _NAMES:
        return _NAMES[folded]
    if match := _TAG.match(raw):
        language, region = match[1].lower(), match[2]
        if _known_code(language):
            return f"{language}-{region.upper()}" if region else language
    if folded in _iso_names():
        return _iso_names()[folded]
    raise UnknownLanguage("unknown language (use a BCP 47 tag such as es, pt-BR, ht, mam)")


def base_language(tag: str) -> str:
    """`pt-BR` → `pt`: the language without its region."""
    return normalize_language(tag).split("-")[0]

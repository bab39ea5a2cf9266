"""Who gets a notice in which language, and how it reaches them: one home for each rule.

The seed: notices were translated into Spanish and Portuguese for Nov 28 and into Spanish for
Dec 7; a person whose language is not offered gets English, and a detained person can use the
language translation service in custody. Detained people are served by hand at the facility,
everyone else by USPS to the last known address (abroad when removed); the representative of
record gets a copy by USPS or email. A notice without a usable address is never dropped: it
goes on the follow-up list.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from spilldesk.domain.languages import UnknownLanguage, normalize_language
from spilldesk.domain.posture import Custody, parse_custody

ENGLISH = "en"
# Representatives of record practise before U.S. immigration courts: their copy is in English.
REPRESENTATIVE_LANGUAGE = ENGLISH


class Recipient(StrEnum):
    NONCITIZEN = "noncitizen"
    REPRESENTATIVE = "representative"


class Channel(StrEnum):
    """How a notice travels to its recipient."""

    HAND = "hand"  # served by an officer at the detention facility
    USPS = "usps"  # first-class mail to a U.S. address
    USPS_INTERNATIONAL = "usps_international"  # first-class international mail
    EMAIL = "email"  # representatives only
    FOLLOW_UP = "follow_up"  # no usable address: a person must find one


class DeliveryMethod(StrEnum):
    """How a delivery attempt was made (what an officer or the mail house records)."""

    HAND = "hand"
    USPS = "usps"
    EMAIL = "email"


def delivery_method(channel: Channel) -> DeliveryMethod | None:
    """The method an attempt on this channel uses; None while the notice awaits an address."""
    return {
        Channel.HAND: DeliveryMethod.HAND,
        Channel.USPS: DeliveryMethod.USPS,
        Channel.USPS_INTERNATIONAL: DeliveryMethod.USPS,
        Channel.EMAIL: DeliveryMethod.EMAIL,
    }.get(channel)


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].casefold()


def _canonical(tag: str) -> str | None:
    try:
        return normalize_language(tag)
    except UnknownLanguage:
        return None


def notice_language(
    preferred: str | None, offered: Sequence[str], *, detained: bool
) -> tuple[str, bool]:
    """The language of a person's notice and whether the translation service is needed.

    The preferred language when the incident offers it (exactly, or the same language in
    another region: `pt` and `pt-PT` get `pt-BR`); otherwise English, flagged for the
    translation service when the person is detained and does not read English (or nobody
    knows which language they read).
    """
    languages = [tag for tag in (_canonical(t) for t in offered) if tag is not None]
    wanted = _canonical(preferred) if preferred and preferred.strip() else None
    if wanted is not None:
        for tag in languages:
            if tag.casefold() == wanted.casefold():
                return tag, False
        for tag in languages:
            if _primary(tag) == _primary(wanted):
                return tag, False
        if _primary(wanted) == ENGLISH:
            return ENGLISH, False
    return ENGLISH, detained


def notice_channel(
    recipient: Recipient | str,
    custody: Custody | str | None,
    *,
    has_address: bool,
    address_abroad: bool,
    has_email: bool,
) -> Channel:
    """The channel of one notice (see the module docstring for the rule)."""
    if Recipient(recipient) is Recipient.REPRESENTATIVE:
        if has_address:
            return Channel.USPS_INTERNATIONAL if address_abroad else Channel.USPS
        return Channel.EMAIL if has_email else Channel.FOLLOW_UP
    status = parse_custody(custody) if isinstance(custody, str) else custody
    if status is Custody.DETAINED:
        return Channel.HAND
    if not has_address:
        return Channel.FOLLOW_UP
    return Channel.USPS_INTERNATIONAL if address_abroad else Channel.USPS

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spilldesk.domain.notice_rules import (
    Channel,
    DeliveryMethod,
    Recipient,
    delivery_method,
    notice_channel,
    notice_language,
)
from spilldesk.domain.posture import Custody

NOV28 = ["en", "es", "pt-BR"]
DEC7 = ["en", "es"]


@pytest.mark.parametrize(
    ("preferred", "offered", "detained", "expected"),
    [
        ("es", NOV28, True, ("es", False)),
        ("pt-BR", NOV28, False, ("pt-BR", False)),
        ("pt", NOV28, True, ("pt-BR", False)),
        ("pt-PT", NOV28, True, ("pt-BR", False)),
        ("Portuguese (Brazil)", NOV28, True, ("pt-BR", False)),
        ("español", DEC7, True, ("es", False)),
        ("es-MX", DEC7, False, ("es", False)),
        ("pt-BR", DEC7, True, ("en", True)),
        ("pt-BR", DEC7, False, ("en", False)),
        ("mam", NOV28, True, ("en", True)),
        ("ht", NOV28, False, ("en", False)),
        ("en", NOV28, True, ("en", False)),
        ("en-US", DEC7, True, ("en", False)),
        (None, NOV28, True, ("en", True)),
        ("", NOV28, False, ("en", False)),
        ("klingonese", NOV28, True, ("en", True)),
    ],
)
def test_notice_language(preferred, offered, detained, expected):
    assert notice_language(preferred, offered, detained=detained) == expected


@given(
    preferred=st.sampled_from(["es", "pt-BR", "pt", "en", "ht", "mam", "ru", "fr", None]),
    offered=st.lists(st.sampled_from(["en", "es", "pt-BR", "ht"]), unique=True),
    detained=st.booleans(),
)
def test_language_is_offered_or_english_and_only_detained_are_flagged(preferred, offered, detained):
    language, needs_translation = notice_language(preferred, offered, detained=detained)
    assert language in offered or language == "en"
    if needs_translation:
        assert detained and language == "en"


@pytest.mark.parametrize(
    ("custody", "has_address", "abroad", "expected"),
    [
        (Custody.DETAINED, False, False, Channel.HAND),
        ("detained", True, True, Channel.HAND),
        (Custody.RELEASED, True, False, Channel.USPS),
        (Custody.RELEASED, False, False, Channel.FOLLOW_UP),
        (Custody.REMOVED, True, True, Channel.USPS_INTERNATIONAL),
        (Custody.REMOVED, True, False, Channel.USPS),
        (Custody.REMOVED, False, False, Channel.FOLLOW_UP),
        (None, True, False, Channel.USPS),
    ],
)
def test_noncitizen_channel(custody, has_address, abroad, expected):
    channel = notice_channel(
        Recipient.NONCITIZEN, custody, has_address=has_address, address_abroad=abroad,
        has_email=True,
    )
    assert channel is expected


@pytest.mark.parametrize(
    ("has_address", "has_email", "expected"),
    [
        (True, True, Channel.USPS),
        (False, True, Channel.EMAIL),
        (False, False, Channel.FOLLOW_UP),
    ],
)
def test_representative_channel_ignores_custody(has_address, has_email, expected):
    for custody in Custody:
        channel = notice_channel(
            "representative", custody, has_address=has_address, address_abroad=False,
            has_email=has_email,
        )
        assert channel is expected


def test_representative_never_gets_hand_delivery_and_nobody_is_skipped():
    seen = set()
    for recipient in Recipient:
        for custody in [*Custody, None]:
            for flags in range(8):
                channel = notice_channel(
                    recipient, custody, has_address=bool(flags & 1),
                    address_abroad=bool(flags & 2) and bool(flags & 1), has_email=bool(flags & 4),
                )
                seen.add((recipient, channel))
                assert channel in Channel
    assert (Recipient.REPRESENTATIVE, Channel.HAND) not in seen


def test_unknown_custody_is_an_error():
    with pytest.raises(ValueError, match="custody"):
        notice_channel("noncitizen", "escaped", has_address=True, address_abroad=False,
                       has_email=False)


def test_delivery_method():
    assert delivery_method(Channel.USPS_INTERNATIONAL) is DeliveryMethod.USPS
    assert delivery_method(Channel.HAND) is DeliveryMethod.HAND
    assert delivery_method(Channel.FOLLOW_UP) is None

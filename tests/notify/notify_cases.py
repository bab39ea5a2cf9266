"""Notice facts for the notify tests: every posture and flag a letter branches on."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from spilldesk.domain.notice_numbers import notice_number
from spilldesk.domain.posture import Posture
from spilldesk.notify.labels import DATA_ELEMENTS
from spilldesk.notify.notice_facts import (
    CaseFacts,
    DisclosureKind,
    ExtensionFacts,
    IncidentFacts,
    NoticeFacts,
)

EASTERN = ZoneInfo("America/New_York")
WEB = IncidentFacts(
    "NOV28", DisclosureKind.PUBLIC_WEBSITE, datetime(2022, 11, 28, 9, 45, tzinfo=EASTERN),
    datetime(2022, 11, 28, 14, 4, tzinfo=EASTERN), date(2022, 11, 19),
    extension=ExtensionFacts("days", 30), originating_component="ICE",
)
FOREIGN = IncidentFacts(
    "DEC07", DisclosureKind.FOREIGN_GOVERNMENT, datetime(2022, 12, 7, 12, 0, tzinfo=EASTERN),
    None, foreign_country="CUB", originating_component="DHS",
    earlier_disclosure_on=date(2022, 11, 28),
)


def base_facts(language: str = "en", **changes: object) -> NoticeFacts:
    facts = NoticeFacts(
        notice_number=notice_number("NOV28", 1), language=language, recipient="noncitizen",
        channel="hand", issued_on=date(2022, 12, 2), family_name="Gonçalves Núñez",
        given_name="José María", a_number="A012345678",
        address_lines=("Otero County Processing Center", "26 McGregor Range Road",
                       "Chaparral, NM 88081"),
        incident=WEB, case=CaseFacts(posture="removal_proceedings", custody="detained"),
        data_elements=DATA_ELEMENTS, representative_name="Ana Lima",
        representative_organization="Legal Aid Partners", facility_code="OTRO",
        facility_name="Otero County Processing Center", housing="B-2",
    )
    return replace(facts, **changes)


def case_variants() -> list[CaseFacts]:
    """Every posture with every flag combination a template branches on."""
    variants = []
    for posture, custody, flags in itertools.product(
        [*Posture, None], ["detained", "released", "removed"], range(8)
    ):
        final = posture in (Posture.FINAL_ORDER_UNEXECUTED, Posture.FINAL_ORDER_EXECUTED)
        order_types = ["expedited_removal", "reinstatement", "section_240"] if final else [None]
        for order_type in order_types:
            variants.append(CaseFacts(
                posture=posture, custody=custody, final_order=final, order_type=order_type,
                appeal_by="dhs" if flags & 1 else "respondent", motion_barred=bool(flags & 2),
                represented=bool(flags & 4), custody_review=custody == "detained",
                alert="placed" if flags & 1 else "pending",
            ))
    return variants


def all_variants(language: str) -> list[NoticeFacts]:
    facts = []
    for incident in (WEB, FOREIGN):
        for case in case_variants():
            facts.append(base_facts(language, incident=incident, case=case))
    return facts

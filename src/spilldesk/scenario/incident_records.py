"""The two 2022 incidents as data, from the seed: what was disclosed, how, to whom, when."""

from __future__ import annotations

from typing import Any

from spilldesk.scenario.access_log import WORKBOOK_URL
from spilldesk.scenario.timeline import (
    CUBA_COMMUNICATION_SENT,
    CUBA_DISCOVERED,
    CUSTODY_REFERENCE,
    WORKBOOK_POSTED,
    WORKBOOK_REMOVED,
    WORKBOOK_REPORTED,
)

WORKBOOK_FILE = "disclosures/2022-11-28-detention-stats.xlsx"
CUBA_LIST_FILE = "disclosures/2022-12-07-cuba-list.xlsx"
COMMUNICATION_FILE = "disclosures/2022-12-07-communication.txt"

NOV_28: dict[str, Any] = {
    "id": "ICE-2022-11-28",
    "title": "Detention statistics workbook posted with person-level records",
    "description": (
        "During routine website updates ICE posted to ICE.gov's detention-statistics page an "
        "Excel workbook that included names, A-numbers, dates of birth, nationality, detention "
        "facility, book-in date, case status and fear-screening results of noncitizens in ICE "
        "custody as of November 19, 2022. It was posted for about five hours."
    ),
    "disclosed_how": "public_posting",
    "disclosed_to": "the public (ICE.gov); downloaded by about six outside parties",
    "exposed_from": WORKBOOK_POSTED.isoformat(),
    "exposed_until": WORKBOOK_REMOVED.isoformat(),
    "discovered_at": WORKBOOK_REPORTED.isoformat(),
    "discovered_by": "Human Rights First",
    "custody_reference_date": CUSTODY_REFERENCE.isoformat(),
    "notice_languages": ["en", "es", "pt-BR"],
    "hold_days": 30,
    "mail_days": 5,
    "originating_component": "ICE",
    "disclosed_document": WORKBOOK_FILE,
    "disclosed_url": "https://www.ice.gov" + WORKBOOK_URL,
    "risk_of_harm": {
        "nature_and_sensitivity": "high",
        "likelihood_of_access_and_use": "high",
        "breach_type": "public_posting",
        "reasons": [
            "names, A-numbers, dates of birth, nationality and custody location together",
            "fear-screening results reveal protection claims to anyone, persecutors included",
            "posted publicly for about five hours and downloaded by outside parties",
            "the people are detained noncitizens, many seeking protection: a vulnerable group",
        ],
    },
}

DEC_7: dict[str, Any] = {
    "id": "DHS-2022-12-07",
    "title": "Disclosure status revealed to the government of Cuba",
    "description": (
        "During routine communication with the government of Cuba about removal flights, DHS "
        "indicated which of 103 Cuban nationals previously provided for removal processing were "
        "part of the November 28 ICE disclosure (46 were, 57 were not)."
    ),
    "disclosed_how": "foreign_government",
    "disclosed_to": "the government of Cuba",
    "exposed_from": CUBA_COMMUNICATION_SENT.isoformat(),
    "exposed_until": CUBA_COMMUNICATION_SENT.isoformat(),
    "discovered_at": CUBA_DISCOVERED.isoformat(),
    "discovered_by": "DHS notified ICE",
    "custody_reference_date": None,
    "notice_languages": ["en", "es"],
    "hold_days": 30,
    "mail_days": 5,
    "originating_component": "DHS",
    "reveals_status_of": "ICE-2022-11-28",
    "disclosed_document": CUBA_LIST_FILE,
    "communication": COMMUNICATION_FILE,
    "risk_of_harm": {
        "nature_and_sensitivity": "high",
        "likelihood_of_access_and_use": "high",
        "breach_type": "foreign_government",
        "reasons": [
            "tells the government the people may fear that their data were exposed",
            "the recipient is the government of their country of nationality",
            "identifies people named for removal to that country",
        ],
    },
}

SCENARIO_INCIDENTS: tuple[dict[str, Any], ...] = (NOV_28, DEC_7)

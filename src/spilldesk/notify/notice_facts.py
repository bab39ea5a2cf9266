"""What a letter says, as plain values: built from the store, rendered by templates.

Plain frozen dataclasses so that a batch of them crosses to worker processes cheaply and the
templates never reach back into the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from spilldesk.domain.holds import DEFAULT_HOLD_DAYS


class DisclosureKind(StrEnum):
    """How the information got out: it decides the 'What happened' paragraph."""

    PUBLIC_WEBSITE = "public_website"  # posted on a public website (Nov 28)
    FOREIGN_GOVERNMENT = "foreign_government"  # revealed to a foreign government (Dec 7)


@dataclass(frozen=True)
class Office:
    """Who writes and whom to contact."""

    name: str = "U.S. Immigration and Customs Enforcement, Privacy Office"
    address_lines: tuple[str, ...] = (
        "500 12th Street SW, Mail Stop 5004",
        "Washington, DC 20536-5004",
    )
    email: str = "ICEPrivacy@ice.dhs.gov"
    phone: str = ""
    signer: str = "Privacy Officer"


@dataclass(frozen=True)
class ExtensionFacts:
    """The incident's pause extensions, as a letter tells them: the latest word wins."""

    kind: str  # days | until | indefinite
    days: int = 0  # extra days in all (kind "days")
    until: date | None = None  # kind "until"


@dataclass(frozen=True)
class IncidentFacts:
    incident_id: str
    kind: DisclosureKind
    exposed_from: datetime  # aware, in the agency's time zone
    exposed_until: datetime | None
    custody_reference_date: date | None = None
    foreign_country: str | None = None  # ISO alpha-3, for FOREIGN_GOVERNMENT
    hold_days: int = DEFAULT_HOLD_DAYS
    extension: ExtensionFacts | None = None
    originating_component: str | None = None  # whose mistake it was (ICE, DHS)
    # For a disclosure that revealed who was in an earlier leak: that leak's date.
    earlier_disclosure_on: date | None = None

    @property
    def hold_extended(self) -> bool:
        return self.extension is not None


@dataclass(frozen=True)
class CaseFacts:
    """The person's procedural posture, in the SPEC vocabulary."""

    posture: str | None = None
    appeal_by: str | None = None
    custody: str | None = None
    final_order: bool = False
    order_type: str | None = None
    motion_barred: bool = False
    represented: bool = False
    custody_review: bool = False
    held: bool | None = None  # a removal hold is placed; None: not planned yet
    alert: str | None = None  # the record-system alerts: placed | pending | None (none)
    received_on: date | None = None  # the day notice was provided to the person
    hold_until: date | None = None  # the pause's last day, once notice was provided

    @property
    def hold_applies(self) -> bool:
        """A final order not yet executed: removal waits the hold period after notice."""
        if self.held is not None:
            return self.held
        return self.final_order and self.posture != "final_order_executed"

    @property
    def detained(self) -> bool:
        return self.custody == "detained"


@dataclass(frozen=True)
class NoticeFacts:
    """Everything one notice packet (letter + FAQ sheet) says."""

    notice_number: str
    language: str
    recipient: str  # noncitizen | representative
    channel: str
    issued_on: date
    family_name: str
    given_name: str
    a_number: str
    address_lines: tuple[str, ...]
    incident: IncidentFacts
    case: CaseFacts
    data_elements: tuple[str, ...]
    needs_translation: bool = False
    representative_name: str = ""
    representative_organization: str = ""
    facility_code: str = ""
    facility_name: str = ""
    housing: str = ""
    office: Office = field(default_factory=Office)

    @property
    def person_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)

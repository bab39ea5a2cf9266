"""Incidents: what was disclosed, when, to whom, and the policy its response follows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from spilldesk.domain.dates import InvalidDate, parse_timestamp
from spilldesk.domain.holds import DEFAULT_HOLD_DAYS, DEFAULT_MAIL_DAYS
from spilldesk.domain.languages import normalize_language
from spilldesk.domain.risk import RiskAssessment
from spilldesk.errors import Conflict, NotFound, ServiceError
from spilldesk.store.audit import record_event
from spilldesk.store.models import Incident


class IncidentError(ServiceError):
    """An incident cannot be opened or found; the message says why."""


class IncidentNotFound(IncidentError, NotFound):
    """No incident of that id."""

    status = NotFound.status


class IncidentAlreadyOpen(IncidentError, Conflict):
    """The incident is already open with different facts (a conflict, not bad input)."""

    status = Conflict.status


# Incident ids name folders (packets, clawback letters) and appear in URLs: letters, digits,
# dot, underscore and hyphen only, starting with a letter or digit (no `/`, no `..`).
INCIDENT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
_INCIDENT_ID = re.compile(INCIDENT_ID_PATTERN)


def check_incident_id(incident_id: str) -> str:
    """The id itself, or IncidentError: every entry (CLI, API, import, pages) calls this."""
    if not _INCIDENT_ID.fullmatch(incident_id) or ".." in incident_id:
        raise IncidentError(f"incident id: {incident_id[:80]!r} may hold only letters, digits, "
                            "'.', '_' and '-' (at most 64, no '..'), e.g. ICE-2022-11-28")
    return incident_id


@dataclass(frozen=True)
class IncidentSpec:
    id: str
    title: str
    exposed_from: datetime
    exposed_until: datetime
    description: str | None = None
    disclosed_how: str | None = None
    disclosed_to: str | None = None
    discovered_at: datetime | None = None
    custody_reference_date: date | None = None
    notice_languages: tuple[str, ...] = ("en",)
    hold_days: int = DEFAULT_HOLD_DAYS
    mail_days: int = DEFAULT_MAIL_DAYS
    originating_component: str | None = None
    reveals_status_of: str | None = None
    disclosed_url: str | None = None  # where it was posted (URL or path), for the clawback
    risk: RiskAssessment | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        check_incident_id(self.id)
        if self.exposed_until < self.exposed_from:
            raise IncidentError("exposed-until: is before exposed-from")
        if self.hold_days < 0 or self.mail_days < 0:
            raise IncidentError("hold-days / mail-days: must not be negative")
        for tag in self.notice_languages:
            normalize_language(tag)


def spec_from_mapping(data: dict[str, Any], timezone: Any) -> IncidentSpec:
    """An incident record from YAML/JSON-like data (the same keys as the options)."""
    def ts(key: str) -> Any:
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return parse_timestamp(str(value), timezone)
        except InvalidDate as exc:
            raise IncidentError(f"{key.replace('_', '-')}: {exc}") from None

    risk = data.get("risk_of_harm") or data.get("risk")
    for required in ("exposed_from", "exposed_until"):
        if ts(required) is None:
            raise IncidentError(f"{required.replace('_', '-')}: is required")
    try:
        reference = data.get("custody_reference_date")
        return IncidentSpec(
            id=str(data["id"]), title=str(data["title"]),
            exposed_from=ts("exposed_from"), exposed_until=ts("exposed_until"),
            description=data.get("description"), disclosed_how=data.get("disclosed_how"),
            disclosed_to=data.get("disclosed_to"), discovered_at=ts("discovered_at"),
            custody_reference_date=date.fromisoformat(str(reference)) if reference else None,
            notice_languages=tuple(data.get("notice_languages") or ("en",)),
            hold_days=int(data.get("hold_days", DEFAULT_HOLD_DAYS)),
            mail_days=int(data.get("mail_days", DEFAULT_MAIL_DAYS)),
            originating_component=data.get("originating_component"),
            reveals_status_of=data.get("reveals_status_of"),
            disclosed_url=data.get("disclosed_url") or None,
            risk=RiskAssessment.from_dict(risk) if risk else None,
        )
    except KeyError as exc:
        raise IncidentError(f"incident record: {exc.args[0]} is required") from None
    except (TypeError, ValueError) as exc:
        raise IncidentError(f"incident record: {exc}") from None


def open_incident(session: Session, spec: IncidentSpec, *, actor: str) -> tuple[Incident, bool]:
    """Open an incident; re-opening the same id with the same record changes nothing.

    Returns (incident, created).
    """
    spec.validate()
    languages = [normalize_language(t) for t in spec.notice_languages]
    if "en" not in languages:
        languages.insert(0, "en")  # English is always offered: it is the fallback
    values = {
        "title": spec.title, "description": spec.description, "disclosed_how": spec.disclosed_how,
        "disclosed_to": spec.disclosed_to, "exposed_from": spec.exposed_from,
        "exposed_until": spec.exposed_until, "discovered_at": spec.discovered_at,
        "custody_reference_date": spec.custody_reference_date, "notice_languages": languages,
        "hold_days": spec.hold_days, "mail_days": spec.mail_days,
        "originating_component": spec.originating_component,
        "reveals_status_of": spec.reveals_status_of,
        "disclosed_url": spec.disclosed_url,
        "risk": spec.risk.as_dict() if spec.risk else None,
    }
    earlier = spec.reveals_status_of
    if earlier and earlier != spec.id and session.get(Incident, earlier) is None:
        # the record names an incident the desk does not have: bad input (422), not a 404
        raise IncidentError(f"reveals-status-of: no incident {earlier[:80]!r}")
    existing = session.get(Incident, spec.id)
    if existing is not None:
        changed = [k for k, v in values.items() if getattr(existing, k) != v]
        if changed:
            raise IncidentAlreadyOpen(f"incident {spec.id} is already open with a different "
                                      f"{', '.join(changed)}")
        return existing, False
    incident = Incident(id=spec.id, created_by=actor, **values)
    session.add(incident)
    session.flush()
    record_event(session, actor=actor, action="incident.open", object_type="incident",
                 object_id=spec.id, detail={"title": spec.title})
    return incident, True


def get_incident(session: Session, incident_id: str) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise IncidentNotFound(f"no incident {incident_id!r} (see `spilldesk incident list`)")
    return incident


_PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{5,30}[0-9](?: ?(?:ext\.?|x) ?[0-9]{1,6})?$")


def set_contact_phone(session: Session, incident_id: str, phone: str | None, *,
                      actor: str) -> Incident:
    """The telephone line the incident's notices give (an office's line; empty removes it).
    Notices generated afterwards print it; packets already mailed or delivered are records."""
    incident = get_incident(session, incident_id)
    number = " ".join((phone or "").split()) or None
    if number is not None and not _PHONE.match(number):
        raise IncidentError(f"phone: {number!r} is not a telephone number (digits, spaces, "
                            "+ ( ) . -, optionally 'ext 123')")
    incident.contact_phone = number
    record_event(session, actor=actor, action="incident.contact", object_type="incident",
                 object_id=incident_id, detail={"contact_phone": number})
    return incident


def list_incidents(session: Session) -> list[Incident]:
    return list(session.execute(select(Incident).order_by(Incident.exposed_from)).scalars())


def describe(incident: Incident) -> dict[str, object]:
    """An incident's record as JSON-able data (no person data in it)."""
    return {
        "id": incident.id,
        "title": incident.title,
        "description": incident.description,
        "disclosed_how": incident.disclosed_how,
        "disclosed_to": incident.disclosed_to,
        "exposed_from": incident.exposed_from.isoformat(),
        "exposed_until": incident.exposed_until.isoformat(),
        "discovered_at": incident.discovered_at.isoformat() if incident.discovered_at else None,
        "custody_reference_date": (incident.custody_reference_date.isoformat()
                                   if incident.custody_reference_date else None),
        "notice_languages": incident.notice_languages,
        "hold_days": incident.hold_days,
        "mail_days": incident.mail_days,
        "originating_component": incident.originating_component,
        "contact_phone": incident.contact_phone,
        "reveals_status_of": incident.reveals_status_of,
        "disclosed_url": incident.disclosed_url,
        "risk_of_harm": incident.risk,
        "status": incident.status,
    }

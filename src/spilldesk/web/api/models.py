"""The API's declared shapes: what a machine client may send and what it gets back.

Input models refuse unknown fields (`In`: a misspelt field is a 422, never silently dropped).
Output models (`Out`) declare every key a route answers with; they allow extra keys so a
service that adds one never has it filtered out of an answer (the JSON keys are the contract
pages, scripts and tests rely on). Shapes used by several routers live here; a router's own
shapes live beside it.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field

from spilldesk.domain.risk import BREACH_TYPES

RiskLevel = Literal["low", "moderate", "high"]
BreachType = Literal[tuple(sorted(BREACH_TYPES))]  # type: ignore[valid-type]


class In(BaseModel):
    """A request body: unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """An answer: the declared keys, and any a service adds (never filtered out)."""

    model_config = ConfigDict(extra="allow")


def plain(value: Any) -> Any:
    """A service's answer as JSON-ready data, exactly as FastAPI always wrote it (datetimes
    as `isoformat()`), before the response model checks it."""
    return jsonable_encoder(value)


class RiskOfHarmIn(In):
    """OMB M-17-12: the two factors' levels, the breach type, the officer's reasons."""

    nature_and_sensitivity: RiskLevel
    likelihood_of_access_and_use: RiskLevel
    breach_type: BreachType
    reasons: list[str] = Field(default_factory=list, max_length=50)


class RiskOfHarm(Out):
    nature_and_sensitivity: str
    likelihood_of_access_and_use: str
    breach_type: str
    level: str
    reasons: list[str]


class Incident(Out):
    """An incident's record (no person data in it)."""

    id: str
    title: str
    description: str | None
    disclosed_how: str | None
    disclosed_to: str | None
    exposed_from: str
    exposed_until: str
    discovered_at: str | None
    custody_reference_date: str | None
    notice_languages: list[str]
    hold_days: int
    mail_days: int
    originating_component: str | None
    contact_phone: str | None
    reveals_status_of: str | None
    disclosed_url: str | None
    risk_of_harm: RiskOfHarm | None
    status: str


class Hold(Out):
    """A removal hold with the person's clearance on the day asked (A-number masked)."""

    a_number: str
    placed_at: str
    released_at: str | None
    cleared: bool
    blocked_until: str | None
    reasons: list[Any]


class Task(Out):
    """A task for a component (the A-number as the queue shows it)."""

    id: int
    a_number: str | None
    subject: str | None
    incidents: list[str]
    incident: str | None
    action: str
    component: str
    status: str
    due: str | None
    owner: str | None
    outcome: str | None
    done_by: str | None
    done_at: str | None
    depends_on: int | None


class Alert(Out):
    """An alert for a record system (A-number masked)."""

    id: int
    system: str
    kind: str
    incident: str | None
    a_number: str
    status: str
    attempts: int
    last_error: str | None
    delivered_at: str | None
    acknowledged_at: str | None

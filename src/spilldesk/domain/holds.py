"""The removal rule: may this person be removed on this date? (SPEC capability 6.)

One function, `clearance_for`, owns both rules; `provided_at` owns what "provided" means.

- *Notice block*: a person exposed by an incident, or still a candidate in its review queue,
  may not be removed before notice of that incident has been provided **to the noncitizen**.
  A representative's copy never starts anything.
- *Removal hold*: a person with an unexecuted final order (a RemovalHold exists for the
  incident) also waits the incident's hold period, counted from the moment notice was
  provided, then every extension of that incident in the order they were recorded.

Every decision fails closed. The full rules, with the reasons for each choice, are in
docs/holds-and-clearance.md; the short version:

- Removal on a date D is allowed only if every blocking moment ended at or before 00:00 of D
  in the agency's time zone: a removal may happen at any time of day D.
- "N days after T" is the later of N calendar days on the agency's wall clock and N x 24 hours,
  so a daylight-saving change never shortens a hold.
- "+N days" extends a running hold by N days; for a hold that had already ended when the
  extension was recorded it gives N days counted from that recording (the person gets the time).
- "until D" holds through the whole of day D (never shortens); "indefinite" holds with no end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

DEFAULT_HOLD_DAYS = 30
DEFAULT_MAIL_DAYS = 5

NONCITIZEN = "noncitizen"

_AT_ONCE_METHODS = frozenset({"hand", "hand_delivery", "in_person", "personal_service"})
_MAIL_METHODS = frozenset({"usps", "mail", "postal", "first_class", "certified_mail"})
_MAILED_STATUSES = frozenset({"delivered", "mailed", "sent"})
_AT_ONCE_STATUSES = frozenset({"delivered", "refused"})
# Mail that comes back, refused or not, was not provided; it voids every earlier mailing.
_MAIL_BACK_STATUSES = frozenset({"returned", "refused"})


class ReasonCode(StrEnum):
    UNKNOWN_PERSON = "unknown_person"
    REVIEW_CANDIDATE = "review_candidate"
    NOTICE_NOT_PROVIDED = "notice_not_provided"
    NOTICE_IN_TRANSIT = "notice_in_transit"
    REMOVAL_HOLD = "removal_hold"
    HOLD_EXTENDED_INDEFINITELY = "hold_extended_indefinitely"


@dataclass(frozen=True, slots=True)
class NoticePolicy:
    """When a notice counts as provided: USPS mail counts `mail_days` after mailing."""

    mail_days: int = DEFAULT_MAIL_DAYS


@dataclass(frozen=True, slots=True)
class NoticeAttempt:
    """One recorded delivery attempt of one incident's notice (SPEC: DeliveryAttempt)."""

    recipient: str
    method: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Extension:
    """One extension of an incident's removal holds: exactly one of days, until, indefinite."""

    recorded_at: datetime
    days: int | None = None
    until: date | None = None
    indefinite: bool = False

    def __post_init__(self) -> None:
        given = (self.days is not None) + (self.until is not None) + self.indefinite
        if given != 1:
            raise ValueError("an extension is exactly one of: days, until, indefinite")
        if self.days is not None and self.days <= 0:
            raise ValueError("an extension by days must add at least one day")
        _require_aware(self.recorded_at, "recorded_at")


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What one incident means for one person."""

    incident_id: str
    exposed: bool = False
    in_review: bool = False
    held: bool = False
    hold_days: int = DEFAULT_HOLD_DAYS
    attempts: tuple[NoticeAttempt, ...] = ()
    extensions: tuple[Extension, ...] = ()
    policy: NoticePolicy = NoticePolicy()


@dataclass(frozen=True, slots=True)
class PersonClearanceFacts:
    """Everything the rule needs about one person; `known` is False outside the registry."""

    known: bool
    incidents: tuple[IncidentFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a person is blocked: a machine code, the incident, words without personal data.

    `until` is the first date this reason allows removal; None while it is open-ended.
    """

    code: ReasonCode
    incident_id: str | None
    text: str
    until: date | None


@dataclass(frozen=True, slots=True)
class Clearance:
    cleared: bool
    blocked_until: date | None
    reasons: tuple[Reason, ...]


def provided_at(
    attempts: Iterable[NoticeAttempt],
    policy: NoticePolicy = NoticePolicy(),
    *,
    tz: ZoneInfo,
) -> datetime | None:
    """The moment a notice counts as provided to the noncitizen, or None if it does not yet.

    Hand delivery, or refusal at hand delivery, counts at once. Mail counts `mail_days` after
    mailing unless mail came back (returned or refused) at or after that mailing: with no
    link between a return and its mailing, a return voids every mailing before it. An
    `attempted` delivery, a representative's copy and any other method never count.
    """
    provision = _provision(attempts, policy, tz)
    return None if provision is None else provision[0]


def clearance_for(facts: PersonClearanceFacts, on: date, tz: ZoneInfo) -> Clearance:
    """May this person be removed at any time on `on` (a date in the agency's time zone)?"""
    if not facts.known:
        reason = Reason(
            ReasonCode.UNKNOWN_PERSON, None, "not in the registry: cannot be cleared", None
        )
        return Clearance(False, None, (reason,))
    reasons: list[Reason] = []
    for incident in facts.incidents:
        reasons.extend(_incident_reasons(incident, tz))
    blocking = tuple(r for r in reasons if r.until is None or r.until > on)
    if not blocking:
        return Clearance(True, None, ())
    ends = [r.until for r in blocking]
    until = None if None in ends else max(d for d in ends if d is not None)
    return Clearance(False, until, blocking)


def hold_ends_at(
    notice_provided: datetime, hold_days: int, extensions: Iterable[Extension], tz: ZoneInfo
) -> datetime | None:
    """The moment a removal hold ends, or None when it has been extended indefinitely."""
    end = days_after(notice_provided, hold_days, tz)
    for extension in sorted(extensions, key=lambda e: e.recorded_at):
        if extension.indefinite:
            return None
        if extension.days is not None:
            end = days_after(max(end, extension.recorded_at), extension.days, tz)
        elif extension.until is not None:
            end = max(end, start_of_day(extension.until + timedelta(days=1), tz))
    return end


def days_after(moment: datetime, days: int, tz: ZoneInfo) -> datetime:
    """`days` later: the later of the agency's wall clock and elapsed 24-hour days."""
    _require_aware(moment, "moment")
    wall = moment.astimezone(tz) + timedelta(days=days)
    elapsed = moment.astimezone(UTC) + timedelta(days=days)
    return max(wall, elapsed.astimezone(tz))


def first_day_allowed(moment: datetime, tz: ZoneInfo) -> date:
    """The first date whose every instant is at or after `moment` (agency time zone)."""
    day = moment.astimezone(tz).date()
    return day if moment <= start_of_day(day, tz) else day + timedelta(days=1)


def start_of_day(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _incident_reasons(incident: IncidentFacts, tz: ZoneInfo) -> list[Reason]:
    reasons: list[Reason] = []
    name = incident.incident_id
    if incident.in_review:
        text = f"candidate in the review queue of incident {name}: decide the match first"
        reasons.append(Reason(ReasonCode.REVIEW_CANDIDATE, name, text, None))
    if not (incident.exposed or incident.held):
        return reasons
    provision = _provision(incident.attempts, incident.policy, tz)
    reasons.append(_notice_reason(name, provision, tz))
    if incident.held:
        provided = None if provision is None else provision[0]
        reasons.append(_hold_reason(incident, provided, tz))
    return reasons


def _notice_reason(name: str, provision: tuple[datetime, bool] | None, tz: ZoneInfo) -> Reason:
    if provision is None:
        text = f"notice of incident {name} has not been provided to the noncitizen"
        return Reason(ReasonCode.NOTICE_NOT_PROVIDED, name, text, None)
    provided, by_mail = provision
    day = first_day_allowed(provided, tz)
    if by_mail:
        text = f"notice of incident {name} mailed; counts as provided from {day.isoformat()}"
        return Reason(ReasonCode.NOTICE_IN_TRANSIT, name, text, day)
    text = f"notice of incident {name} provided {provided.astimezone(tz):%Y-%m-%d %H:%M}"
    return Reason(ReasonCode.NOTICE_NOT_PROVIDED, name, text, day)


def _hold_reason(incident: IncidentFacts, provided: datetime | None, tz: ZoneInfo) -> Reason:
    name = incident.incident_id
    end = None
    if provided is not None:
        end = hold_ends_at(provided, incident.hold_days, incident.extensions, tz)
    if end is not None:
        text = f"removal hold of incident {name} runs until {end.astimezone(tz):%Y-%m-%d %H:%M}"
        return Reason(ReasonCode.REMOVAL_HOLD, name, text, first_day_allowed(end, tz))
    if any(e.indefinite for e in incident.extensions):
        text = f"removal hold of incident {name} extended indefinitely"
        return Reason(ReasonCode.HOLD_EXTENDED_INDEFINITELY, name, text, None)
    text = (
        f"removal hold of incident {name}: {incident.hold_days} days "
        "from notice to the noncitizen, plus extensions"
    )
    return Reason(ReasonCode.REMOVAL_HOLD, name, text, None)


def _provision(
    attempts: Iterable[NoticeAttempt], policy: NoticePolicy, tz: ZoneInfo
) -> tuple[datetime, bool] | None:
    """The earliest moment of provision, and whether it is a mailing still counting its days."""
    to_person = [a for a in attempts if a.recipient == NONCITIZEN]
    for attempt in to_person:
        _require_aware(attempt.at, "delivery attempt time")
    mail_back = [a.at for a in to_person if _mail_came_back(a)]
    moments: list[tuple[datetime, bool]] = []
    for attempt in to_person:
        method = _token(attempt.method)
        status = _token(attempt.status)
        if method in _AT_ONCE_METHODS and status in _AT_ONCE_STATUSES:
            moments.append((attempt.at, False))
        elif (
            method in _MAIL_METHODS
            and status in _MAILED_STATUSES
            and not _came_back(attempt, mail_back)
        ):
            moments.append((days_after(attempt.at, policy.mail_days, tz), True))
    return min(moments, default=None, key=lambda m: m[0])


def _came_back(mailing: NoticeAttempt, mail_back: list[datetime]) -> bool:
    return any(back >= mailing.at for back in mail_back)


def _mail_came_back(attempt: NoticeAttempt) -> bool:
    status = _token(attempt.status)
    if status == "returned":
        return True
    return status in _MAIL_BACK_STATUSES and _token(attempt.method) in _MAIL_METHODS


def _token(text: str) -> str:
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must carry a time zone")

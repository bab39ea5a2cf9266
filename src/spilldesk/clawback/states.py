"""Where a recipient stands: the one rule behind letters, follow-ups and status."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from spilldesk.store.clawback_models import ClawbackAnswer, ClawbackLetter, ClawbackRecipient


class Answer(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    DESTROYED = "destroyed"  # certified destroyed (or, for a crawler, removed)
    REFUSED = "refused"
    NO_ANSWER = "no_answer"  # recorded when the reply-by date passed in silence


REPLIES = (Answer.ACKNOWLEDGED, Answer.DESTROYED, Answer.REFUSED)


class State(StrEnum):
    OWNER_UNKNOWN = "owner_unknown"  # nobody to write to yet: identify the owner
    TO_SEND = "to_send"
    SENT = "sent"  # waiting, before the reply-by date
    OVERDUE = "overdue"  # no reply by the reply-by date (or none recorded)
    ACKNOWLEDGED = "acknowledged"
    DESTROYED = "destroyed"
    REFUSED = "refused"


ANSWERED = (State.ACKNOWLEDGED, State.DESTROYED, State.REFUSED)


def last_reply(recipient: ClawbackRecipient) -> ClawbackAnswer | None:
    """The latest answer that is a reply (a recorded silence is not one)."""
    replies = [a for a in recipient.answers if a.status in REPLIES]
    return max(replies, key=lambda a: (a.at, a.id)) if replies else None


def last_letter(recipient: ClawbackRecipient) -> ClawbackLetter | None:
    return recipient.letters[-1] if recipient.letters else None


def state_of(recipient: ClawbackRecipient, today: date) -> State:
    reply = last_reply(recipient)
    if reply is not None:
        return State(reply.status)
    letter = last_letter(recipient)
    if letter is None:
        return State.TO_SEND if recipient.organization else State.OWNER_UNKNOWN
    return State.OVERDUE if today > letter.reply_by else State.SENT

"""The response playbook: a declarative, versioned set of rules turning posture into work."""

from spilldesk.playbook.case_facts import IncidentFacts, PersonFacts, PlannedAction
from spilldesk.playbook.evaluate import plan_people, plan_person
from spilldesk.playbook.loader import (
    DEFAULT_PLAYBOOK,
    PlaybookError,
    load_playbook,
    parse_playbook,
    registered_playbook,
    shipped_playbooks,
)
from spilldesk.playbook.schema import Playbook

__all__ = [
    "DEFAULT_PLAYBOOK",
    "IncidentFacts",
    "PersonFacts",
    "PlannedAction",
    "Playbook",
    "PlaybookError",
    "load_playbook",
    "parse_playbook",
    "registered_playbook",
    "plan_people",
    "plan_person",
    "shipped_playbooks",
]

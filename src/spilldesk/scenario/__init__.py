"""The deterministic synthetic 2022 scenario: registry, disclosures, manifest, logs, mirror."""

from spilldesk.scenario.generate import DEFAULT_PERSONS, STEPS, ScenarioFiles, generate
from spilldesk.scenario.incident_records import SCENARIO_INCIDENTS

__all__ = ["DEFAULT_PERSONS", "SCENARIO_INCIDENTS", "STEPS", "ScenarioFiles", "generate"]

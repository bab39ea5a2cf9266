"""Intake: an incident, the document it disclosed and the registry of persons."""

"""Casework: the response plan, tasks, case events and custody decisions."""

"""Stage: create the desk (key file, schema) and import the agency's registry, the afternoon
of Nov 28, 2022."""

from __future__ import annotations

from typing import Any

from spilldesk import clock
from spilldesk.demo.runner import DemoContext
from spilldesk.demo.timeline import REGISTRY_IMPORTED
from spilldesk.intake.registry import import_file
from spilldesk.store.db import initialise

TITLE = "Create the desk and import the registry"

REGISTRY_FILES = ("facilities.csv", "representatives.csv", "persons.csv")


def run(ctx: DemoContext) -> dict[str, Any]:
    ctx.store = initialise(ctx.settings)
    imported: dict[str, int] = {}
    with clock.replaying(REGISTRY_IMPORTED), ctx.desk.session() as session:
        for name in REGISTRY_FILES:
            report = import_file(session, ctx.scenario_dir / "registry" / name, kind=None,
                                 actor=ctx.actor, tz=ctx.settings.timezone)
            imported[report.kind] = report.created + report.updated
    return imported

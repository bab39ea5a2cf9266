"""Stage: create the desk (key file, schema) and import the agency's registry."""

from __future__ import annotations

from typing import Any

from spilldesk.demo.runner import DemoContext
from spilldesk.response.registry import import_file
from spilldesk.store.db import initialise

TITLE = "Create the desk and import the registry"

REGISTRY_FILES = ("facilities.csv", "representatives.csv", "persons.csv")


def run(ctx: DemoContext) -> dict[str, Any]:
    ctx.store = initialise(ctx.settings)
    imported: dict[str, int] = {}
    with ctx.desk.session() as session:
        for name in REGISTRY_FILES:
            report = import_file(session, ctx.scenario_dir / "registry" / name, kind=None,
                                 actor=ctx.actor)
            imported[report.kind] = report.created + report.updated
    return imported

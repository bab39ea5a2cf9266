"""Runs the demo's stages in order against one work directory."""

from __future__ import annotations

import importlib
import pkgutil
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spilldesk.demo.stages as stages_package
from spilldesk.config import Settings
from spilldesk.private_files import write_private
from spilldesk.store.db import Store

MARKER = ".spilldesk-demo"
ACTOR = "demo"


class DemoError(RuntimeError):
    """The demo cannot run here; the message says why."""


@dataclass
class DemoContext:
    settings: Settings
    scenario_dir: Path
    seed: int
    persons: int = 40_000
    store: Store | None = None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    say: Callable[[str], None] = print
    actor: str = ACTOR

    @property
    def desk(self) -> Store:
        if self.store is None:
            raise DemoError("the desk is not open yet (stage order)")
        return self.store


@dataclass(frozen=True)
class Stage:
    name: str
    title: str
    run: Callable[[DemoContext], dict[str, Any]]
    sections: bool = False  # the stage reports several named sections, not one of its own


def discover_stages() -> list[Stage]:
    found = []
    for info in sorted(pkgutil.iter_modules(stages_package.__path__), key=lambda m: m.name):
        if not info.name.startswith("s"):
            continue
        module = importlib.import_module(f"{stages_package.__name__}.{info.name}")
        name = info.name.split("_", 1)[1] if "_" in info.name else info.name
        found.append(Stage(name, getattr(module, "TITLE", name), module.run,
                           getattr(module, "SECTIONS", False)))
    return found


def prepare_workdir(workdir: Path) -> None:
    """A fresh demo directory; refuses to wipe anything that is not an earlier demo's."""
    if workdir.exists() and any(workdir.iterdir()):
        if not (workdir / MARKER).exists():
            raise DemoError(f"{workdir}: not empty and not a demo directory; choose another "
                            "--workdir (the demo never deletes a real desk)")
        shutil.rmtree(workdir)
    write_private(workdir / MARKER, "made by `spilldesk demo`; safe to delete\n")


def run_demo(ctx: DemoContext, *, on_stage: Callable[[Stage], None] | None = None
             ) -> dict[str, Any]:
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for stage in discover_stages():
            if on_stage:
                on_stage(stage)
            began = time.perf_counter()
            result = stage.run(ctx)
            if stage.sections:
                ctx.results.update(result)
            else:
                ctx.results[stage.name] = result
            timings[stage.name] = round(time.perf_counter() - began, 2)
    finally:
        if ctx.store is not None:
            ctx.store.close()
    return {
        "workdir": str(ctx.settings.workdir),
        "database": ctx.settings.database_url.split("@")[-1],
        "scenario_dir": str(ctx.scenario_dir),
        "seed": ctx.seed,
        "persons": ctx.persons,
        "seconds": round(time.perf_counter() - started, 2),
        "stage_seconds": timings,
        **ctx.results,
    }

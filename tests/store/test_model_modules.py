"""The tables live in several modules on one `Base`, each loaded where it is used (a command
builds only the table classes it needs). Whichever module a process loads first, its classes
work: their relationships and foreign keys find what they name, and `models` still gives every
table class's name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import spilldesk.store as store_package
from spilldesk.store import models

SRC = Path(__file__).resolve().parents[2] / "src"
MODULES = sorted(path.stem for path in Path(store_package.__path__[0]).glob("*models.py"))

# In a fresh process: load one module, then configure its mappers (relationships) and resolve
# every foreign key of every table loaded (a flush sorts tables by them, and fails on one
# naming a table no module loaded).
PROBE = """
import importlib, sys
from sqlalchemy.orm import configure_mappers
module = importlib.import_module("spilldesk.store." + sys.argv[1])
configure_mappers()
from spilldesk.store.models import Base
for table in Base.metadata.tables.values():
    for key in table.foreign_keys:
        key.column
print(len(Base.metadata.tables))
"""


@pytest.mark.parametrize("name", MODULES)
def test_each_model_module_works_loaded_alone(name: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", PROBE, name], capture_output=True, text=True,
                          env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) >= 1


def test_models_gives_every_table_class_by_name() -> None:
    for name in MODULES:  # every table of the desk
        __import__(f"spilldesk.store.{name}")
    mapped = {mapper.class_ for mapper in models.Base.registry.mappers}
    assert len(mapped) == len(models.Base.metadata.tables)
    reachable = {c for c in mapped if getattr(models, c.__name__, None) is c}
    # The tables of a capability of their own (clawback, monitoring, oversight, linkage's
    # blocking tokens) are named by their own modules only; the rest keep their old address.
    own = {c for c in mapped if c.__module__.split(".")[-1] in
           {"clawback_models", "monitor_models", "oversight_models", "linkage_models"}}
    assert reachable == mapped - own
    with pytest.raises(AttributeError):
        models.NoSuchTable  # noqa: B018

"""Opening a desk compares its schema with the shipped migrations without importing Alembic;
the heads it reads from the migration files are Alembic's own."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from spilldesk.store.db import migration_heads


def test_the_heads_read_from_the_files_are_alembics() -> None:
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("spilldesk.store") / "migrations"))
    assert migration_heads() == set(ScriptDirectory.from_config(config).get_heads())
    assert len(migration_heads()) == 1


def test_opening_a_desk_does_not_import_alembic() -> None:
    probe = ("import sys, spilldesk.store.db as db; db.migration_heads(); "
             "print('alembic' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env=env)
    assert done.stdout.strip() == "False"

"""`spilldesk init`: create or migrate the database and the key file."""

from __future__ import annotations

import typer

from spilldesk.cli.common import JsonOption, WorkdirOption, err, fail, print_json, settings_for
from spilldesk.store.crypto import KeyFileError
from spilldesk.store.db import StoreError, initialise


def init(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Create the work directory, the key file (mode 0600) and the schema, or migrate it."""
    settings = settings_for(workdir)
    try:
        store = initialise(settings)
    except (StoreError, KeyFileError) as exc:
        fail(str(exc))
    except Exception as exc:  # an unreachable server: one line, no traceback
        fail(f"cannot initialise the database: {type(exc).__name__}: {exc}".splitlines()[0])
    store.close()
    if as_json:
        print_json({"workdir": str(settings.workdir), "key_file": str(settings.key_file)})
    else:
        err.print(f"desk ready in {settings.workdir} (key file {settings.key_file})")


def register(app: typer.Typer) -> None:
    app.command("init")(init)

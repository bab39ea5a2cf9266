"""`spilldesk keys rotate`: a new key re-seals every sealed field and re-makes every blind index."""

from __future__ import annotations

import typer

from spilldesk.cli.common import JsonOption, WorkdirOption, actor, desk, err, fail, print_json
from spilldesk.store.crypto import KeyFileError
from spilldesk.store.rotation import rotate_keys
from spilldesk.store.sealing import SealedFieldError

keys_app = typer.Typer(help="The desk's encryption and blind-index keys.", no_args_is_help=True)


@keys_app.command("rotate")
def rotate(workdir: WorkdirOption = None, as_json: JsonOption = False) -> None:
    """Add a new key, re-seal and re-index everything with it in one transaction, make it
    current. Old keys stay in the key file (backups sealed with them still open)."""
    with desk(workdir) as store:
        try:
            report = rotate_keys(store, actor=actor())
        except (SealedFieldError, KeyFileError) as exc:
            fail(f"key rotation stopped, nothing was re-sealed: {exc}")
    if as_json:
        print_json(report.as_dict())
        return
    total = sum(report.resealed.values())
    err.print(f"keys rotated: {report.old_key} → {report.new_key}; {total} sealed values "
              f"re-sealed, {report.reindexed} blind indexes re-made")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")

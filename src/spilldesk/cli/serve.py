"""`spilldesk serve [--host H] [--port P] [--workers N]`: the web desk under uvicorn."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from spilldesk.cli.common import WorkdirOption, desk, err, settings_for


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 1,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Send the session cookie over HTTPS only (behind TLS).")] = False,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    workdir: WorkdirOption = None,
) -> None:
    """Serve the JSON API (/api, /docs) and the pages over the desk in --workdir."""
    import uvicorn

    settings = settings_for(workdir)
    with desk(workdir):  # fail early, as one line, when the desk is not initialised
        pass
    # Each worker builds the app from the environment (uvicorn's factory), so pass it on.
    os.environ["SPILLDESK_HOME"] = str(settings.workdir)
    os.environ["SPILLDESK_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    err.print(f"spilldesk serving {settings.workdir} on http://{host}:{port} "
              f"({workers} worker{'s' if workers > 1 else ''}); Ctrl-C stops")
    uvicorn.run("spilldesk.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=False,
                proxy_headers=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)

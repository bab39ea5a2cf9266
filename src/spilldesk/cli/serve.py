"""`spilldesk serve [--host H] [--port P] [--workers N] [--trusted-proxy IP]...
[--insecure-http]`: the web desk under uvicorn.

Cookies are Secure (sent over HTTPS only: serve behind a TLS proxy). `--insecure-http` lets a
browser log in over plain HTTP, and only on a loopback address (a desk on one machine, tests).
Both it and `--trusted-proxy` mirror settings (docs/settings.md): unset on the command line,
they are read from `SPILLDESK_INSECURE_HTTP` and `SPILLDESK_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer

from spilldesk.cli.common import WorkdirOption, desk, err, fail, settings_for
from spilldesk.config import HOME, INSECURE_HTTP, TRUSTED_PROXIES


def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 1,
    insecure_http: Annotated[bool, typer.Option(
        "--insecure-http", help=INSECURE_HTTP.help, envvar=INSECURE_HTTP.env_var,
    )] = INSECURE_HTTP.read({}),
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy", help=f"{TRUSTED_PROXIES.help} Repeatable.",
        envvar=TRUSTED_PROXIES.env_var)] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    workdir: WorkdirOption = None,
) -> None:
    """Serve the JSON API (/api, /docs) and the pages over the desk in --workdir."""
    import uvicorn

    if insecure_http and not _loopback(host):
        fail(f"--insecure-http: only on a loopback address, not {host} (serve HTTPS through a "
             "TLS proxy instead)")
    for proxy in trusted_proxy or []:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            fail(f"--trusted-proxy: {proxy!r} is not an IP address or network")
    settings = settings_for(workdir)
    with desk(workdir):  # fail early, as one line, when the desk is not initialised
        pass
    # Each worker builds the app from the settings in the environment (uvicorn's factory), so
    # pass the command line's on.
    os.environ[HOME.env_var] = str(settings.workdir)
    os.environ[INSECURE_HTTP.env_var] = "1" if insecure_http else "0"
    os.environ[TRUSTED_PROXIES.env_var] = " ".join(trusted_proxy or [])
    err.print(f"spilldesk serving {settings.workdir} on http://{host}:{port} "
              f"({workers} worker{'s' if workers > 1 else ''}); Ctrl-C stops")
    uvicorn.run("spilldesk.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, log_level=log_level, access_log=False,
                proxy_headers=False)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)

"""The desk in the browser: one FastAPI application serving the JSON API and the pages.

`create_app(settings)` opens the store (or takes an open one, for tests), starts the audit
buffer and mounts the API (`/api/...`), the pages and the static files. `spilldesk serve`
runs it under uvicorn (`app_from_environment` is the factory each worker calls).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from spilldesk.config import INSECURE_HTTP, TRUSTED_PROXIES, Settings
from spilldesk.errors import ServiceError
from spilldesk.store.checkpoints import checkpoint
from spilldesk.store.db import Store, open_store
from spilldesk.web.api import api_router
from spilldesk.web.audit_buffer import AuditBuffer
from spilldesk.web.auth import SESSION_SECONDS, load_secret, parse_proxies
from spilldesk.web.deps import Desk, LoginRequired, PageForbidden, writing_session
from spilldesk.web.pages import page_router
from spilldesk.web.pages.actions import FormProblem, back_to, form_problem_handler
from spilldesk.web.security_headers import SecurityHeaders
from spilldesk.web.templating import install_filters, render
from spilldesk.web.uploads import BodyLimit

log = logging.getLogger(__name__)


def serving_store(settings: Settings) -> Store:
    """The desk opened for serving. On PostgreSQL its pool hands out connections without a
    ping: the ping is a round trip (and the server's CPU) on every request and every audit
    write. A connection the server dropped (a database restart) fails the one request that
    meets it, closed (an error, no answer), and SQLAlchemy then discards the pool's older
    connections, so the next requests get fresh ones."""
    return open_store(settings, ping=False)


def create_app(settings: Settings, *, store: Store | None = None, secure_cookies: bool = True,
               trusted_proxies: str | Iterable[str] = ()) -> FastAPI:
    """The application over the desk in `settings.workdir` (or over an already open store).

    Cookies are `Secure` (HTTPS only) unless `secure_cookies=False` (`spilldesk serve
    --insecure-http`, loopback only); `trusted_proxies` are the addresses whose
    X-Forwarded-For names the real client (for login throttling and the audit log)."""
    owns_store = store is None
    opened = store or serving_store(settings)
    secret = load_secret(settings.workdir)
    buffer = AuditBuffer(lambda: writing_session(opened), checkpoint=lambda: checkpoint(opened))
    desk = Desk(settings=settings, store=opened, buffer=buffer,
                trusted_proxies=parse_proxies(trusted_proxies))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        desk.buffer.start()
        # Everything loaded so far lives as long as the process: keep it out of the cyclic
        # collector's generations, so full collections stay short (fewer latency spikes).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            desk.buffer.close()
            if owns_store:
                opened.close()

    app = FastAPI(
        title="spilldesk",
        summary="Privacy-spill response desk: exposures, holds, clearance, notices, tasks.",
        version="0.1.0",
        lifespan=lifespan,
        # Swagger UI and ReDoc load their scripts from a CDN: not on the desk (no CDN, CSP
        # 'self'). The schema itself is served at /openapi.json for any OpenAPI tool.
        docs_url=None,
        redoc_url=None,
    )
    app.state.desk = desk
    install_filters(settings.timezone)
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="spilldesk_session",
                       max_age=SESSION_SECONDS, same_site="strict", https_only=secure_cookies)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit)  # outermost: an oversized body is refused before anything
    app.include_router(api_router)
    app.include_router(page_router)
    static = resources.files("spilldesk.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _handle_errors(app)
    return app


_PAGE_TITLES = {404: "Not found", 409: "Already recorded", 422: "Check the form"}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _handle_errors(app: FastAPI) -> None:
    app.add_exception_handler(FormProblem, form_problem_handler)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='/')}", status_code=303)

    @app.exception_handler(PageForbidden)
    async def page_forbidden(request: Request, exc: PageForbidden) -> Response:
        return render(request, "forbidden.html", {"message": exc.message}, status_code=403)

    @app.exception_handler(ServiceError)
    async def service_refused(request: Request, exc: ServiceError) -> Response:
        """Every service's refusal, translated once: the class's status and its one line
        (JSON for the API; for a form, back to its page with the message, as a FormProblem;
        for any other page, the error page). The request's transaction rolls back."""
        if _wants_json(request):
            return JSONResponse({"detail": exc.message}, status_code=exc.status)
        back = getattr(request.state, "form_back", None)
        if back is not None:
            return back_to(request, back, exc.message, error=True)
        return render(request, "forbidden.html", {"message": exc.message,
                                                  "title": _PAGE_TITLES.get(exc.status)},
                      status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
            for e in exc.errors()
        ]
        if _wants_json(request):
            return JSONResponse({"detail": "; ".join(problems) or "invalid request",
                                 "errors": problems}, status_code=422)
        return render(request, "forbidden.html", {"message": "; ".join(problems),
                                                  "title": "Check the form"}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request) or exc.status_code not in (403, 404):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        return render(request, "forbidden.html", {"message": str(exc.detail)},
                      status_code=exc.status_code)


def app_from_environment() -> FastAPI:
    """The uvicorn factory: each worker opens the desk its settings name (spilldesk.config)."""
    return create_app(Settings.load(None), secure_cookies=not INSECURE_HTTP.read(),
                      trusted_proxies=TRUSTED_PROXIES.read())

"""Uploads: a size limit at the ASGI layer, the user known before a byte of the body is read,
files streamed to a private folder under unique names.

- `BodyLimit` refuses a request whose Content-Length, or whose streamed body, passes the limit
  (413) before the application reads it: multipart uploads up to MAX_UPLOAD_BYTES in all,
  anything else up to MAX_BODY_BYTES.
- Upload routes take no File()/Form() parameters (FastAPI would read the body before the
  route's dependencies): `upload_user`/`upload_page_user` authenticate first, on a read-only
  transaction, then `received_files` parses the form (at most MAX_FILES files) and copies
  each file in chunks to `<private temp folder>/<n>/<name>`, so two attachments with one name
  are two files, and every one is screened.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spilldesk.web.auth import Principal
from spilldesk.web.deps import Desk, authorize, page_principal, require_page
from spilldesk.web.permissions import Permission

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_FILES = 20
CHUNK = 1024 * 1024


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: 413 for a request body over the limit, checked as it streams in."""

    def __init__(self, app: ASGIApp, *, upload_limit: int = MAX_UPLOAD_BYTES,
                 body_limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.upload_limit = upload_limit
        self.body_limit = body_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.upload_limit if multipart else self.body_limit
        declared = headers.get(b"content-length", b"0").strip() or b"0"
        if not declared.isdigit() or int(declared) > limit:
            await _refuse(send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if started:
                raise
            await _refuse(send, limit)


async def _refuse(send: Send, limit: int) -> None:
    body = (b'{"detail":"request body larger than %d bytes"}' % limit)
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def safe_name(name: str | None) -> str:
    """The file's own name, without any folder (never a path on the server)."""
    return Path((name or "upload").replace("\\", "/")).name.lstrip(".") or "upload"


@dataclass(frozen=True)
class Upload:
    name: str  # as the user named it
    path: Path  # unique, in a private temporary folder


@dataclass
class Received:
    files: list[Upload]
    fields: dict[str, str] = field(default_factory=dict)


@asynccontextmanager
async def received_files(request: Request, field_name: str,
                         max_files: int = MAX_FILES) -> AsyncIterator[Received]:
    """The form's files under `field_name`, on disk under unique names, and its text fields;
    everything is deleted when the block ends."""
    form = await request.form(max_files=max_files, max_fields=50)
    try:
        with tempfile.TemporaryDirectory(prefix="spilldesk-upload-") as folder:
            uploads = []
            for index, item in enumerate(form.getlist(field_name)):
                if isinstance(item, UploadFile) and item.filename:
                    uploads.append(await _store(item, Path(folder) / f"{index:03d}"))
            fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
            yield Received(uploads, fields)
    finally:
        await form.close()


async def _store(item: UploadFile, folder: Path) -> Upload:
    folder.mkdir(mode=0o700)
    name = safe_name(item.filename)
    path = folder / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        while chunk := await item.read(CHUNK):
            out.write(chunk)
    return Upload(name, path)


def upload_user(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """An API dependency for an upload route: who is asking, checked on a read-only
    transaction before the body is read (no write lock held while a file streams in)."""

    async def dependency(request: Request) -> Principal:
        desk: Desk = request.app.state.desk

        def check() -> Principal:
            with desk.store.session(writing=False) as session:
                return authorize(request, desk, session, *permissions)

        return await run_in_threadpool(check)

    return dependency


def upload_page_user(*permissions: Permission) -> Callable[..., Awaitable[Principal]]:
    """The same for a page's upload form: log in first, then the role's permissions."""
    role_check = require_page(*permissions)

    async def dependency(request: Request) -> Principal:
        desk: Desk = request.app.state.desk

        def check() -> Principal:
            with desk.store.session(writing=False) as session:
                return page_principal(request, desk, session)

        return await role_check(await run_in_threadpool(check))  # type: ignore[call-arg]

    return dependency


def multipart(field_name: str, description: str, **text_fields: str) -> dict[str, Any]:
    """The OpenAPI request body of an upload route (its parameters are read by hand)."""
    properties: dict[str, Any] = {field_name: {"type": "array", "description": description,
                                               "items": {"type": "string", "format": "binary"}}}
    properties.update({name: {"type": "string", "description": text}
                       for name, text in text_fields.items()})
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "required": [field_name], "properties": properties}}}}}

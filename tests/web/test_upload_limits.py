"""Uploads: the body is limited at the ASGI layer, the user is known before it is read, and
files land on disk under unique names (two attachments named alike are both screened)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from spilldesk.web.uploads import BodyLimit, safe_name
from tests.web.conftest import bearer
from tests.web.desk_seed import Seeded
from tests.web.test_auth import csrf_of, login


def _reader_app() -> tuple[BodyLimit, list[int]]:
    read: list[int] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = await Request(scope, receive).body()
        read.append(len(body))
        await PlainTextResponse("ok")(scope, receive, send)

    return BodyLimit(app, upload_limit=1000, body_limit=100), read


def test_a_declared_oversized_body_is_refused_before_the_app_runs() -> None:
    limited, read = _reader_app()
    client = TestClient(limited)  # no lifespan: the bare app answers HTTP only
    response = client.post("/x", content=b"a" * 101)
    assert response.status_code == 413 and "larger than 100 bytes" in response.text
    multipart = client.post("/x", files={"f": ("a.txt", b"a" * 2000)})
    assert multipart.status_code == 413
    assert client.post("/x", content=b"a" * 100).status_code == 200
    assert read == [100]


def test_a_streamed_body_is_cut_off_at_the_limit() -> None:
    limited, read = _reader_app()

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer
        for _ in range(50):
            yield b"a" * 10

    assert TestClient(limited).post("/x", content=chunks()).status_code == 413
    assert read == []


def test_upload_names_never_carry_a_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\temp\\letter.pdf") == "letter.pdf"
    assert safe_name(".hidden") == "hidden" and safe_name("") == "upload"


@pytest.mark.db
@pytest.mark.parametrize("path", ["/api/gate/scan", "/api/egress/check"])
def test_an_anonymous_upload_is_refused_before_it_is_read(
        client: TestClient, seeded: Seeded, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    async def never(self: Request, **_: object) -> object:
        raise AssertionError("the upload was read before the user was known")

    monkeypatch.setattr(Request, "form", never)
    response = client.post(path, files=[("files", ("a.csv", b"x" * 1000, "text/csv"))])
    assert response.status_code == 401


@pytest.mark.db
def test_a_page_upload_without_login_is_not_read(client: TestClient, seeded: Seeded,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(self: Request, **_: object) -> object:
        raise AssertionError("the upload was read before the user was known")

    monkeypatch.setattr(Request, "form", never)
    response = client.post("/gate/scan", files=[("files", ("a.csv", b"x", "text/csv"))],
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


@pytest.mark.db
def test_same_named_attachments_are_each_screened(client: TestClient, seeded: Seeded) -> None:
    listing = ("Last Name,First Name,A-Number,Date of Birth\n"
               f"FAMILIA0,NOMBRE0,{seeded.detained},1985-02-01\n").encode()
    files = [("files", ("attachment.csv", listing, "text/csv")),
             ("files", ("attachment.csv", b"Dear counsel, please find our answer.\n",
                        "text/csv"))]
    response = client.post("/api/egress/check", headers=bearer(client, "privacy_officer"),
                           files=files, data={"recipient": "Cuba", "on": "2022-12-14"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["files"] == ["attachment.csv", "attachment.csv"]
    assert body["persons"], "the first attachment (naming a person) was never screened"
    assert body["verdict"] == "block"


@pytest.mark.db
def test_the_gate_page_still_takes_an_upload_after_login(client: TestClient,
                                                         seeded: Seeded) -> None:
    login(client, "privacy_officer")
    token = csrf_of(client.get("/gate").text)
    response = client.post("/gate/scan", data={"csrf_token": token},
                           files=[("files", ("note.txt", b"nothing personal here", "text/plain"))])
    assert response.status_code == 200 and "note.txt" in response.text
    forged = client.post("/gate/scan", data={"csrf_token": "forged"},
                         files=[("files", ("note.txt", b"x", "text/plain"))])
    assert forged.status_code == 403

"""The API's error shape, and the few refusals a route makes itself (not a service's).

A service's refusal is a `spilldesk.errors.ServiceError`: the one handler in `web.app` turns
it into this shape with the class's status; routes do not catch it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import HTTPException, Path, status
from pydantic import BaseModel

# A row id as the databases store it (PostgreSQL INTEGER): larger ids are a 422, not a 500.
MAX_ROW_ID = 2_147_483_647
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]


class Problem(BaseModel):
    """Every API error: one clear message; `errors` lists each invalid field (422)."""

    detail: str
    errors: list[str] | None = None


_DOC = {
    400: "Bad request", 401: "Not logged in, or a bad token", 403: "Not allowed for this role",
    404: "Not found", 409: "Conflicts with what is recorded", 422: "Invalid input",
    429: "Too many failed logins", 503: "The audit log is not being written (fail closed)",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text} for code, text in _DOC.items()
}


def bad_request(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc))


def not_found(message: str) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, message)

"""A service's refusal, in one family: every service error says what went wrong in one line
and carries the status a face gives it.

The faces translate these once: the web application's handler turns one into a JSON error
(`/api/...`) or the page's own error (a flash back to the form, or an error page), and the
CLI's `transaction()` prints the one line and exits 2. A route or a command never catches
them one by one.

    status 422  the input cannot be done as given (the default)
    status 404  what it names is not in the desk
    status 409  it conflicts with what is already recorded

A message never carries a person's data: a masked A-number at most (`A*****1234`).
"""

from __future__ import annotations

from typing import ClassVar

UNPROCESSABLE = 422
NOT_FOUND = 404
CONFLICT = 409


class ServiceError(ValueError):
    """A service refused the request; nothing changed. `status` says how a face shows it.

    A ValueError, as the services' errors always were: callers that catch ValueError still do.
    """

    status: ClassVar[int] = UNPROCESSABLE

    @property
    def message(self) -> str:
        """The one line: the first line of the message, never a traceback."""
        text = str(self.args[0]) if self.args else type(self).__name__
        return text.splitlines()[0] if text.strip() else type(self).__name__


class NotFound(ServiceError):
    """What the request names (an incident, a task, a review item...) is not in the desk."""

    status: ClassVar[int] = NOT_FOUND


class Conflict(ServiceError):
    """The request conflicts with what is recorded (e.g. an incident already open with
    different facts)."""

    status: ClassVar[int] = CONFLICT

"""ASGI helpers the middleware share: the status a request's response started with, and
whether the request ran past its deadline.

A middleware that records requests hands the application a :class:`ResponseStatus` in place
of the server's ``send``, and reads the status from it once the application returns: one
small object per request, and no task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import Message, Scope, Send

# What a request counts as until the application starts a response, and when it raises:
# the server answers 500 (or breaks off a response already started).
SERVER_ERROR = 500
_RESPONSE_START = "http.response.start"
# The key, in the scope's state, of the deadline middleware's mark. The state (the request
# context's, outermost) is the one dict every middleware's scope shares, copies of the scope
# included (the HEAD middleware's).
_DEADLINE_EXCEEDED = "deadline_exceeded"


class ResponseStatus:
    """A ``send`` that passes every message on and records the status of the response.

    ``status`` is :data:`SERVER_ERROR` until the application starts a response.
    """

    __slots__ = ("_send", "status")

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = SERVER_ERROR

    async def __call__(self, message: Message) -> None:
        if message["type"] == _RESPONSE_START:
            self.status = message["status"]
        await self._send(message)


def mark_deadline_exceeded(scope: Scope) -> None:
    """Record that the request ran past its deadline, for the middleware outside to see."""
    scope.setdefault("state", {})[_DEADLINE_EXCEEDED] = True


def deadline_exceeded(scope: Scope) -> bool:
    """Whether the request ran past its deadline (:func:`mark_deadline_exceeded`)."""
    state: dict[str, object] | None = scope.get("state")
    return state is not None and _DEADLINE_EXCEEDED in state

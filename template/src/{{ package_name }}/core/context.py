"""Request-scoped context: the request id of the request being served, if any.

The request-context middleware sets it for the duration of a request; log lines, problem
responses and error reports read it from here. Context variables follow the await chain, so
no request object has to be passed around.
"""

from __future__ import annotations

from contextvars import ContextVar, Token

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def get_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return _request_id.get()


def bind_request_id(request_id: str) -> Token[str | None]:
    """Make ``request_id`` current; pass the token to :func:`reset_request_id` afterwards."""
    return _request_id.set(request_id)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`bind_request_id`."""
    _request_id.reset(token)

"""A bound on the size of request bodies, enforced as they stream in.

A ``Content-Length`` above the bound is refused when the application first reads the body,
before a byte of it is taken; a body without one (chunked) is counted as it arrives and
refused at the chunk that crosses the bound. Either way the application never holds more than
the bound, and the client is answered 413 (Content Too Large) as a problem: the error is an
``HTTPException``, which FastAPI lets through from a body being read, and the problem handlers
answer. A body nobody reads (a route that takes none) is not counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.exceptions import HTTPException

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_TOO_LARGE = 413


class BodyLimitMiddleware:
    """Answer 413 to an HTTP request whose body is larger than ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, _LimitedBody(receive, self._max_bytes, _declared(scope)), send)


class _LimitedBody:
    """A ``receive`` that counts the body's bytes and refuses them beyond the limit."""

    __slots__ = ("_declared", "_max_bytes", "_receive", "_received")

    def __init__(self, receive: Receive, max_bytes: int, declared: int | None) -> None:
        self._receive = receive
        self._max_bytes = max_bytes
        self._declared = declared
        self._received = 0

    async def __call__(self) -> Message:
        if self._declared is not None and self._declared > self._max_bytes:
            raise _too_large(self._max_bytes)
        message = await self._receive()
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self._max_bytes:
                raise _too_large(self._max_bytes)
        return message


def _declared(scope: Scope) -> int | None:
    """The body's length as its ``Content-Length`` declares it, if it does and parses."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _too_large(max_bytes: int) -> HTTPException:
    return HTTPException(
        CONTENT_TOO_LARGE, detail=f"The request body is larger than {max_bytes} bytes."
    )

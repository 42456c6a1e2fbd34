"""A kit for testing ASGI applications and middleware: the apps a middleware wraps, the scopes
it serves, the server's ``receive`` and ``send``, and an application run in-process."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx
from asgi_lifespan import LifespanManager

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.routing import BaseRoute
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Where the requests of http_scope come from.
CLIENT = ("203.0.113.9", 52114)


class AnsweringApp:
    """Answers with ``status``, ``headers`` and ``body`` (accepts a WebSocket, with the
    headers); records the scope and the ``send`` it was given; may match ``route``."""

    def __init__(
        self,
        status: int = 200,
        *,
        headers: list[tuple[bytes, bytes]] | None = None,
        body: bytes = b"ok",
        route: BaseRoute | None = None,
    ) -> None:
        self.status = status
        self.headers = headers or []
        self.body = body
        self.route = route
        self.scope: Scope | None = None
        self.send: Send | None = None

    async def __call__(self, scope: Scope, _receive: Receive, send: Send) -> None:
        self.scope = scope
        self.send = send
        if self.route is not None:
            scope["route"] = self.route
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept", "headers": list(self.headers)})
            return
        start = {"type": "http.response.start", "status": self.status, "headers": self.headers}
        await send(start)
        await send({"type": "http.response.body", "body": self.body})


class FailingApp:
    """Raises ``RuntimeError("boom")`` before it answers."""

    async def __call__(self, _scope: Scope, _receive: Receive, _send: Send) -> None:
        message = "boom"
        raise RuntimeError(message)


def http_scope(*headers: tuple[bytes, bytes], path: str = "/", query_string: bytes = b"") -> Scope:
    """A GET of ``path`` from :data:`CLIENT`, with ``headers``."""
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query_string,
        "headers": list(headers),
        "client": CLIENT,
    }


def websocket_scope(*headers: tuple[bytes, bytes]) -> Scope:
    """A WebSocket opened at ``/ws``, with ``headers``."""
    return {"type": "websocket", "path": "/ws", "headers": list(headers)}


async def receive() -> Message:
    """A request with an empty body, all of it."""
    return {"type": "http.request", "body": b"", "more_body": False}


async def discard(message: Message) -> None:
    """A ``send`` that drops every message."""
    del message


async def messages_sent(app: ASGIApp, scope: Scope) -> list[Message]:
    """What ``app`` sends while it serves ``scope``, in order."""
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@asynccontextmanager
async def running(app: ASGIApp) -> AsyncIterator[tuple[LifespanManager, httpx.AsyncClient]]:
    """``app`` in-process with its lifespan running, its state given to every request as a
    server gives it, and a client of it; leaving shuts the app down. No shutdown bound of the
    test's own: the service bounds its shutdown (each backend's)."""
    async with LifespanManager(app, shutdown_timeout=None) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield manager, client

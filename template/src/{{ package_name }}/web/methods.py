"""HTTP methods as RFC 9110 has them: HEAD wherever GET is (§9.3.2), and a 405 whose ``Allow``
lists every method the path has (§15.5.6).

FastAPI's routes answer only the methods they name, and Starlette's 405 names those of the
first route of the path only. A HEAD request is served here as the GET it mirrors, and
leaves with the GET's status and headers and no content; the OpenAPI document lists a
``head`` operation beside each ``get``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.routing import Match

# The methods a route may answer (RFC 9110 §9.3, and PATCH); CONNECT and TRACE are no API's.
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

if TYPE_CHECKING:
    from fastapi import FastAPI
    from starlette.requests import Request
    from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGetMiddleware:
    """Serve a HEAD request as a GET, and send its answer without the content."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_content(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_content)


def allowed_methods(request: Request) -> str:
    """Every method the request's path answers, for the ``Allow`` of a 405: each method of
    HTTP is tried against the application's routes, as the router would match it."""
    routes = request.app.router.routes
    methods = {
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    }
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def document_head(app: FastAPI) -> None:
    """Make the app's OpenAPI document list a ``head`` operation beside each ``get``."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for path_item in document.get("paths", {}).values():
            if "get" in path_item:
                path_item.setdefault("head", _head_operation(path_item["get"]))
        return document

    # FastAPI's way to extend the schema, as in web.problems.openapi.
    object.__setattr__(app, "openapi", openapi)


def _head_operation(get: dict[str, Any]) -> dict[str, Any]:
    """The GET operation's parameters and statuses, with no content in any answer."""
    head = {key: value for key, value in get.items() if key not in {"operationId", "responses"}}
    if "operationId" in get:
        head["operationId"] = f"{get['operationId']}_head"
    head["responses"] = {
        status: {key: value for key, value in response.items() if key != "content"}
        for status, response in get.get("responses", {}).items()
    }
    return head

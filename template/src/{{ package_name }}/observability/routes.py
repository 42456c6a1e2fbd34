"""How the service names a request in what it records: by the route that served it.

Logs, metrics and error reports all name a request by the path template of the route the
router matched (``/items/{item_id}``), never by its raw path: the template groups every
request to one route under one name, and keeps ids and other values out of the names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.types import Scope


def route_template(scope: Scope) -> str | None:
    """The path template of the route the router matched for ``scope``; None if none did."""
    template = getattr(scope.get("route"), "path", None)
    return template if isinstance(template, str) else None

"""The client's address and scheme behind proxies, from ``Forwarded`` (RFC 7239) or
``X-Forwarded-For`` and ``X-Forwarded-Proto``: believed only from a trusted peer, and only
when they parse.

Each proxy appends the address it received the request from, so the list is read from its
end: entries that are trusted proxies themselves are passed over, and the first that is not
is the client. An entry that is not an IP address (``unknown``, an obfuscated identifier,
anything else) ends the walk and the header is not used at all: the peer stays the client, so
a client can neither choose the address it is logged and limited under nor make it garbage.
``Forwarded`` is read when a request has it, ``X-Forwarded-For`` otherwise; the scheme is the
``proto`` of the entry that names the client, or a single ``X-Forwarded-Proto`` value.

uvicorn's own middleware reads ``X-Forwarded-For`` only, and takes whatever text it finds
there as the client's address: hence this one.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from starlette.types import ASGIApp, Receive, Scope, Send

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_SCHEMES = frozenset({"http", "https"})


class _Hop(NamedTuple):
    """One entry of a forwarding header: the address a proxy received the request from."""

    address: IPAddress | None  # None: not an address
    port: int
    scheme: str | None


class ProxyHeadersMiddleware:
    """Set the request's client and scheme from the forwarding headers of trusted proxies."""

    def __init__(self, app: ASGIApp, *, trusted: Sequence[str]) -> None:
        self.app = app
        self._trust_all = "*" in trusted
        self._networks = tuple(
            ipaddress.ip_network(item, strict=False) for item in trusted if item != "*"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            peer = scope.get("client")
            if peer is not None and self._trusts(_address(peer[0])):
                self._apply(scope)
        await self.app(scope, receive, send)

    def _trusts(self, address: IPAddress | None) -> bool:
        if address is None:
            return False
        return self._trust_all or any(address in network for network in self._networks)

    def _apply(self, scope: Scope) -> None:
        hops, scheme = _hops(scope["headers"])
        if hops:
            client = self._client(hops)
            if client is None:
                return  # a header that does not parse is not used at all
            scope["client"] = (str(client.address), client.port)
            scheme = client.scheme or scheme
        if scheme in _SCHEMES:
            if scope["type"] == "websocket":
                scheme = "wss" if scheme == "https" else "ws"
            scope["scheme"] = scheme

    def _client(self, hops: Sequence[_Hop]) -> _Hop | None:
        """The last hop that is not a trusted proxy (the first, if every one is); None if one
        of them is not an address."""
        for hop in reversed(hops):
            if hop.address is None:
                return None
            if not self._trusts(hop.address):
                return hop
        return hops[0] if hops else None


def _hops(headers: Iterable[tuple[bytes, bytes]]) -> tuple[list[_Hop], str | None]:
    """The hops of ``Forwarded`` if the request has it, else of ``X-Forwarded-For``; and the
    scheme ``X-Forwarded-Proto`` gives, if it gives one."""
    forwarded: list[str] = []
    forwarded_for: list[str] = []
    protos: list[str] = []
    for name, value in headers:
        if name == b"forwarded":
            forwarded.append(value.decode("latin-1"))
        elif name == b"x-forwarded-for":
            forwarded_for.append(value.decode("latin-1"))
        elif name == b"x-forwarded-proto":
            protos.extend(item.strip().lower() for item in value.decode("latin-1").split(","))
    proto = protos[0] if len(protos) == 1 else None
    if forwarded:
        return [_forwarded_hop(item) for item in ",".join(forwarded).split(",")], None
    if forwarded_for:
        return [_hop(item.strip(), None) for item in ",".join(forwarded_for).split(",")], proto
    return [], proto


def _forwarded_hop(element: str) -> _Hop:
    """One element of ``Forwarded``: ``for=...;proto=...;by=...`` in any order."""
    pairs: dict[str, str] = {}
    for pair in element.split(";"):
        name, sep, value = pair.strip().partition("=")
        if not sep:
            return _Hop(None, 0, None)
        pairs[name.strip().lower()] = value.strip().strip('"')
    proto = pairs.get("proto")
    return _hop(pairs.get("for", ""), proto.lower() if proto else None)


def _hop(node: str, scheme: str | None) -> _Hop:
    """``192.0.2.1``, ``192.0.2.1:4711``, ``2001:db8::1`` or ``[2001:db8::1]:4711``."""
    host, port = node, ""
    if node.startswith("["):
        host, _, rest = node[1:].partition("]")
        port = rest.removeprefix(":")
    elif node.count(":") == 1:
        host, _, port = node.partition(":")
    address = _address(host)
    if port and not port.isdigit():
        address = None
    return _Hop(address, int(port) if port.isdigit() else 0, scheme)


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None

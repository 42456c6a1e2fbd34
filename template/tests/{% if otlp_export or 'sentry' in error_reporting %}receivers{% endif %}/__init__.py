"""Servers the tests start on 127.0.0.1 to receive what the service exports, for real.

:class:`Receiver` keeps every POST it gets; each backend's receiver, in a module of this
package, reads them as that backend would. :func:`blackhole` accepts connections and never
answers; :func:`refused_port` is a port nothing listens on.
"""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType


class Received:
    """One request the receiver got."""

    def __init__(self, path: str, headers: dict[str, str], body: bytes) -> None:
        self.path = path
        self.headers = headers
        self.body = body


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.server.record(Received(self.path, headers, body))
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.server.reply)))
        self.end_headers()
        self.wfile.write(self.server.reply)

    def log_message(self, *args: Any) -> None:
        """Keep the test output quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, reply: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.reply = reply
        self.received: list[Received] = []
        self._lock = threading.Lock()

    def record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)


class Receiver:
    """An HTTP server on a free port of 127.0.0.1 that keeps every POST it gets."""

    reply = b""

    def __init__(self) -> None:
        self._server = _Server(self.reply)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def received(self) -> list[Received]:
        return list(self._server.received)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()


def refused_port() -> int:
    """A port of 127.0.0.1 that refuses connections (nothing listens on it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def blackhole() -> Iterator[int]:
    """A port of 127.0.0.1 that accepts connections and never reads or answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)  # the kernel completes the handshakes; nobody ever accepts
        port: int = listener.getsockname()[1]
        yield port

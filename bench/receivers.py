"""The backends a full-observability service exports to, live on 127.0.0.1.

One HTTP server answers as an OTLP/HTTP collector (``/v1/traces``, ``/v1/metrics``: an
empty protobuf response, which is a valid ``Export*ServiceResponse``) and as Sentry's
envelope endpoint (``/api/<project>/envelope/``), and counts what it received, so the
report shows that the exports really happened during the run.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class Receiver:
    """A collector and a Sentry endpoint in one, served from a background thread."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                kind = receiver.kind(self.path)
                with receiver._lock:
                    receiver.received[kind] += 1
                if kind == "sentry":
                    body, content_type = b"{}", "application/json"
                else:
                    body, content_type = b"", "application/x-protobuf"
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the benchmark's output is its report."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @staticmethod
    def kind(path: str) -> str:
        if path.startswith("/v1/traces"):
            return "traces"
        if path.startswith("/v1/metrics"):
            return "metrics"
        if path.startswith("/api/") and "/envelope" in path:
            return "sentry"
        return "other"

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.received)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

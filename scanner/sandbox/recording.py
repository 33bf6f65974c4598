"""Pieces every local cloud fake shares: the record of each request, and stopping the server thread."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    """One request a local fake received (for read-only and call-count assertions)."""

    method: str
    path: str
    query: str = ""


class BackgroundServer:
    """Start, URL, stop and ``with`` behaviour of a fake served from a background thread."""

    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def _serve(self, handler: type[BaseHTTPRequestHandler], name: str) -> None:
        """Start serving ``handler`` on a free localhost port from a daemon thread named ``name``."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name=name, daemon=True
        )
        self._thread.start()

    def _base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running server (each fake exposes it as ``url``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


Answer = Callable[[str, str, str], tuple[int, bytes, str]]
"""(method, path, raw query) → (status, body, content type): what a fake says to one request."""


def handler_for(answer: Answer, methods: Iterable[str]) -> type[BaseHTTPRequestHandler]:
    """The HTTP/1.1 request handler every local fake uses: it reads the request body (so a kept-alive
    connection stays in step), asks ``answer`` and writes the reply with its length; no per-request log."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stall per request

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            url = urlsplit(self.path)
            status, payload, content_type = answer(self.command, url.path, url.query)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            """Silence the per-request log."""

    for method in methods:
        setattr(Handler, f"do_{method}", Handler._serve)
    return Handler

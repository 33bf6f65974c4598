"""Pieces every local cloud fake shares: the record of each request, and stopping the server thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


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

"""Pieces every local cloud fake shares: the record of each request, and stopping the server thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    """One request a local fake received (for read-only and call-count assertions)."""

    method: str
    path: str
    query: str = ""


class BackgroundServer:
    """Stop / ``with`` behaviour of a fake served from a background thread (sets ``_server`` and ``_thread``)."""

    _server: ThreadingHTTPServer
    _thread: threading.Thread

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

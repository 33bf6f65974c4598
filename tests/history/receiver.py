"""A local HTTP server that records every POST (a stand-in for a webhook or Slack receiver)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Captured:
    """What the server received, and the status it answers with."""

    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    event: threading.Event = field(default_factory=threading.Event)

    def bodies(self) -> list[Any]:
        return [p["json"] for p in self.posts]


@contextmanager
def capture_server() -> Iterator[Captured]:
    """Serve on 127.0.0.1 (a free port) until the block ends."""
    captured = Captured(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            captured.posts.append(
                {"path": self.path, "headers": dict(self.headers), "body": body, "json": json.loads(body)}
            )
            self.send_response(captured.status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            captured.event.set()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    captured.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield captured
    finally:
        server.shutdown()
        server.server_close()

"""The HTTP receiver of ``mlscan watch --listen``: Azure Event Grid and Pub/Sub push (Cloud Asset feeds).

Routes: ``POST /azure`` (Event Grid schema or CloudEvents; the subscription validation handshake is
answered with ``validationResponse``, and the CloudEvents ``OPTIONS`` handshake with
``WebHook-Allowed-Origin``) and ``POST /gcp`` (a Pub/Sub push delivery). Every request must carry the
shared token: ``?token=TOKEN`` in the URL (how Event Grid and Pub/Sub push subscriptions are usually
set up), ``Authorization: Bearer TOKEN`` or ``X-Mlscan-Token: TOKEN``; anything else is 401 and is not
read. A delivery is answered 200 only after every verdict it caused is stored; otherwise 503, so the
sender retries (both services redeliver on a non-2xx answer).
"""

from __future__ import annotations

import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from scanner.watch.events import NotAnEvent, event_grid_validation, from_event_grid, from_pubsub_push
from scanner.watch.rescan import Watcher, all_stored

MAX_BODY = 1 << 20
"""Event Grid batches are at most 1 MB; Pub/Sub messages at most 10 MB but feed messages are small."""
TOKEN_HEADER = "X-Mlscan-Token"


def authenticated(path: str, headers: Any, token: str) -> bool:
    """True when the request carries ``token`` in the query, a Bearer header or X-Mlscan-Token."""
    offered = (parse_qs(urlsplit(path).query).get("token") or [""])[0]
    bearer = str(headers.get("Authorization") or "")
    candidates = [offered, bearer.removeprefix("Bearer ").strip(), str(headers.get(TOKEN_HEADER) or "")]
    return any(c and hmac.compare_digest(c.encode(), token.encode()) for c in candidates)


def make_server(
    host: str, port: int, token: str, watcher: Watcher, log: Callable[[str], None]
) -> ThreadingHTTPServer:
    """A server (not yet serving) bound to ``host:port``; port 0 picks a free one."""
    if not token:
        raise ValueError("the receiver needs a token (--token / MLSCAN_WATCH_TOKEN)")

    class Handler(BaseHTTPRequestHandler):
        server_version = "mlscan-watch"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            """Quiet: the watch log says what each delivery did."""

        def _answer(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body if body is not None else {}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _route(self) -> str | None:
            route = urlsplit(self.path).path.rstrip("/")
            return route if route in ("/azure", "/gcp") else None

        def do_OPTIONS(self) -> None:  # noqa: N802 - CloudEvents webhook validation (Event Grid)
            if self._route() != "/azure" or not authenticated(self.path, self.headers, token):
                self._answer(401 if self._route() else 404, {"error": "unauthorized"})
                return
            origin = self.headers.get("WebHook-Request-Origin") or "*"
            self._answer(200, {}, {"WebHook-Allowed-Origin": origin, "WebHook-Allowed-Rate": "120"})

        def do_POST(self) -> None:  # noqa: N802
            route = self._route()
            if route is None:
                self._answer(404, {"error": "POST /azure or /gcp"})
                return
            if not authenticated(self.path, self.headers, token):
                log(f"watch: {route}: rejected a delivery without the token from {self.client_address[0]}")
                self._answer(401, {"error": "unauthorized"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._answer(413, {"error": "too large"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"null")
            except ValueError:
                self._answer(400, {"error": "not JSON"})
                return
            if route == "/azure" and (code := event_grid_validation(body)) is not None:
                log("watch: azure: Event Grid subscription validated")
                self._answer(200, {"validationResponse": code})
                return
            try:
                changes = from_event_grid(body) if route == "/azure" else from_pubsub_push(body)
            except NotAnEvent as exc:
                log(f"watch: {route}: ignored ({exc})")
                self._answer(200, {"ignored": str(exc)})  # acknowledged: a redelivery would not help
                return
            verdicts = watcher.handle(changes)
            for verdict in verdicts:
                log(verdict.describe())
            stored = all_stored(verdicts)
            self._answer(200 if stored else 503, {"verdicts": [_summary(v) for v in verdicts]})

    return ThreadingHTTPServer((host, port), Handler)


def _summary(verdict: Any) -> dict[str, Any]:
    return {
        "target": verdict.target or verdict.change.key,
        "stored": verdict.stored,
        "scan_id": verdict.scan_id,
        "skipped": verdict.skipped,
        "counts": dict(verdict.counts),
    }


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    """Serve in a daemon thread (tests, and the watch command alongside the SQS loop)."""
    thread = threading.Thread(target=server.serve_forever, args=(0.2,), name="mlscan-watch-http", daemon=True)
    thread.start()
    return thread

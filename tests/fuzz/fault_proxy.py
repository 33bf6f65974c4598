"""A fault-injecting HTTP proxy in front of any local cloud fake (moto server, ARM or Vertex emulator).

The real SDKs talk to the proxy as if it were the cloud; a :class:`Fault` whose ``match`` is a
substring of ``"METHOD /path?query TARGET"`` (TARGET: the ``X-Amz-Target`` header, e.g.
``SageMaker.ListEndpoints``) turns the matching answers into what a broken or busy cloud sends:
an error status (with ``Retry-After``), a truncated, HTML or empty body, a field of the wrong type,
endless pagination (the same page token again and again) or a connection that stalls.
An AWS error is written in the protocol of the request (JSON for the JSON protocols, XML for the
query and REST-XML ones: STS, IAM, EC2, S3), so botocore reads its code, e.g. a
``ThrottlingException`` sent as HTTP 400 as AWS does. A stall waits on an event, not
``time.sleep`` (tests record sleeps instead of sleeping), and ends when the proxy closes.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

REPEAT = "mlscan-repeat"
"""The page token the proxy hands out for endless pagination (stripped before forwarding)."""
_CODES = {
    403: "AccessDeniedException",
    429: "ThrottlingException",
    500: "InternalFailure",
    503: "ServiceUnavailable",
}
_STATUS = {403: "PERMISSION_DENIED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


@dataclass(frozen=True)
class Fault:
    """One kind of bad answer for the requests that ``match``; ``times`` None means every time."""

    match: str
    kind: str
    """``status`` | ``truncate`` | ``html`` | ``empty`` | ``wrong_type`` | ``repeat_token`` | ``stall``."""
    status: int = 500
    retry_after: str | None = None
    times: int | None = None
    field: str = ""
    """``wrong_type``: the key (at any depth) whose value is replaced by ``value``."""
    value: Any = None
    seconds: float = 0.0
    """``stall``: how long the connection hangs before it is closed without an answer."""
    code: str | None = None
    """``status``: the error code to send (default by status: ThrottlingException for 429, ...)."""


class FaultProxy:
    """``with FaultProxy(upstream, faults) as proxy:`` point the SDK at ``proxy.url``."""

    def __init__(self, upstream: str, faults: Sequence[Fault] = (), *, record_fields: bool = False) -> None:
        self.upstream = urlsplit(upstream)
        self.faults = list(faults)
        self._left = [f.times for f in self.faults]
        self.applied: list[tuple[Fault, str]] = []
        self.effective: list[Fault] = []
        """The faults that changed an answer (a page token added only to a list page counts)."""
        self.seen: list[str] = []
        """Every request key, in arrival order (what a fault could have matched)."""
        self.fields: set[str] | None = set() if record_fields else None
        """With ``record_fields``: every JSON object key of every answer (what ``wrong_type`` may replace)."""
        self.closing = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.handle_error = lambda request, address: (
            None
        )  # a client that gave up (timeout) is expected
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FaultProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()  # stalled handlers give up
        self._server.shutdown()
        self._server.server_close()

    def fault_for(self, key: str) -> Fault | None:
        with self._lock:
            self.seen.append(key)
            for index, fault in enumerate(self.faults):
                if fault.match in key and self._left[index] != 0:
                    if self._left[index] is not None:
                        self._left[index] -= 1
                    self.applied.append((fault, key))
                    return fault
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                """No per-request log."""

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                key = request_key(self.command, self.path, self.headers, body)
                fault = proxy.fault_for(key)
                if fault is not None and fault.kind in ("stall", "status"):
                    proxy.effective.append(fault)
                if fault is not None and fault.kind == "stall":
                    proxy.closing.wait(fault.seconds)
                    self.close_connection = True
                    return
                if fault is not None and fault.kind == "status":
                    self._error(fault, key, body)
                    return
                path, body = _strip_repeat(self.path, body)
                status, headers, data = proxy.forward(self.command, path, self.headers, body)
                if proxy.fields is not None:
                    proxy.fields.update(_keys(data))
                if fault is not None:
                    answer = (status, data)
                    status, headers, data = _mutate(fault, status, headers, data, self.path, self.headers)
                    if (status, data) != answer:
                        proxy.effective.append(fault)
                self._reply(status, headers, data)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _any

            def _error(self, fault: Fault, key: str, body: bytes) -> None:
                code = fault.code or _CODES.get(fault.status, "Error")
                message = f"injected {fault.status}"
                if _xml_protocol(key, body):
                    error = (
                        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
                    )
                    data = f"<ErrorResponse>{error}<RequestId>1</RequestId></ErrorResponse>".encode()
                    if "service=s3" in key:
                        data = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
                    headers = {"Content-Type": "text/xml"}
                else:
                    document = {
                        "__type": code,
                        "message": message,
                        "error": {
                            "code": code,
                            "message": message,
                            "status": _STATUS.get(fault.status, "UNKNOWN"),
                        },
                    }
                    headers = {"Content-Type": "application/json"}
                    data = json.dumps(document).encode()
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
                self._reply(fault.status, headers, data)

            def _reply(self, status: int, headers: dict[str, str], data: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "connection",
                        "date",
                        "server",
                    ):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

        return Handler

    def forward(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The upstream fake's answer (the client's Host header kept, so next links name the proxy)."""
        connection = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "connection")}
            sent["Content-Length"] = str(len(body))
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def request_key(method: str, path: str, headers: Any, body: bytes) -> str:
    """What faults match: ``METHOD /path?query TARGET region=R`` (TARGET: X-Amz-Target, or the query
    protocol's Action; R: the SigV4 credential scope's region)."""
    target = headers.get("X-Amz-Target", "")
    if not target and body[:7] == b"Action=":
        target = body.split(b"&", 1)[0][7:].decode("ascii", "replace")
    scope = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/", headers.get("Authorization", ""))
    region = f" region={scope.group(1)} service={scope.group(2)}" if scope else ""
    return f"{method} {path} {target}{region}"


def _xml_protocol(key: str, body: bytes) -> bool:
    """Whether an AWS request speaks XML (query protocol: STS, IAM, EC2; REST-XML: S3)."""
    return body[:7] == b"Action=" or "service=s3 " in f"{key} "


def _strip_repeat(path: str, body: bytes) -> tuple[str, bytes]:
    """Remove the proxy's own page token, so the fake answers the first page again."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if v != REPEAT]
    path = parts.path + (f"?{urlencode(query)}" if query else "")
    if REPEAT.encode() in body:
        try:
            document = json.loads(body)
        except ValueError:
            return path, body
        document = {k: v for k, v in document.items() if v != REPEAT}
        body = json.dumps(document).encode()
    return path, body


def _mutate(
    fault: Fault, status: int, headers: dict[str, str], data: bytes, path: str, request_headers: Any
) -> tuple[int, dict[str, str], bytes]:
    if fault.kind == "truncate":
        return status, headers, data[: max(1, len(data) // 2)]
    if fault.kind == "html":
        return 200, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    if fault.kind == "empty":
        return status, headers, b""
    try:
        document = json.loads(data)
    except ValueError:
        return status, headers, data
    if fault.kind == "wrong_type":
        document = _replace(document, fault.field, fault.value)
    elif fault.kind == "repeat_token" and isinstance(document, dict):  # list pages only
        host = request_headers.get("Host", "127.0.0.1")
        last = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
        if isinstance(document.get("value"), list):  # ARM: the same nextLink again
            document["nextLink"] = f"http://{host}{path}"
        elif ".List" in request_headers.get("X-Amz-Target", ""):  # AWS JSON protocol
            document["NextToken"] = REPEAT
        elif last.endswith("s") and ":" not in last and any(isinstance(v, list) for v in document.values()):
            document["nextPageToken"] = REPEAT  # Google REST
        else:
            return status, headers, data
    return status, headers, json.dumps(document).encode()


def _keys(data: bytes) -> set[str]:
    try:
        document = json.loads(data)
    except ValueError:
        return set()
    found: set[str] = set()
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found.update(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _replace(value: Any, field: str, new: Any) -> Any:
    """``value`` with every ``field`` set to ``new`` where that is a wrong type: a field that already holds
    a value of ``new``'s type keeps it (``["x"]`` for a list of container arguments is another valid
    configuration, not a fault, and may rightly change a verdict)."""
    if isinstance(value, dict):
        return {
            k: (new if k == field and type(v) is not type(new) else _replace(v, field, new))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_replace(v, field, new) for v in value]
    return value

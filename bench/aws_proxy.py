"""A tiny HTTP proxy in front of a moto server: adds latency per call, can deny regions, counts calls.

Used by the AWS benchmark (latency mode: wall time ≈ calls × latency / workers) and by the
tests (one region answering AccessDenied, the way a real SCP-restricted region does).
The region and the operation are read from the SigV4 Authorization header and X-Amz-Target.

The benchmarks run it in its own process (:class:`ProxyProcess`, ``python bench/aws_proxy.py
UPSTREAM --latency S``): forwarding thousands of calls is CPU that a real cloud's latency does
not cost the scanner, and in the scanner's process it would hold the scanner's GIL.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

COUNTS_PATH = "/__aws_proxy__/calls"
"""GET here answers the calls counted so far, as JSON (how a :class:`ProxyProcess` is read)."""
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")
DENIED_BODY = (
    b'{"__type":"AccessDeniedException","message":"User is not authorized to perform this action '
    b'in this region (explicit deny in a service control policy)"}'
)


class AwsProxy:
    """``with AwsProxy(upstream, latency=0.05, deny_regions={"eu-west-1"}) as proxy: proxy.url``."""

    def __init__(self, upstream: str, *, latency: float = 0.0, deny_regions: Iterable[str] = ()) -> None:
        self.upstream = urlsplit(upstream)
        self.latency = latency
        self.deny_regions = set(deny_regions)
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def total_calls(self) -> int:
        with self._lock:
            return sum(self.calls.values())

    def __enter__(self) -> AwsProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = (
                True  # headers and body go out in separate writes: avoid 40 ms ACK stalls
            )

            def log_message(self, *args: object) -> None:  # quiet
                return

            def _forward(self) -> None:
                if self.path == COUNTS_PATH:  # the control path of ProxyProcess: not a call
                    with proxy._lock:
                        counts = json.dumps(dict(proxy.calls)).encode()
                    self._reply(200, counts, {"Content-Type": "application/json"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                match = _SCOPE.search(self.headers.get("Authorization", ""))
                region, service = (match.group(1), match.group(2)) if match else ("", "")
                operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1] or _query_action(body)
                with proxy._lock:
                    proxy.calls[f"{service}:{operation}"] += 1
                if proxy.latency:
                    time.sleep(proxy.latency)
                if region in proxy.deny_regions and service == "sagemaker":
                    self._reply(400, DENIED_BODY, {"Content-Type": "application/x-amz-json-1.1"})
                    return
                conn = http.client.HTTPConnection(proxy.upstream.hostname, proxy.upstream.port, timeout=60)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                headers["Host"] = proxy.upstream.netloc
                conn.request(self.command, self.path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                passthrough = {
                    k: v
                    for k, v in response.getheaders()
                    if k.lower() not in ("transfer-encoding", "connection", "content-length")
                }
                conn.close()
                self._reply(response.status, data, passthrough)

            def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        return Handler


def _query_action(body: bytes) -> str:
    match = re.search(rb"(?:^|&)Action=([A-Za-z]+)", body)
    return match.group(1).decode() if match else "?"


class ProxyProcess:
    """``with ProxyProcess(upstream, latency=0.1) as proxy: proxy.url, proxy.call_counts()``: an
    :class:`AwsProxy` in a child process of its own, so its CPU shares no GIL with the scanner timed."""

    def __init__(self, upstream: str, *, latency: float = 0.0) -> None:
        self.upstream, self.latency = upstream, latency
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> ProxyProcess:
        command = [sys.executable, __file__, self.upstream, "--latency", str(self.latency)]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self._process.stdout is not None
        self.url = self._process.stdout.readline().strip()  # the child prints its URL once listening
        if not self.url.startswith("http://"):
            raise RuntimeError(f"the proxy did not start: {self.url!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def call_counts(self) -> Counter[str]:
        """Calls forwarded so far, per ``service:Operation``."""
        with urllib.request.urlopen(self.url + COUNTS_PATH, timeout=10) as response:  # noqa: S310 - loopback
            return Counter(json.loads(response.read()))

    @property
    def total_calls(self) -> int:
        return sum(self.call_counts().values())

    @property
    def pid(self) -> int:
        """The proxy's process (its CPU is read from /proc by the benchmarks)."""
        assert self._process is not None
        return self._process.pid


def main() -> int:
    """Serve a proxy until terminated; print its URL on the first line of standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per call")
    args = parser.parse_args()
    with AwsProxy(args.upstream, latency=args.latency) as proxy:
        print(proxy.url, flush=True)
        threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

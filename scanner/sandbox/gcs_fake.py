"""A small local Google Cloud Storage JSON-API fake, enough for ``google-cloud-storage`` to list and read.

Serves ``GET /storage/v1/b/<bucket>/o`` (``prefix``, ``pageToken``, ``maxResults``; paged),
``GET /storage/v1/b/<bucket>/o/<object>`` (metadata) and ``GET /download/storage/v1/b/<bucket>/o/<object>``
(``alt=media``) on 127.0.0.1. Point the SDK at it with ``STORAGE_EMULATOR_HOST=<url>`` (the client
then uses anonymous credentials). Objects are seeded in memory; every request is recorded, so tests can
assert the reader only lists and gets. Anything else is 405.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote

from scanner.sandbox.recording import BackgroundServer, RecordedRequest, handler_for

PAGE_SIZE = 2
"""Small pages, so the SDK's pagination is exercised by a handful of objects."""


class GcsFake(BackgroundServer):
    """A running GCS fake: ``url`` (for ``STORAGE_EMULATOR_HOST``), ``requests`` seen, ``stop()``."""

    def __init__(self, objects: Mapping[str, Mapping[str, bytes]], page_size: int = PAGE_SIZE) -> None:
        self.objects = {bucket: dict(items) for bucket, items in objects.items()}
        self.page_size = page_size
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._serve(_handler_for(self), "gcs-fake")

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (for ``STORAGE_EMULATOR_HOST``)."""
        return self._base_url()

    def answer(self, method: str, path: str, query: Mapping[str, list[str]]) -> tuple[int, bytes, str]:
        """(status, body, content type) of one request."""
        with self._lock:
            self.requests.append(
                RecordedRequest(method, path, "&".join(f"{k}={v[0]}" for k, v in query.items()))
            )
        if method != "GET":
            return _json(405, {"error": {"code": 405, "message": f"{method} is not served by the fake"}})
        parts = [unquote(p) for p in path.strip("/").split("/")]
        download = parts[:1] == ["download"]
        parts = parts[1:] if download else parts
        if parts[:3] != ["storage", "v1", "b"] or len(parts) < 5 or parts[4] != "o":
            return _json(404, {"error": {"code": 404, "message": f"not served: {path}"}})
        bucket = self.objects.get(parts[3])
        if bucket is None:
            return _json(404, {"error": {"code": 404, "message": f"no bucket {parts[3]}"}})
        if len(parts) == 5:
            return _json(200, self._list(parts[3], bucket, query))
        name = "/".join(parts[5:])
        if name not in bucket:
            return _json(404, {"error": {"code": 404, "message": f"no object {name}"}})
        if download or query.get("alt") == ["media"]:
            return 200, bucket[name], "application/octet-stream"
        return _json(200, _metadata(parts[3], name, bucket[name]))

    def _list(self, name: str, bucket: Mapping[str, bytes], query: Mapping[str, list[str]]) -> dict[str, Any]:
        prefix = (query.get("prefix") or [""])[0]
        keys = sorted(k for k in bucket if k.startswith(prefix))
        start = int((query.get("pageToken") or ["0"])[0])
        size = min(int((query.get("maxResults") or [self.page_size])[0]), self.page_size)
        page: dict[str, Any] = {
            "kind": "storage#objects",
            "items": [_metadata(name, k, bucket[k]) for k in keys[start : start + size]],
        }
        if start + size < len(keys):
            page["nextPageToken"] = str(start + size)
        return page


def _metadata(bucket: str, name: str, data: bytes) -> dict[str, Any]:
    return {
        "kind": "storage#object",
        "bucket": bucket,
        "name": name,
        "size": str(len(data)),
        "generation": "1",
    }


def _json(status: int, body: Mapping[str, Any]) -> tuple[int, bytes, str]:
    return status, json.dumps(body).encode(), "application/json"


def _handler_for(fake: GcsFake) -> type[BaseHTTPRequestHandler]:
    return handler_for(
        lambda method, path, query: fake.answer(method, path, parse_qs(query)), ("GET", "POST", "DELETE")
    )

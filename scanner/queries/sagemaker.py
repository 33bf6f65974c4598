"""SageMaker Data Capture JSONL: one record per line, ``captureData.endpointInput/endpointOutput``.

Encodings: ``JSON`` and ``CSV`` carry the body as text; ``BASE64`` carries bytes whose format the
``observedContentType`` tells. The endpoint and variant come from the key layout
``<prefix>/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>.jsonl``. Client identity defaults to
``eventMetadata.inferenceId`` (set by a caller's ``InferenceId`` on InvokeEndpoint).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from scanner.queries.payload import PayloadError

FORMAT = "sagemaker"
DEFAULT_CLIENT_FIELD = "eventMetadata.inferenceId"
_HOUR_LAYOUT = re.compile(r"^\d{4}$|^\d{2}$")


def matches(record: dict[str, Any]) -> bool:
    """A Data Capture record."""
    return isinstance(record.get("captureData"), dict)


def endpoint_from_key(location: str) -> tuple[str | None, str | None]:
    """(endpoint, variant) from ``…/<endpoint>/<variant>/yyyy/mm/dd/hh/<file>``; Nones otherwise."""
    parts = location.replace("\\", "/").split("/")
    if len(parts) >= 7 and all(_HOUR_LAYOUT.match(p) for p in parts[-5:-1]):
        return parts[-7], parts[-6]
    return None, None


def body(channel: Any) -> tuple[str, str]:
    """(text, JSON|CSV) of one capture channel; raises PayloadError when unreadable."""
    if not isinstance(channel, dict) or "data" not in channel:
        raise PayloadError("capture channel has no data")
    data, encoding = channel.get("data"), str(channel.get("encoding") or "JSON").upper()
    content_type = str(channel.get("observedContentType") or "").lower()
    if not isinstance(data, str):
        raise PayloadError("capture data is not text")
    if encoding == "BASE64":
        try:
            data = base64.b64decode(data, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise PayloadError(f"BASE64 data does not decode to UTF-8 text ({exc})") from exc
        encoding = "CSV" if "csv" in content_type or content_type.startswith("text/") else "JSON"
    elif encoding not in ("JSON", "CSV"):
        raise PayloadError(f"unknown capture encoding {encoding!r}")
    return data, encoding


def time_of(record: dict[str, Any]) -> str | None:
    """``eventMetadata.inferenceTime``."""
    meta = record.get("eventMetadata")
    return meta.get("inferenceTime") if isinstance(meta, dict) else None


def request_id(record: dict[str, Any]) -> str | None:
    """``eventMetadata.eventId``."""
    meta = record.get("eventMetadata")
    return meta.get("eventId") if isinstance(meta, dict) else None

"""Vertex AI request-response logging rows, exported from BigQuery as newline-delimited JSON.

Columns (schema v1): ``endpoint, deployed_model_id, logging_time, request_id, request_payload,
response_payload``. The payload columns hold JSON text; as a REPEATED column they arrive as a list of
JSON strings, one per instance, which is read the same way. There is no caller identity in the row.
"""

from __future__ import annotations

from typing import Any

from scanner.queries.payload import PayloadError

FORMAT = "vertex"
DEFAULT_CLIENT_FIELD: str | None = None


def matches(record: dict[str, Any]) -> bool:
    """A request-response logging row."""
    return "request_payload" in record and ("logging_time" in record or "endpoint" in record)


def payload_text(value: Any, column: str) -> str:
    """One JSON text for a payload column (a string, or a list of per-instance strings)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        if len(value) == 1:
            return value[0]
        return "[" + ",".join(value) + "]"
    raise PayloadError(f"{column} is neither JSON text nor a list of JSON texts")


def endpoint_of(record: dict[str, Any]) -> str | None:
    """The ``endpoint`` column (the endpoint's resource name)."""
    value = record.get("endpoint")
    return str(value) if value else None

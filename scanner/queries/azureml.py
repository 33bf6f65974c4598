"""Azure ML data collector JSONL (model_inputs / model_outputs joined on ``correlationid``) and the
``AmlOnlineEndpointTrafficLog`` export that names the caller (``IdentityData`` on ``XRequestId``).

Collector records are CloudEvents-like: ``source`` is ``/subscriptions/…/onlineEndpoints/<ep>/
deployments/<dep>``, ``type`` is ``azureml.inference.model_inputs`` (or ``model_outputs``, ``request``,
``response``) and ``data`` the payload. The blob path ``modelDataCollector/<ep>/<dep>/<collection>/…``
names the endpoint when ``source`` does not.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any

FORMAT = "azureml"
DEFAULT_CLIENT_FIELD: str | None = None
_INPUT_TYPES = ("model_inputs", "request")
_OUTPUT_TYPES = ("model_outputs", "response")
_SOURCE = re.compile(r"/onlineEndpoints/([^/]+)", re.IGNORECASE)


def matches(record: dict[str, Any]) -> bool:
    """A data collector record."""
    return "correlationid" in record or str(record.get("type", "")).startswith("azureml.inference.")


def is_traffic_log(record: dict[str, Any]) -> bool:
    """A row of an ``AmlOnlineEndpointTrafficLog`` export."""
    return "XRequestId" in record and ("IdentityData" in record or "AuthType" in record)


def direction(record: dict[str, Any]) -> str | None:
    """``input`` or ``output`` from the record type; None for other collections."""
    kind = str(record.get("type", "")).rsplit(".", 1)[-1]
    if kind in _INPUT_TYPES:
        return "input"
    if kind in _OUTPUT_TYPES:
        return "output"
    return None


def endpoint_of(record: dict[str, Any], location: str) -> str | None:
    """The online endpoint from ``source`` or from the ``modelDataCollector/<ep>/…`` path."""
    match = _SOURCE.search(str(record.get("source", "")))
    if match:
        return match.group(1)
    parts = location.replace("\\", "/").split("/")
    if "modelDataCollector" in parts:
        index = parts.index("modelDataCollector")
        if index + 1 < len(parts):
            return parts[index + 1]
    return None


def data_text(record: dict[str, Any]) -> str:
    """The payload as JSON text (the collector writes it as text or as JSON)."""
    data = record.get("data")
    return data if isinstance(data, str) else json.dumps(data)


def identity_of(row: dict[str, Any]) -> Any:
    """``IdentityData`` of a traffic-log row: the token's object id when it is JSON claims."""
    value = row.get("IdentityData")
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return value.get("oid") or value.get("objectId") or value
    return value


def traffic_rows_from_text(text: str, location: str) -> list[dict[str, Any]]:
    """Rows of a traffic-log export: CSV with a header, a JSON array, or JSONL."""
    stripped = text.lstrip("\ufeff").lstrip()
    if location.lower().endswith(".csv"):
        return list(csv.DictReader(stripped.splitlines()))
    if stripped.startswith("["):
        rows = json.loads(stripped)
        return [row for row in rows if isinstance(row, dict)]
    return [json.loads(line) for line in stripped.splitlines() if line.strip()]


def head_is_traffic_log(head: str) -> bool:
    """The first bytes of a file name the traffic log's columns (CSV header or first JSON row)."""
    return "XRequestId" in head and ("IdentityData" in head or "AuthType" in head)

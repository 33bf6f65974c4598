"""Who sent a query: ``--client-field`` (a dotted path into the record) and ``--client-pattern``.

The field may lead into a payload that is itself JSON text (Vertex rows, Azure ``data``); the
pattern's first group is the client, or the whole match when it has no group. A record where the
field is absent or the pattern does not match has no identity (None), never a made-up one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True)
class ClientIdentity:
    """How to name the client of a record; ``field`` None means "the format's default"."""

    field: str | None = None
    pattern: re.Pattern[str] | None = None

    def client(self, record: dict[str, Any], default_field: str | None) -> str | None:
        """The client of ``record`` or None."""
        path = self.field or default_field
        if path is None:
            return None
        return self.name(dotted(record, path))

    def name(self, value: Any) -> str | None:
        """Apply the pattern to a raw identity value."""
        if value is None or value == "":
            return None
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        if self.pattern is None:
            return text
        match = self.pattern.search(text)
        if match is None:
            return None
        return match.group(1) if match.groups() else match.group(0)


def dotted(record: Any, path: str) -> Any:
    """``record["a"]["b"]`` for ``a.b``; descends into JSON text and list indices; None when absent."""
    value = record
    for part in path.split("."):
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = _loads(value)
            except ValueError:
                return None
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    return value


def _loads(text: str) -> Any:
    """orjson for speed (a Vertex caller field is read from each row's payload text); the standard
    parser for what orjson refuses but JSON readers accept (NaN, integers beyond 64 bits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)

"""What the local cloud fakes record of each request, so tests can prove a scan was read-only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordedRequest:
    """One request a local fake received (for read-only and call-count assertions)."""

    method: str
    path: str
    query: str = ""

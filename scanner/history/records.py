"""What the history store hands back: one frozen record per stored scan, finding and resource.

Records hold plain JSON-ready data (the JSON result contract's shapes), so the diff, trend and the
CLI never touch SQLAlchemy rows and never need to know which database the store is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


def iso(moment: datetime) -> str:
    """A stored (naive UTC) timestamp in ISO 8601 with its zone, as every output prints it."""
    return moment.isoformat(timespec="seconds") + "Z"


@dataclass(frozen=True)
class ScanRecord:
    """One stored scan: when, of what, by which tool and policy versions, and its counts."""

    id: int
    started_at: datetime
    finished_at: datetime
    targets: tuple[str, ...]
    targets_key: str
    """The targets as one string: scans with the same key are the ones compared by ``history diff``."""
    command: str
    tool_version: str
    policy_versions: Mapping[str, str] = field(default_factory=dict)
    """policy id → version of every policy that ran."""
    summary: Mapping[str, Any] = field(default_factory=dict)
    """The JSON contract's summary (counts by status, failing by severity, errors)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``history list/show --format json``."""
        return {
            "id": self.id,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "targets": list(self.targets),
            "command": self.command,
            "tool_version": self.tool_version,
            "policy_versions": dict(self.policy_versions),
            "summary": dict(self.summary),
        }


@dataclass(frozen=True)
class FindingRecord:
    """One stored finding; ``document`` is the finding as the JSON contract writes it."""

    scan_id: int
    fingerprint: str
    policy_id: str
    resource_id: str
    provider: str
    account: str | None
    region: str | None
    status: str
    severity: str
    suppressed: Mapping[str, Any] | None
    document: Mapping[str, Any]

    @property
    def failing(self) -> bool:
        """The policy's verdict was fail (suppressed or not: history tracks the verdict, not the gate)."""
        return self.status == "fail"


@dataclass(frozen=True)
class ResourceRecord:
    """One stored resource: identity, where it was read, its facts and its redacted raw document."""

    scan_id: int
    resource_id: str
    provider: str
    kind: str
    resource_type: str | None
    name: str
    account: str | None
    region: str | None
    source: Mapping[str, Any]
    tags: Mapping[str, str]
    facts: Mapping[str, Any]
    raw: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The resource in the JSON contract's shape."""
        return {
            "provider": self.provider,
            "kind": self.kind,
            "type": self.resource_type,
            "id": self.resource_id,
            "name": self.name,
            "account": self.account,
            "region": self.region,
            "source": dict(self.source),
            "tags": dict(self.tags),
            "facts": dict(self.facts),
            "raw": dict(self.raw),
        }


@dataclass(frozen=True)
class ControlRecord:
    """One control's status in one stored scan (for the per-framework trend)."""

    scan_id: int
    framework_id: str
    control_id: str
    status: str
    reason: str

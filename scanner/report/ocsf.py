"""OCSF Detection Finding (class_uid 2004) events, one per finding, as a JSON array.

This is what Prowler's ``json-ocsf`` emits and what AWS Security Lake, Splunk
and other SIEMs ingest. A pass is emitted as Resolved and a suppressed finding
as Suppressed, so a consumer sees the same picture as the HTML report.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scanner import __version__
from scanner.model import Finding, Resource, Severity, Status
from scanner.report.context import ReportContext

OCSF_VERSION = "1.5.0"
CLASS_UID = 2004
ACTIVITY_CREATE = 1
_SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
_PROVIDER = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}
# OCSF account type_id: 10 AWS Account, 5 GCP Account, 99 Other (an Azure subscription is not an AD account).
_ACCOUNT_TYPE = {"aws": (10, "AWS Account"), "gcp": (5, "GCP Account"), "azure": (99, "Azure Subscription")}


def render_ocsf(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every finding as an OCSF 1.5 Detection Finding event."""
    when = _epoch_ms(ctx.result.finished_at or ctx.result.started_at)
    return [_event(f, ctx.resource_for(f), when, ctx.controls_for(f.policy_id)) for f in ctx.result.findings]


def _event(finding: Finding, resource: Resource | None, when: int, controls: list[str]) -> dict[str, Any]:
    severity_id, severity = _SEVERITY_ID[finding.severity]
    status_id, status = _status(finding)
    event: dict[str, Any] = {
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "mlscan", "vendor_name": "mlscan", "version": __version__},
            "event_code": finding.policy_id,
            "profiles": ["cloud"],
            "uid": finding.fingerprint,
        },
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Detection Finding",
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "status_id": status_id,
        "status": status,
        "status_code": finding.status.value.upper(),
        "status_detail": finding.message,
        "message": finding.message,
        "time": when,
        "finding_info": {
            "uid": finding.fingerprint,
            "title": finding.title,
            "desc": finding.message,
            "types": [finding.category],
            "created_time": when,
        },
        "resources": [_resource(finding, resource)],
        "cloud": _cloud(finding),
        "unmapped": {
            "compliance": controls,
            "source": finding.source.to_dict(),
            "evidence": dict(finding.evidence),
        },
    }
    if finding.remediation:
        event["remediation"] = {"desc": finding.remediation}
    if finding.suppressed is not None:
        event["unmapped"]["suppression"] = {
            k: v for k, v in finding.suppressed.__dict__.items() if v is not None
        }
    return event


def _status(finding: Finding) -> tuple[int, str]:
    if finding.suppressed is not None:
        return 3, "Suppressed"
    if finding.status is Status.PASS:
        return 4, "Resolved"
    return 1, "New"


def _resource(finding: Finding, resource: Resource | None) -> dict[str, Any]:
    details: dict[str, Any] = {
        "uid": finding.resource_id,
        "name": finding.resource_name,
        "type": finding.resource_type or finding.resource_kind,
        "group": {"name": finding.resource_kind},
    }
    if finding.region:
        details["region"] = finding.region
    if resource is not None:
        if resource.tags:
            details["labels"] = [f"{k}:{v}" for k, v in sorted(resource.tags.items())]
        details["data"] = {"facts": dict(resource.facts)}
    return details


def _cloud(finding: Finding) -> dict[str, Any]:
    cloud: dict[str, Any] = {"provider": _PROVIDER.get(finding.provider, finding.provider)}
    if finding.region:
        cloud["region"] = finding.region
    if finding.account:
        type_id, type_name = _ACCOUNT_TYPE.get(finding.provider, (99, "Other"))
        cloud["account"] = {
            "uid": finding.account,
            "name": finding.account,
            "type_id": type_id,
            "type": type_name,
        }
    return cloud


def _epoch_ms(iso: str) -> int:
    """Milliseconds since the epoch for an ISO-8601 time (now, when missing or unreadable)."""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)

"""OCSF Compliance Finding (class_uid 2003) events, one per finding, as a JSON array.

A finding is the result of evaluating a resource against a policy that evidences controls of
industry frameworks: exactly what OCSF's Compliance Finding describes. Its ``compliance`` object
names the frameworks (``standards``), the controls (``requirements``, ``framework:control``), the
policy as the check that ran (``checks``) and the result (``status_id``: Pass, Fail, or Warning
when the setting could not be read). AWS Security Lake, Splunk and other SIEMs ingest it. A pass
is emitted as Resolved and a suppressed finding as Suppressed, so a consumer sees the same picture
as the HTML report.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scanner import __version__
from scanner.model import Finding, Resource, Severity, Status
from scanner.report.context import ReportContext

OCSF_VERSION = "1.5.0"
CLASS_UID = 2003
CLASS_NAME = "Compliance Finding"
ACTIVITY_CREATE = 1
_SEVERITY_ID = {
    Severity.INFO: (1, "Informational"),
    Severity.LOW: (2, "Low"),
    Severity.MEDIUM: (3, "Medium"),
    Severity.HIGH: (4, "High"),
    Severity.CRITICAL: (5, "Critical"),
}
# OCSF compliance status_id: 1 Pass, 2 Warning ("no result due to missing information"), 3 Fail.
_COMPLIANCE_STATUS = {Status.PASS: (1, "Pass"), Status.FAIL: (3, "Fail")}
_PROVIDER = {"aws": "AWS", "azure": "Azure", "gcp": "GCP"}
# OCSF account type_id: 10 AWS Account, 5 GCP Account, 99 Other (an Azure subscription is not an AD account).
_ACCOUNT_TYPE = {"aws": (10, "AWS Account"), "gcp": (5, "GCP Account"), "azure": (99, "Azure Subscription")}


def render_ocsf(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every finding as an OCSF 1.5 Compliance Finding event."""
    when = _epoch_ms(ctx.result.finished_at or ctx.result.started_at)
    names = {fr.framework.id: f"{fr.framework.name} {fr.framework.version}".strip() for fr in ctx.frameworks}
    return [
        _event(f, ctx.resource_for(f), when, _compliance(f, ctx.finding_controls(f), names))
        for f in ctx.result.findings
    ]


def _event(
    finding: Finding, resource: Resource | None, when: int, compliance: dict[str, Any]
) -> dict[str, Any]:
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
        "class_name": CLASS_NAME,
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": f"{CLASS_NAME}: Create",
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
        "compliance": compliance,
        "resources": [_resource(finding, resource)],
        "cloud": _cloud(finding),
        "unmapped": {
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


def _compliance(finding: Finding, controls: dict[str, list[str]], names: dict[str, str]) -> dict[str, Any]:
    """The OCSF compliance object: frameworks, their controls, the policy as the check, the result."""
    status_id, status = _COMPLIANCE_STATUS.get(finding.status, (2, "Warning"))
    standards = [names.get(framework, framework) for framework in controls]
    check: dict[str, Any] = {
        "uid": finding.policy_id,
        "name": finding.title,
        "severity": finding.severity.value,
        "severity_id": _SEVERITY_ID[finding.severity][0],
        "status": status,
        "status_id": status_id,
    }
    if standards:
        check["standards"] = standards
    compliance: dict[str, Any] = {
        "control": finding.policy_id,
        "category": finding.category,
        "checks": [check],
        "requirements": [f"{framework}:{control}" for framework, ids in controls.items() for control in ids],
        "standards": standards,
        "status": status,
        "status_code": finding.status.value.upper(),
        "status_detail": finding.message,
        "status_id": status_id,
    }
    return compliance


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

"""AWS Security Finding Format (ASFF) for live AWS findings: what Security Hub's BatchImportFindings takes.

Only findings on resources read live from AWS are exported: Security Hub needs the account
and region a finding lives in, which Terraform code does not have (Terraform findings
belong in SARIF). Every status is exported, as Prowler does, so a fixed resource resolves
its earlier finding: fail → ``FAILED``, pass → ``PASSED``, unknown or error →
``NOT_AVAILABLE`` (the fact could not be read; never a pass). A suppressed finding keeps
its status with workflow ``SUPPRESSED``. ``Id`` is the finding's fingerprint, so a rescan
updates the same Security Hub finding instead of adding one.

:func:`asff_findings` is the reusable part (the opt-in Security Hub export sends its
output in batches of 100); :func:`render_asff` is the ``--format asff`` renderer.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scanner.model import Finding, Resource, Severity, Status
from scanner.report.context import ReportContext

SCHEMA_VERSION = "2018-10-08"
PRODUCT_NAME = "mlscan"
COMPANY_NAME = "mlscan"
TITLE_LIMIT, DESCRIPTION_LIMIT, TEXT_LIMIT, REQUIREMENTS_LIMIT = 256, 1024, 512, 32
_SEVERITY = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.INFO: "INFORMATIONAL",
}
_COMPLIANCE = {Status.FAIL: "FAILED", Status.PASS: "PASSED"}
# ASFF resource types Security Hub knows; other SageMaker kinds are "Other" with details.
_RESOURCE_TYPE = {"notebook": "AwsSageMakerNotebookInstance"}
_TYPE_BY_CATEGORY = "Software and Configuration Checks/AWS Security Best Practices/{category}"


def render_asff(ctx: ReportContext) -> list[dict[str, Any]]:
    """The ``--format asff`` document: a JSON array of ASFF findings (live AWS findings only)."""
    return asff_findings(ctx)


def asff_findings(ctx: ReportContext, *, docs_url: str | None = None) -> list[dict[str, Any]]:
    """Every live AWS finding of the scan as an ASFF finding, in scan order."""
    when = _iso(ctx.result.finished_at or ctx.result.started_at)
    findings = []
    for finding in ctx.result.findings:
        resource = ctx.resource_for(finding)
        if finding.provider != "aws" or finding.source.kind != "live" or resource is None:
            continue
        if not (resource.account and resource.region):
            continue
        policy = ctx.result.policy(finding.policy_id)
        url = f"{docs_url}#{finding.policy_id.lower()}" if docs_url else (policy.help_uri if policy else "")
        findings.append(_finding(finding, resource, when, ctx.qualified_controls(finding), url))
    return findings


def _finding(
    finding: Finding, resource: Resource, when: str, controls: list[str], docs_url: str | None
) -> dict[str, Any]:
    account, region = str(resource.account), str(resource.region)
    partition = _partition(resource.id)
    compliance: dict[str, Any] = {"Status": _COMPLIANCE.get(finding.status, "NOT_AVAILABLE")}
    if controls:
        compliance["RelatedRequirements"] = [c.replace(":", " ", 1) for c in controls[:REQUIREMENTS_LIMIT]]
    if finding.status in (Status.UNKNOWN, Status.ERROR):
        compliance["StatusReasons"] = [
            {"ReasonCode": "CONFIG_EVALUATIONS_EMPTY", "Description": _cut(finding.message, 2048)}
        ]
    remediation: dict[str, Any] = {"Text": _cut(finding.remediation or finding.title, TEXT_LIMIT)}
    if docs_url:
        remediation["Url"] = docs_url
    return {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": f"mlscan/{finding.fingerprint}",
        "ProductArn": f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default",
        "ProductName": PRODUCT_NAME,
        "CompanyName": COMPANY_NAME,
        "GeneratorId": f"mlscan/{finding.policy_id}",
        "AwsAccountId": account,
        "Region": region,
        "Types": [_TYPE_BY_CATEGORY.format(category=finding.category.capitalize())],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": _SEVERITY[finding.severity], "Original": finding.severity.value},
        "Title": _cut(f"{finding.policy_id} {finding.title}", TITLE_LIMIT),
        "Description": _cut(finding.message, DESCRIPTION_LIMIT),
        "Remediation": {"Recommendation": remediation},
        "ProductFields": {
            "mlscan/PolicyId": finding.policy_id,
            "mlscan/Category": finding.category,
            "mlscan/Status": finding.status.value,
            "mlscan/ResourceKind": finding.resource_kind,
        },
        "Resources": [_resource(finding, resource, partition, region)],
        "Compliance": compliance,
        "Workflow": {"Status": _workflow(finding)},
        "RecordState": "ACTIVE",
    }


def _resource(finding: Finding, resource: Resource, partition: str, region: str) -> dict[str, Any]:
    kind_type = _RESOURCE_TYPE.get(finding.resource_kind, "Other")
    entry: dict[str, Any] = {"Type": kind_type, "Id": resource.id, "Partition": partition, "Region": region}
    if resource.tags:
        entry["Tags"] = {str(k)[:128]: str(v)[:256] for k, v in list(resource.tags.items())[:50]}
    if kind_type == "Other":
        details = {"Name": finding.resource_name, "Kind": finding.resource_kind}
        if resource.resource_type:
            details["Type"] = resource.resource_type
        entry["Details"] = {"Other": details}
    return entry


def _workflow(finding: Finding) -> str:
    if finding.suppressed is not None:
        return "SUPPRESSED"
    return "RESOLVED" if finding.status is Status.PASS else "NEW"


def _partition(arn: str) -> str:
    """``aws``, ``aws-cn`` or ``aws-us-gov`` from an ARN (``aws`` when the id is not an ARN)."""
    parts = arn.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else "aws"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _iso(moment: str) -> str:
    """An RFC 3339 UTC time with a Z, as Security Hub requires (now, when unreadable)."""
    try:
        parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        parsed = datetime.now(timezone.utc)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

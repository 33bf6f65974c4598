"""A hand-built ScanResult covering every status, three clouds, HCL / plan / live sources,
a suppression, a hostile tag value and a redacted secret; shared by the report, compliance,
gate and evidence tests."""

from __future__ import annotations

from scanner.model import Finding, Resource, ScanError, ScanResult, Severity, Source, Status, Suppression

HCL = Source(kind="hcl", file="terraform/insecure/aws/main.tf", line=12)
PLAN = Source(kind="plan", file="terraform/plans/gcp-insecure.json", address="google_vertex_ai_endpoint.ep")
LIVE = Source(kind="live", address="eastus")

AWS_EP = "aws_sagemaker_endpoint.api"
AWS_NB = "aws_sagemaker_notebook_instance.nb"
GCP_EP = "google_vertex_ai_endpoint.ep"
AZ_WS = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws"


def resources() -> tuple[Resource, ...]:
    """Four resources, one tagged with a script tag value, one with a redacted secret in raw."""
    return (
        Resource(
            provider="aws",
            service="sagemaker",
            kind="endpoint",
            id=AWS_EP,
            name="api",
            source=HCL,
            facts={"encryption.cmk": False, "logging.capture": None},
            account="123456789012",
            region="us-east-1",
            tags={"owner": "<script>alert(1)</script>", "data-classification": "phi"},
            raw={"name": "api", "environment": {"API_KEY": "***REDACTED***"}},
            resource_type="aws_sagemaker_endpoint",
        ),
        Resource(
            provider="aws",
            service="sagemaker",
            kind="notebook",
            id=AWS_NB,
            name="nb",
            source=Source(kind="hcl", file="terraform/insecure/aws/main.tf", line=40),
            facts={"notebook.direct_internet": True, "encryption.cmk": True},
            account="123456789012",
            region="us-east-1",
            resource_type="aws_sagemaker_notebook_instance",
        ),
        Resource(
            provider="gcp",
            service="aiplatform",
            kind="endpoint",
            id=GCP_EP,
            name="ep",
            source=PLAN,
            facts={"encryption.cmk": True, "network.public": True},
            account="my-project",
            region="us-central1",
        ),
        Resource(
            provider="azure",
            service="machinelearningservices",
            kind="workspace",
            id=AZ_WS,
            name="ws",
            source=LIVE,
            facts={"encryption.cmk": None},
            account="0000",
            region="eastus",
        ),
    )


def finding(
    policy_id: str,
    resource: Resource,
    status: Status,
    severity: Severity = Severity.HIGH,
    suppressed: Suppression | None = None,
    category: str = "encryption",
) -> Finding:
    """One finding of ``policy_id`` on ``resource``."""
    return Finding(
        policy_id=policy_id,
        title=f"Title of {policy_id}",
        category=category,
        severity=severity,
        status=status,
        resource_id=resource.id,
        resource_kind=resource.kind,
        resource_name=resource.name,
        provider=resource.provider,
        message=f"{policy_id} is {status.value} on {resource.name}",
        source=resource.source,
        evidence={"encryption.cmk": resource.fact("encryption.cmk")},
        suppressed=suppressed,
        remediation=f"Fix {policy_id}: set a customer-managed key.",
        account=resource.account,
        region=resource.region,
        resource_type=resource.resource_type,
    )


def sample_result() -> ScanResult:
    """Findings: TST-ENC-001 fail/pass/pass/unknown, TST-NET-001 fail (critical) + suppressed fail,
    TST-LOG-001 unknown, TST-HRD-001 fail (low); one source error."""
    aws_ep, aws_nb, gcp_ep, az_ws = resources()
    waived = Suppression(policy_id="TST-NET-001", reason="accepted for the demo", origin="inline")
    findings = (
        finding("TST-ENC-001", aws_ep, Status.FAIL),
        finding("TST-ENC-001", aws_nb, Status.PASS),
        finding("TST-ENC-001", gcp_ep, Status.PASS),
        finding("TST-ENC-001", az_ws, Status.UNKNOWN),
        finding("TST-NET-001", gcp_ep, Status.FAIL, Severity.CRITICAL, category="network"),
        finding("TST-NET-001", aws_nb, Status.FAIL, Severity.HIGH, suppressed=waived, category="network"),
        finding("TST-LOG-001", aws_ep, Status.UNKNOWN, Severity.MEDIUM, category="logging"),
        finding("TST-HRD-001", aws_nb, Status.FAIL, Severity.LOW, category="hardening"),
    )
    return ScanResult(
        resources=(aws_ep, aws_nb, gcp_ep, az_ws),
        findings=findings,
        errors=(ScanError(where="terraform/broken/main.tf:3", reason="unclosed block"),),
        started_at="2026-11-24T10:00:00+00:00",
        finished_at="2026-11-24T10:00:02+00:00",
        command="mlscan iac terraform/insecure",
        targets=("terraform/insecure",),
    )

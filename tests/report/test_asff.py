"""--format asff: live AWS findings in the AWS Security Finding Format, accepted by Security Hub.

A real live scan of a seeded moto estate is rendered as ASFF and imported with the real
boto3 Security Hub client (botocore validates every field against the service model
before moto stores it); counts come from the scan, not from constants.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.model import Source
from scanner.report.asff import asff_findings
from scanner.report.context import ReportContext


@pytest.fixture(scope="module")
def aws_estate() -> Iterator[dict]:
    from moto import mock_aws

    from scanner.sandbox.aws_estate import seed_aws

    with pytest.MonkeyPatch.context() as monkeypatch, mock_aws():
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "MOTO_IAM_LOAD_MANAGED_POLICIES": "false",
        }.items():
            monkeypatch.setenv(name, value)
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        per_region = {"endpoints": 2, "training_jobs": 2, "notebooks": 1, "domains": 0}
        yield seed_aws(None, regions=("us-east-1",), per_region=per_region)


def scan(*args: str) -> dict:
    result = CliRunner().invoke(main, ["scan", "--cloud", "aws", "--regions", "us-east-1", *args], env={})
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_live_findings_import_into_security_hub(aws_estate: dict) -> None:
    import boto3

    document = scan("--format", "json", "--fail-on", "never")
    exported = scan("--format", "asff", "--fail-on", "never")
    live = [f for f in document["findings"] if f["provider"] == "aws"]
    assert len(exported) == len(live) > 0
    statuses = Counter(f["Compliance"]["Status"] for f in exported)
    expected = Counter({"fail": "FAILED", "pass": "PASSED"}.get(f["status"], "NOT_AVAILABLE") for f in live)
    assert statuses == expected and statuses["FAILED"] > 0
    assert all(f["AwsAccountId"] == aws_estate["account"] and f["Region"] == "us-east-1" for f in exported)
    assert len({f["Id"] for f in exported}) == len(exported)
    hub = boto3.client("securityhub", region_name="us-east-1")
    hub.enable_security_hub()
    imported = 0
    for start in range(0, len(exported), 100):
        answer = hub.batch_import_findings(Findings=exported[start : start + 100])
        assert answer["FailedCount"] == 0, answer.get("FailedFindings")
        imported += answer["SuccessCount"]
    assert imported == len(exported)
    stored = hub.get_findings(MaxResults=100)["Findings"]
    assert {f["Id"] for f in stored} <= {f["Id"] for f in exported} and stored


def test_only_live_aws_findings_are_exported(ctx: ReportContext) -> None:
    findings = list(ctx.result.findings)
    first_aws = next(i for i, f in enumerate(findings) if f.provider == "aws")
    findings[first_aws] = replace(findings[first_aws], source=Source(kind="live", address="us-east-1"))
    mixed = replace(ctx, result=replace(ctx.result, findings=tuple(findings)))
    exported = asff_findings(mixed)
    assert [f["GeneratorId"] for f in exported] == [f"mlscan/{findings[first_aws].policy_id}"]
    assert sum(f.provider == "aws" for f in findings) > 1  # the Terraform AWS findings were left out

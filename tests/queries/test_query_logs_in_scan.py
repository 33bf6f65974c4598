"""`mlscan iac|scan --query-logs`: measured exposure feeds the endpoint's facts and risk; alerts are findings."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.paths import terraform_examples_dir
from scanner.report.formats import ALL_FORMATS
from scanner.sandbox.query_logs import write_sagemaker
from tests.aws.aws_helpers import fake_aws_credentials
from tests.queries.traffic import population

STACK = terraform_examples_dir() / "insecure" / "aws"
ENDPOINT = "claims-classifier"


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    root = tmp_path_factory.mktemp("capture")
    write_sagemaker(root, ENDPOINT, population(np.random.default_rng(0)))
    write_sagemaker(root, "nobody-scans-me", population(np.random.default_rng(1), clients=3)[:50])
    return root


@pytest.fixture(scope="module")
def scanned(logs, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    formats = [f for f in ALL_FORMATS if f != "console"]
    args = ["iac", str(STACK), "--query-logs", str(logs), "--fail-on", "never", "--output-dir", str(out)]
    for name in formats:
        args += ["--format", name]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out, json.loads((out / "mlscan.json").read_text())


def _endpoint(data):
    (endpoint,) = [r for r in data["resources"] if r["kind"] == "endpoint" and r["name"] == ENDPOINT]
    return endpoint


def test_measured_exposure_is_the_endpoint_fact_with_provenance(scanned):
    _, data = scanned
    endpoint = _endpoint(data)
    assert endpoint["facts"]["exposure.scores"] == "probabilities"
    assert endpoint["facts"]["exposure.decimals"] == 4
    assert endpoint["facts"]["queries.analysed"] is True
    provenance = endpoint["provenance"]["exposure.scores"]
    assert provenance["kind"] == "measured" and "logged sagemaker queries" in provenance["detail"]


def test_measured_exposure_feeds_the_leakage_risk(scanned):
    _, data = scanned
    (risk,) = [r for r in data["privacy_risk"] if r["endpoint_name"] == ENDPOINT]
    assert any("class probabilities" in factor for factor in risk["factors"])


def test_alerts_are_findings_in_every_format(scanned):
    out, data = scanned
    (finding,) = [f for f in data["findings"] if f["policy_id"] == "MLS-EXP-007"]
    assert finding["status"] == "fail" and finding["resource_name"] == ENDPOINT
    alerts = finding["evidence"]["facts.queries.attack_alerts"]
    assert any("client prober" in line for line in alerts) and any(
        "client uniform" in line for line in alerts
    )
    # ASFF exports live AWS findings only (Terraform has no account): see the live test below.
    written = [p for p in out.iterdir() if p.is_file() and p.name not in ("mlscan.json", "mlscan.asff.json")]
    assert len(written) == len(ALL_FORMATS) - 3  # console, json and asff are checked elsewhere
    for path in written:
        assert "MLS-EXP-007" in path.read_text(encoding="utf-8"), path.name


def test_a_logged_endpoint_nobody_scanned_is_an_error(scanned):
    _, data = scanned
    assert any("nobody-scans-me" in e["where"] for e in data["errors"])


def test_without_query_logs_the_query_policies_do_not_apply(tmp_path):
    result = CliRunner().invoke(
        main, ["iac", str(STACK), "--format", "json", "-o", str(tmp_path / "r.json"), "--fail-on", "never"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert not [f for f in data["findings"] if f["policy_id"] in ("MLS-EXP-007", "MLS-EXP-008")]
    assert _endpoint(data)["facts"]["queries.analysed"] is False


def test_live_scan_joins_the_logs_and_asff_carries_the_alert(logs, tmp_path, monkeypatch):
    from moto import mock_aws

    fake_aws_credentials(monkeypatch)
    with mock_aws():
        import boto3

        sm = boto3.client("sagemaker", region_name="us-east-1")
        role = "arn:aws:iam::123456789012:role/sm"
        sm.create_model(ModelName="m", ExecutionRoleArn=role, PrimaryContainer={"Image": "i"})
        variant = {
            "VariantName": "AllTraffic",
            "ModelName": "m",
            "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1,
        }
        sm.create_endpoint_config(EndpointConfigName="c", ProductionVariants=[variant])
        sm.create_endpoint(EndpointName=ENDPOINT, EndpointConfigName="c")
        out = tmp_path / "asff.json"
        args = ["scan", "--cloud", "aws", "--regions", "us-east-1", "--query-logs", str(logs)]
        result = CliRunner().invoke(main, [*args, "--format", "asff", "-o", str(out), "--fail-on", "high"])
    assert result.exit_code == 1, result.output  # the attack alert is a high failing finding
    findings = json.loads(out.read_text())
    assert any("MLS-EXP-007" in json.dumps(f) for f in findings)

"""Drift: a live SageMaker endpoint (moto) against the Terraform that declares it.

Terraform sets a customer-managed key and disables direct internet access on a notebook; the live
resources run without a CMK (the endpoint) and with internet access (the notebook). The drift findings,
the ``drift`` section and the stored history must say so; an unmatched Terraform resource is listed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.drift import compare
from scanner.model import Resource, Source
from tests.aws.aws_helpers import fake_aws_credentials

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sm-scoped"
TERRAFORM = """
resource "aws_sagemaker_endpoint_configuration" "claims" {
  name        = "claims-config"
  kms_key_arn = "arn:aws:kms:us-east-1:123456789012:key/1111"
  production_variants {
    variant_name           = "main"
    model_name             = "claims-model"
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
}

resource "aws_sagemaker_endpoint" "claims" {
  name                 = "claims-api"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.claims.name
}

resource "aws_sagemaker_notebook_instance" "lab" {
  name                   = "research-lab"
  role_arn               = "%(role)s"
  instance_type          = "ml.t3.medium"
  direct_internet_access = "Disabled"
}

resource "aws_sagemaker_notebook_instance" "planned" {
  name          = "not-created-yet"
  role_arn      = "%(role)s"
  instance_type = "ml.t3.medium"
}
"""


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    import boto3
    from moto import mock_aws

    fake_aws_credentials(monkeypatch)
    with mock_aws():
        iam = boto3.client("iam")
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "sagemaker.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        )
        role = iam.create_role(RoleName="sm-scoped", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        sm = boto3.client("sagemaker", region_name=REGION)
        sm.create_model(
            ModelName="claims-model",
            ExecutionRoleArn=role,
            PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"},
        )
        sm.create_endpoint_config(
            EndpointConfigName="claims-config",
            ProductionVariants=[
                {
                    "VariantName": "main",
                    "ModelName": "claims-model",
                    "InstanceType": "ml.m5.large",
                    "InitialInstanceCount": 1,
                }
            ],
        )
        sm.create_endpoint(EndpointName="claims-api", EndpointConfigName="claims-config")
        sm.create_notebook_instance(
            NotebookInstanceName="research-lab",
            InstanceType="ml.t3.medium",
            RoleArn=role,
            DirectInternetAccess="Enabled",
        )
        stack = tmp_path / "stack"
        stack.mkdir()
        (stack / "main.tf").write_text(TERRAFORM % {"role": role})
        yield stack


def scan(stack: Path, *extra: str) -> dict[str, Any]:
    args = ["scan", "--cloud", "aws", "--regions", REGION, "--terraform", str(stack), "--format", "json"]
    run = CliRunner().invoke(main, [*args, "--fail-on", "never", *extra], catch_exceptions=False)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_drift_findings_and_section(live: Path) -> None:
    document = scan(live)
    drift = {f["resource_name"]: f for f in document["findings"] if f["policy_id"] == "MLS-DRIFT-001"}
    assert set(drift) == {"claims-api", "research-lab"}
    assert drift["claims-api"]["status"] == "fail"
    assert (
        "Terraform sets encryption.cmk = true; the live endpoint has false" in drift["claims-api"]["message"]
    )
    assert (
        "Terraform sets notebook.direct_internet = false; the live notebook has true"
        in drift["research-lab"]["message"]
    )
    section = document["drift"]
    assert section["matched"] == 2 and section["drifted"] == len(
        [f for f in drift.values() if f["status"] == "fail"]
    )
    assert [i.rsplit(":", 1)[-1] for i in section["unmatched_terraform"]] == [
        "aws_sagemaker_notebook_instance.planned"
    ]
    facts = {item["fact"] for r in section["resources"] for item in r["drift"]}
    assert "encryption.cmk" in facts
    assert {r["terraform_file"] for r in section["resources"]} == {"main.tf"}
    assert any(p["id"] == "MLS-DRIFT-001" for p in document["policies"])
    from jsonschema import Draft202012Validator

    schema = json.loads(
        (Path(__file__).resolve().parents[2] / "scanner/report/result.schema.json").read_text()
    )
    assert [e.message for e in Draft202012Validator(schema).iter_errors(document)] == []


def test_drift_is_stored_in_history(live: Path, store_url: str) -> None:
    store = store_url
    first = scan(live, "--store", store)
    assert {f["policy_id"] for f in first["history"]["since_last"]["new"]} >= {"MLS-DRIFT-001"}
    run = CliRunner().invoke(main, ["history", "show", "1", "--store", store, "--format", "json"])
    stored = json.loads(run.stdout)
    assert [f for f in stored["findings"] if f["policy_id"] == "MLS-DRIFT-001" and f["status"] == "fail"]


def _resource(source: str, **fields: Any) -> Resource:
    base = {
        "provider": "aws",
        "service": "sagemaker",
        "kind": "endpoint",
        "id": "x",
        "name": "ep",
        "source": Source(kind=source),
    }
    return Resource(**{**base, **fields})


def test_matching_rules() -> None:
    tf = _resource(
        "hcl",
        id="aws_sagemaker_endpoint.a",
        tags={"team": "risk"},
        facts={"encryption.cmk": True, "encryption.key_id": "aws_kms_key.k.arn", "served.x": 1},
    )
    east = _resource(
        "live",
        id="arn:aws:sagemaker:us-east-1:1:endpoint/ep",
        region="us-east-1",
        tags={"team": "risk"},
        facts={"encryption.cmk": None, "encryption.key_id": "arn:aws:kms:...", "served.x": 2},
    )
    west = _resource(
        "live", id="arn:aws:sagemaker:eu-west-1:1:endpoint/ep", region="eu-west-1", tags={"team": "other"}
    )
    matches, unmatched = compare([tf], [east, west])
    assert [m.live.id for m in matches] == [east.id] and not unmatched  # tags single out the live one
    assert matches[0].items == ()  # unknown is never drift; ids and joined facts are not compared
    both = _resource(
        "live",
        id="arn:aws:sagemaker:eu-west-1:1:endpoint/ep2",
        name="ep",
        region="eu-west-1",
        tags={"team": "risk"},
    )
    matches, unmatched = compare([tf], [east, both])
    assert matches == [] and unmatched == [tf]  # ambiguous: not guessed


def test_drift_section_in_html_and_markdown(live: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["scan", "--cloud", "aws", "--regions", REGION, "--terraform", str(live), "--output-dir", str(out)]
    run = CliRunner().invoke(
        main, [*args, "--format", "html", "--format", "markdown", "--format", "json", "--fail-on", "never"]
    )
    assert run.exit_code == 0, run.stderr
    section = json.loads((out / "mlscan.json").read_text())["drift"]
    items = sum(len(r["drift"]) for r in section["resources"])
    html = (out / "mlscan.html").read_text()
    assert 'id="drift"' in html and html.count('class="drift-item"') == items > 0
    markdown = next(out.glob("*.md")).read_text()
    assert "### Drift between Terraform and live" in markdown and markdown.count("| `encryption.cmk` |") == 1

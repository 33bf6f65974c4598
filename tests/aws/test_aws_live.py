"""The live face against in-process moto: the seeded estate, judged resource by resource."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from scanner.redact import REDACTED
from tests.aws.aws_helpers import REGIONS, by_name, live_scan


@pytest.fixture(scope="module")
def result(estate: dict[str, Any]):
    return live_scan()


def test_covers_every_kind_in_every_region(estate: dict[str, Any], result) -> None:
    assert result.errors == ()
    kinds = {}
    for res in result.resources:
        kinds.setdefault(res.kind, set()).add(res.region)
        assert res.provider == "aws" and res.account == estate["account"] and res.source.kind == "live"
    assert kinds == {k: set(REGIONS) for k in ("endpoint", "model", "training_job", "notebook", "workspace")}
    assert len(by_name(result, "endpoint")) == estate["endpoints"]
    assert len(by_name(result, "training_job")) == estate["training_jobs"]


def test_secure_and_insecure_endpoints(result) -> None:
    endpoints = by_name(result, "endpoint")
    good = endpoints["endpoint-us-east-1-0000"].facts
    bad = endpoints["endpoint-us-east-1-0001"].facts
    assert good["encryption.cmk"] is True and bad["encryption.cmk"] is False
    assert good["logging.capture"] is True and good["logging.capture_encrypted"] is True
    assert bad["logging.capture"] is False
    assert good["availability.instance_count"] == 2 and bad["availability.instance_count"] == 1
    assert good["network.private"] is True and bad["network.private"] is False
    assert good["identity.overprivileged"] is False
    assert bad["identity.overprivileged"] is True and bad["identity.grants"] == ["AdministratorAccess"]
    assert good["auth.mode"] == "iam" and good["exposure.explanations"] is False
    assert good["data.sensitivity"] == "phi" and bad["data.sensitivity"] == "pii"


def test_endpoint_links_models_and_models_link_their_training_job(result) -> None:
    endpoint = by_name(result, "endpoint")["endpoint-eu-west-1-0002"]
    model = by_name(result, "model")["model-eu-west-1-0002"]
    job = by_name(result, "training_job")["train-eu-west-1-0002"]
    assert endpoint.links == (model.id,)
    assert model.links[0] == job.id  # lineage: artifact under the job's output path
    assert model.links[1].endswith(":role/sm-scoped")
    assert job.facts["privacy.dp"] is True and job.facts["privacy.status"] == "dp"
    assert 2.0 < job.facts["privacy.epsilon"] < 2.8  # σ=1.1, N=60000, batch 256, 60 epochs, δ=1e-5
    plain = by_name(result, "training_job")["train-eu-west-1-0001"]
    assert plain.facts["privacy.dp"] is False


def test_training_jobs_notebooks_domains(result) -> None:
    jobs = by_name(result, "training_job")
    secure, plain = jobs["train-us-east-1-0000"].facts, jobs["train-us-east-1-0003"].facts
    for fact in (
        "encryption.cmk",
        "encryption.volume_cmk",
        "encryption.in_transit",
        "network.egress_restricted",
    ):
        assert secure[fact] is True and plain[fact] is False, fact
    assert plain["identity.grants"] == ["AmazonSageMakerFullAccess"]
    notebooks = by_name(result, "notebook")
    hardened, default = notebooks["notebook-us-east-1-0000"].facts, notebooks["notebook-us-east-1-0001"].facts
    assert hardened["notebook.direct_internet"] is False and default["notebook.direct_internet"] is True
    assert hardened["notebook.root_access"] is False and default["notebook.root_access"] is True
    assert default["identity.grants"] == ["s3:* on *"]
    assert hardened["notebook.lifecycle_secrets"] is False and default["notebook.lifecycle_secrets"] is True
    assert notebooks["notebook-us-east-1-0001"].raw["LifecycleSecretsFound"] == ["WANDB_API_KEY"]
    domains = {r.name: r.facts for r in result.resources if r.kind == "workspace"}
    assert domains["studio-us-east-1-0"]["network.public"] is False
    assert domains["studio-us-east-1-1"]["network.public"] is True
    assert domains["studio-us-east-1-1"]["encryption.cmk"] is False


def test_secrets_never_reach_raw(result) -> None:
    text = json.dumps([r.raw for r in result.resources])
    assert "hf_not_a_real_token" not in text
    model = by_name(result, "model")["model-us-east-1-0000"]
    assert model.raw["PrimaryContainer"]["Environment"]["HF_API_TOKEN"] == REDACTED


def test_aws_managed_key_is_not_a_cmk(estate: dict[str, Any]) -> None:
    """alias/aws/* keys are AWS-managed; a key DescribeKey cannot find is unknown, never a CMK."""
    from scanner.clouds.aws.kms import KeyInspector

    kms = boto3.client("kms", region_name="us-east-1")
    customer = kms.create_key()["KeyMetadata"]["Arn"]
    judge = KeyInspector(lambda region: boto3.client("kms", region_name=region), "us-east-1")
    assert judge(customer) is True
    assert judge("alias/aws/sagemaker") is False
    assert judge("arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000") is None


def test_each_role_is_read_once(estate: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = boto3.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-call.iam", lambda model, **_: calls.append(model.name))

    monkeypatch.setattr(boto3.Session, "__init__", init)
    live_scan(max_workers=16)
    # 4 roles: one ListAttachedRolePolicies each, however many resources use them
    assert calls.count("ListAttachedRolePolicies") == 4
    assert calls.count("ListRolePolicies") == 4


def test_scan_is_read_only(estate: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Every API operation a full scan issues (default regions included) is List*, Describe* or Get*."""
    operations: list[str] = []
    original = boto3.Session.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.events.register("before-call", lambda model, **_: operations.append(model.name))

    monkeypatch.setattr(boto3.Session, "__init__", init)
    result = live_scan(regions=())  # ask EC2 for the enabled regions
    assert len({r.region for r in result.resources}) == len(REGIONS)
    assert {
        "DescribeRegions",
        "ListEndpoints",
        "DescribeEndpointConfig",
        "GetRolePolicy",
        "DescribeKey",
    } <= set(operations)
    writes = sorted({op for op in operations if not op.startswith(("List", "Describe", "Get"))})
    assert writes == []

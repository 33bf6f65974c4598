"""Fields moto drops or fakes, driven through the real botocore client with Stubber; malformed shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import ANY, Stubber

import scanner
from scanner.clouds.aws.policy_grants import RoleVerdict
from scanner.clouds.aws.sagemaker import LISTINGS, MalformedAnswer, RegionContext, RegionReader

VOCABULARY = yaml.safe_load((Path(scanner.__file__).parent / "data" / "facts.yaml").read_text())
FACT_TYPES = {"bool": bool, "str": str, "int": int, "float": (int, float), "list": list, "dict": dict}
ACCOUNT = "111122223333"
ARN = f"arn:aws:sagemaker:us-east-1:{ACCOUNT}"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scoped"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def ctx() -> RegionContext:
    return RegionContext(
        account=ACCOUNT,
        region="us-east-1",
        keys=lambda key: key == KEY,
        roles=lambda role: RoleVerdict(role, False),
    )


@pytest.fixture
def client(aws_env: None):
    sm = boto3.client("sagemaker", region_name="us-east-1")
    with Stubber(sm) as stubber:
        yield sm, stubber
        stubber.assert_no_pending_responses()


def model_response(name: str, *, isolation: bool, vpc: bool) -> dict[str, Any]:
    response: dict[str, Any] = {
        "ModelName": name,
        "ModelArn": f"{ARN}:model/{name}",
        "ExecutionRoleArn": ROLE,
        "CreationTime": "2026-01-01T00:00:00Z",
        "EnableNetworkIsolation": isolation,
        "PrimaryContainer": {"Image": "img", "Environment": {"DB_PASSWORD": "hunter2"}},
    }
    if vpc:
        response["VpcConfig"] = {"SecurityGroupIds": ["sg-1"], "Subnets": ["subnet-1"]}
    return response


def _endpoint_response() -> dict:
    """DescribeEndpoint for endpoint ``ep`` serving config ``cfg``."""
    return {
        "EndpointName": "ep",
        "EndpointArn": f"{ARN}:endpoint/ep",
        "EndpointConfigName": "cfg",
        "EndpointStatus": "InService",
        "CreationTime": "2026-01-01T00:00:00Z",
        "LastModifiedTime": "2026-01-01T00:00:00Z",
    }


def test_explainer_shadow_variants_and_model_isolation(client) -> None:
    sm, stubber = client
    stubber.add_response(
        "describe_endpoint",
        _endpoint_response(),
        {"EndpointName": "ep"},
    )
    stubber.add_response(
        "describe_endpoint_config",
        {
            "EndpointConfigName": "cfg",
            "EndpointConfigArn": f"{ARN}:endpoint-config/cfg",
            "CreationTime": "2026-01-01T00:00:00Z",
            "KmsKeyId": KEY,
            "ProductionVariants": [{"VariantName": "a", "ModelName": "prod", "InitialInstanceCount": 2}],
            "ShadowProductionVariants": [
                {"VariantName": "s", "ModelName": "shadow", "InitialInstanceCount": 1}
            ],
            "ExplainerConfig": {
                "ClarifyExplainerConfig": {
                    "EnableExplanations": "`true`",
                    "InferenceConfig": {"ProbabilityIndex": 1},
                    "ShapConfig": {"ShapBaselineConfig": {"ShapBaseline": "1,2,3"}},
                }
            },
            "AsyncInferenceConfig": {"OutputConfig": {"S3OutputPath": "s3://out/"}},
        },
        {"EndpointConfigName": "cfg"},
    )
    stubber.add_response(
        "describe_model", model_response("prod", isolation=True, vpc=True), {"ModelName": "prod"}
    )
    stubber.add_response(
        "describe_model", model_response("shadow", isolation=False, vpc=True), {"ModelName": "shadow"}
    )
    stubber.add_response(
        "list_tags", {"Tags": [{"Key": "sensitivity", "Value": "PII"}]}, {"ResourceArn": ANY}
    )

    endpoint = RegionReader(sm, ctx()).read_endpoint("ep")

    facts = endpoint.facts
    assert facts["exposure.explanations"] is True
    assert facts["exposure.scores"] == "probabilities"
    assert facts["availability.instance_count"] == 2  # production variants only
    assert facts["network.egress_restricted"] is False  # the shadow model is not isolated
    assert facts["network.private"] is True
    assert facts["encryption.cmk"] is True and facts["encryption.output_cmk"] is False
    assert facts["data.sensitivity"] == "pii"
    assert endpoint.links == (f"{ARN}:model/prod", f"{ARN}:model/shadow")
    assert "hunter2" not in repr(endpoint.raw)


def test_model_isolation_and_vpc(client) -> None:
    sm, stubber = client
    stubber.add_response("describe_model", model_response("m", isolation=True, vpc=True), {"ModelName": "m"})
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": f"{ARN}:model/m"})
    model = RegionReader(sm, ctx()).read_model("m")
    assert model.facts["network.egress_restricted"] is True and model.facts["network.private"] is True
    assert model.raw["PrimaryContainer"]["Environment"]["DB_PASSWORD"] == "***REDACTED***"


def test_training_job_environment_feeds_privacy_but_is_redacted(client) -> None:
    sm, stubber = client
    stubber.add_response(
        "describe_training_job",
        {
            "TrainingJobName": "job",
            "TrainingJobArn": f"{ARN}:training-job/job",
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
            "CreationTime": "2026-01-01T00:00:00Z",
            "ModelArtifacts": {"S3ModelArtifacts": "s3://out/job/output/model.tar.gz"},
            "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
            "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://out/"},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 60},
            "Environment": {
                "SM_HP_NOISE_MULTIPLIER": "1.1",
                "SM_HP_MAX_GRAD_NORM": "1.0",
                "SM_HP_BATCH_SIZE": "256",
                "SM_HP_EPOCHS": "60",
                "SM_HP_DATASET_SIZE": "60000",
                "WANDB_API_KEY": "secret-value",
            },
        },
        {"TrainingJobName": "job"},
    )
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": ANY})
    job = RegionReader(sm, ctx()).read_training_job("job")
    assert job.facts["privacy.dp"] is True
    assert job.facts["encryption.cmk"] is False and job.facts["encryption.volume_cmk"] is False
    assert job.raw["Environment"]["WANDB_API_KEY"] == "***REDACTED***"
    assert "secret-value" not in repr(job.raw) and "secret-value" not in repr(job.facts)


def test_notebook_imdsv2(client) -> None:
    sm, stubber = client
    stubber.add_response(
        "describe_notebook_instance",
        {
            "NotebookInstanceName": "nb",
            "NotebookInstanceArn": f"{ARN}:notebook-instance/nb",
            "DirectInternetAccess": "Enabled",
            "RootAccess": "Disabled",
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
        },
        {"NotebookInstanceName": "nb"},
    )
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": ANY})
    facts = RegionReader(sm, ctx()).read_notebook("nb").facts
    assert facts["notebook.imdsv2"] is True and facts["notebook.root_access"] is False
    assert facts["notebook.direct_internet"] is True and facts["network.private"] is False


def test_deleted_model_makes_endpoint_facts_unknown(client) -> None:
    sm, stubber = client
    stubber.add_response(
        "describe_endpoint",
        _endpoint_response(),
    )
    stubber.add_response(
        "describe_endpoint_config",
        {
            "EndpointConfigName": "cfg",
            "EndpointConfigArn": f"{ARN}:endpoint-config/cfg",
            "CreationTime": "2026-01-01T00:00:00Z",
            "ProductionVariants": [{"VariantName": "a", "ModelName": "gone"}],
        },
    )
    stubber.add_client_error("describe_model", "ValidationException", "Could not find model")
    stubber.add_client_error("list_tags", "AccessDeniedException", "no")
    context = ctx()
    endpoint = RegionReader(sm, context).read_endpoint("ep")
    assert endpoint.facts["network.egress_restricted"] is None
    assert endpoint.facts["identity.overprivileged"] is None
    assert endpoint.facts["availability.instance_count"] is None  # serverless / unspecified
    assert endpoint.facts["data.sensitivity"] is None  # the tags could not be read: unknown
    assert endpoint.links == (f"{ARN}:model/gone",)
    # the denied ListTags is an error entry, not a silent "untagged"
    (problem,) = context.problems.drain()
    assert problem.where == f"aws/{ACCOUNT}/us-east-1/sagemaker"
    assert problem.reason.startswith(f"ListTags {ARN}:endpoint/ep: ")


class MalformedClient:
    """Answers every call with the shape given (missing keys, nulls, wrong types)."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def __getattr__(self, name: str):
        return lambda **_: self._response

    def get_paginator(self, name: str):
        response = self._response

        class Paginator:
            def paginate(self, **_):
                return [response]

        return Paginator()


@pytest.mark.parametrize(
    "response",
    [
        {},
        None,
        "oops",
        {"EndpointConfigName": None, "ProductionVariants": None, "Tags": None},
        {"EndpointConfigName": "c", "ProductionVariants": "x", "ShadowProductionVariants": [None, 3]},
        {"ProductionVariants": [{"ModelName": "m", "InitialInstanceCount": None}], "DataCaptureConfig": None},
        {"PrimaryContainer": None, "Containers": None, "VpcConfig": None, "EnableNetworkIsolation": None},
        {"HyperParameters": None, "Environment": "x", "AlgorithmSpecification": {"ContainerArguments": None}},
        {
            "InstanceMetadataServiceConfiguration": None,
            "DirectInternetAccess": None,
            "Tags": [None, {"Key": 1}],
        },
        {"DefaultUserSettings": None, "AppNetworkAccessType": 5, "AuthMode": None},
        {"ExplainerConfig": {"ClarifyExplainerConfig": None}, "AsyncInferenceConfig": {"OutputConfig": None}},
    ],
)
@pytest.mark.parametrize("kind", ["endpoint", "model", "training_job", "notebook", "domain"])
def test_malformed_shapes_never_crash(kind: str, response: Any) -> None:
    """A shape with its identifying ARN reads as a resource with honest facts; one without it (empty,
    truncated, HTML) is MalformedAnswer, which the live scan reports as that resource's error entry."""
    identity = {
        f"{k}Arn": f"{ARN}:{k.lower()}/x"
        for k in ("Endpoint", "Model", "TrainingJob", "NotebookInstance", "Domain")
    }
    shaped = {**identity, **response} if isinstance(response, dict) and response else response
    reader = RegionReader(MalformedClient(shaped), ctx())
    try:
        resource = reader.read(kind, "x")
    except MalformedAnswer as exc:
        assert not (isinstance(shaped, dict) and shaped) and "answer has no" in str(exc)
    else:
        assert resource.provider == "aws" and resource.id.startswith("arn:aws:sagemaker:us-east-1:")
        for name, value in resource.facts.items():
            assert value is None or isinstance(value, FACT_TYPES[VOCABULARY[name]["type"]]), (name, value)
    with pytest.raises(MalformedAnswer, match=f"{LISTINGS[kind][0]} answer has no {LISTINGS[kind][1]}"):
        reader.list_names(kind)  # no shape above carries the listing's key


def test_training_job_final_epsilon_metric_is_read(client) -> None:
    """A job whose ε cannot be recomputed (no dataset size) but which logged its accountant's ε."""
    sm, stubber = client
    stubber.add_response(
        "describe_training_job",
        {
            "TrainingJobName": "dp",
            "TrainingJobArn": f"{ARN}:training-job/dp",
            "TrainingJobStatus": "Completed",
            "SecondaryStatus": "Completed",
            "CreationTime": "2026-01-01T00:00:00Z",
            "ModelArtifacts": {"S3ModelArtifacts": "s3://out/dp/output/model.tar.gz"},
            "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
            "HyperParameters": {"noise_multiplier": '"1.1"', "max_per_sample_grad_norm": '"1.0"'},
            "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://out/"},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 60},
            "FinalMetricDataList": [
                {"MetricName": "train:loss", "Value": 0.31, "Timestamp": "2026-01-01T01:00:00Z"},
                {"MetricName": "train:epsilon", "Value": 2.97, "Timestamp": "2026-01-01T01:00:00Z"},
            ],
        },
        {"TrainingJobName": "dp"},
    )
    stubber.add_response("list_tags", {"Tags": []}, {"ResourceArn": ANY})
    job = RegionReader(sm, ctx()).read_training_job("dp")
    assert job.facts["privacy.status"] == "dp"
    assert (job.facts["privacy.epsilon"], job.facts["privacy.accountant"]) == (2.97, "logged")

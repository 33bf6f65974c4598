"""HCL / plan / live parity for the SageMaker types beyond endpoints, models, jobs, notebooks and domains:
pipelines (their Training steps), model-monitor job definitions, feature groups, model package groups,
Studio spaces and labeling workteams.

Each case is written once (plan-shaped attributes) and rendered as HCL, as a plan, and created in moto
through the real API. moto lacks ListFeatureGroups, ListSpaces / DescribeSpace, ListWorkteams /
DescribeWorkteam, DescribeWorkforce and the model package group policy calls: ``scanner/sandbox/
moto_sagemaker.py`` adds them to moto's SageMaker backend (installed for every test by tests/conftest.py).
Roles are literal ARNs here, so the role verdict is compared elsewhere (tests/aws/test_aws_parity.py);
every other fact must agree on all three faces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from scanner.clouds.sources import terraform_source
from scanner.sandbox.moto_sagemaker import install
from tests.aws.aws_helpers import live_scan

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/mlscan-pipeline"
BUCKET = "mlscan-parity-artifacts"
SUBNET, SG = "subnet-0abc", "sg-0abc"
COMPARED = (
    "network.public",
    "network.private",
    "network.egress_restricted",
    "notebook.direct_internet",
    "encryption.cmk",
    "encryption.output_cmk",
    "encryption.volume_cmk",
    "encryption.in_transit",
    "access.public_policy",
    "artifacts.public",
    "artifacts.cmk",
    "artifacts.versioning",
    "artifacts.access_logging",
    "artifacts.locations",
    "privacy.dp",
    "training.hardcoded_secrets",
)


@dataclass(frozen=True)
class Ref:
    """A reference expression (HCL text; in the plan: known after apply, with its references)."""

    expression: str


def _pipeline_definition(isolated: bool, key: str | None) -> str:
    arguments: dict[str, Any] = {
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/jobs", **({"KmsKeyId": key} if key else {})},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"noise_multiplier": "1.1", "max_grad_norm": "1.0"} if isolated else {},
        "EnableNetworkIsolation": isolated,
    }
    if isolated:
        arguments["VpcConfig"] = {"SecurityGroupIds": [SG], "Subnets": [SUBNET]}
        arguments["EnableInterContainerTrafficEncryption"] = True
    return json.dumps(
        {"Version": "2020-12-01", "Steps": [{"Name": "train", "Type": "Training", "Arguments": arguments}]}
    )


def _cases(key: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(type, name, plan-shaped attributes): nested blocks as dicts, rendered as blocks."""
    public_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "sagemaker:DescribeModelPackage",
                    "Resource": "*",
                }
            ],
        }
    )
    monitor = {
        "role_arn": ROLE,
        "data_quality_app_specification": {"image_uri": "img"},
        "data_quality_job_input": {"endpoint_input": {"endpoint_name": "ep", "local_path": "/opt/ml/input"}},
        "job_resources": {
            "cluster_config": {"instance_count": 1, "instance_type": "ml.m5.large", "volume_size_in_gb": 10}
        },
    }
    output = {"monitoring_outputs": {"s3_output": {"s3_uri": f"s3://{BUCKET}/monitor", "local_path": "/out"}}}
    features = [
        {"feature_name": "id", "feature_type": "String"},
        {"feature_name": "ts", "feature_type": "String"},
    ]
    return [
        ("aws_s3_bucket", "artifacts", {"bucket": BUCKET}),
        (
            "aws_sagemaker_pipeline",
            "private",
            {
                "pipeline_name": "private",
                "pipeline_display_name": "private",
                "role_arn": ROLE,
                "pipeline_definition": _pipeline_definition(True, key),
            },
        ),
        (
            "aws_sagemaker_pipeline",
            "open",
            {
                "pipeline_name": "open",
                "pipeline_display_name": "open",
                "role_arn": ROLE,
                "pipeline_definition": _pipeline_definition(False, None),
            },
        ),
        (
            "aws_sagemaker_data_quality_job_definition",
            "locked",
            {
                **monitor,
                "name": "locked",
                "data_quality_job_output_config": {"kms_key_id": key, **output},
                "job_resources": {
                    "cluster_config": {
                        **monitor["job_resources"]["cluster_config"],
                        "volume_kms_key_id": key,
                    }
                },
                "network_config": {
                    "enable_inter_container_traffic_encryption": True,
                    "enable_network_isolation": True,
                    "vpc_config": {"security_group_ids": [SG], "subnets": [SUBNET]},
                },
            },
        ),
        (
            "aws_sagemaker_data_quality_job_definition",
            "plain",
            {**monitor, "name": "plain", "data_quality_job_output_config": output},
        ),
        (
            "aws_sagemaker_feature_group",
            "keyed",
            {
                "feature_group_name": "keyed",
                "record_identifier_feature_name": "id",
                "event_time_feature_name": "ts",
                "role_arn": ROLE,
                "feature_definition": features,
                "offline_store_config": {
                    "s3_storage_config": {"s3_uri": f"s3://{BUCKET}/fs", "kms_key_id": key}
                },
                "online_store_config": {"enable_online_store": True, "security_config": {"kms_key_id": key}},
            },
        ),
        (
            "aws_sagemaker_feature_group",
            "online_unkeyed",
            {
                "feature_group_name": "online_unkeyed",
                "record_identifier_feature_name": "id",
                "event_time_feature_name": "ts",
                "role_arn": ROLE,
                "feature_definition": features,
                "offline_store_config": {
                    "s3_storage_config": {"s3_uri": f"s3://{BUCKET}/fs2", "kms_key_id": key}
                },
                "online_store_config": {"enable_online_store": True},
            },
        ),
        ("aws_sagemaker_model_package_group", "shared", {"model_package_group_name": "shared"}),
        (
            "aws_sagemaker_model_package_group_policy",
            "shared",
            {"model_package_group_name": "shared", "resource_policy": public_policy},
        ),
        ("aws_sagemaker_model_package_group", "private_group", {"model_package_group_name": "private_group"}),
        (
            "aws_sagemaker_domain",
            "studio",
            {
                "domain_name": "studio",
                "auth_mode": "IAM",
                "vpc_id": "vpc-0abc",
                "subnet_ids": [SUBNET],
                "app_network_access_type": "VpcOnly",
                "kms_key_id": key,
                "default_user_settings": {"execution_role": ROLE},
                "default_space_settings": {"execution_role": ROLE},
            },
        ),
        (
            "aws_sagemaker_space",
            "lab",
            {"domain_id": Ref("aws_sagemaker_domain.studio.id"), "space_name": "lab"},
        ),
        (
            "aws_sagemaker_workforce",
            "labelers",
            {
                "workforce_name": "labelers",
                "source_ip_config": {"cidrs": ["10.0.0.0/16"]},
                "cognito_config": {"client_id": "c", "user_pool": "p"},
            },
        ),
        (
            "aws_sagemaker_workteam",
            "team",
            {
                "workteam_name": "team",
                "workforce_name": "labelers",
                "description": "labelers",
                "member_definition": {
                    "cognito_member_definition": {"client_id": "c", "user_group": "g", "user_pool": "p"}
                },
            },
        ),
        (
            "aws_sagemaker_workforce",
            "open_portal",
            {"workforce_name": "open_portal", "cognito_config": {"client_id": "c", "user_pool": "p"}},
        ),
        (
            "aws_sagemaker_workteam",
            "open_team",
            {
                "workteam_name": "open_team",
                "workforce_name": "open_portal",
                "description": "open",
                "member_definition": {
                    "cognito_member_definition": {"client_id": "c", "user_group": "g", "user_pool": "p"}
                },
            },
        ),
    ]


# -- the three faces -------------------------------------------------------------------------------------


def _hcl_value(value: Any) -> str:
    return value.expression if isinstance(value, Ref) else json.dumps(value)


def _hcl_body(attrs: dict[str, Any], indent: str) -> list[str]:
    lines = []
    for name, value in attrs.items():
        items = value if isinstance(value, list) and value and isinstance(value[0], dict) else [value]
        for item in items:
            if isinstance(item, dict):
                lines += [f"{indent}{name} {{", *_hcl_body(item, indent + "  "), f"{indent}}}"]
            else:
                lines.append(f"{indent}{name} = {_hcl_value(item)}")
    return lines


def _hcl(cases: list[tuple[str, str, dict[str, Any]]]) -> str:
    return "\n".join("\n".join([f'resource "{t}" "{n}" {{', *_hcl_body(a, "  "), "}"]) for t, n, a in cases)


def _plan_value(value: Any) -> Any:
    if isinstance(value, dict):
        return [{k: _plan_value(v) for k, v in value.items() if not isinstance(v, Ref)}]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_plan_value(v)[0] for v in value]
    return value


def _plan(cases: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    resources, changes, configs = [], [], []
    for rtype, name, attrs in cases:
        address = f"{rtype}.{name}"
        refs = {k: v for k, v in attrs.items() if isinstance(v, Ref)}
        values = {k: _plan_value(v) for k, v in attrs.items() if k not in refs}
        resources.append(
            {"address": address, "mode": "managed", "type": rtype, "name": name, "values": values}
        )
        changes.append(
            {
                "address": address,
                "type": rtype,
                "name": name,
                "change": {
                    "actions": ["create"],
                    "after": values,
                    "after_unknown": dict.fromkeys(refs, True),
                },
            }
        )
        expressions = {
            k: {"references": [v.expression, v.expression.rsplit(".", 1)[0]]} for k, v in refs.items()
        }
        configs.append(
            {"address": address, "mode": "managed", "type": rtype, "name": name, "expressions": expressions}
        )
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": configs}},
    }


def _live(cases: list[tuple[str, str, dict[str, Any]]]) -> None:
    """Create every case in moto through boto3, as the API spells it."""
    sm = boto3.client("sagemaker", region_name="us-east-1")
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    by = {(t, n): a for t, n, a in cases}
    for name in ("private", "open"):
        a = by[("aws_sagemaker_pipeline", name)]
        sm.create_pipeline(
            PipelineName=name,
            PipelineDefinition=a["pipeline_definition"],
            RoleArn=ROLE,
            ClientRequestToken=name * 8,
        )
    for name in ("locked", "plain"):
        a = by[("aws_sagemaker_data_quality_job_definition", name)]
        out = a["data_quality_job_output_config"]
        cluster = a["job_resources"]["cluster_config"]
        request: dict[str, Any] = {
            "JobDefinitionName": name,
            "RoleArn": ROLE,
            "DataQualityAppSpecification": {"ImageUri": "img"},
            "DataQualityJobInput": {"EndpointInput": {"EndpointName": "ep", "LocalPath": "/opt/ml/input"}},
            "DataQualityJobOutputConfig": {
                "MonitoringOutputs": [
                    {
                        "S3Output": {
                            "S3Uri": out["monitoring_outputs"]["s3_output"]["s3_uri"],
                            "LocalPath": "/out",
                        }
                    }
                ],
                **({"KmsKeyId": out["kms_key_id"]} if "kms_key_id" in out else {}),
            },
            "JobResources": {
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": "ml.m5.large",
                    "VolumeSizeInGB": 10,
                    **(
                        {"VolumeKmsKeyId": cluster["volume_kms_key_id"]}
                        if "volume_kms_key_id" in cluster
                        else {}
                    ),
                }
            },
        }
        if "network_config" in a:
            request["NetworkConfig"] = {
                "EnableInterContainerTrafficEncryption": True,
                "EnableNetworkIsolation": True,
                "VpcConfig": {"SecurityGroupIds": [SG], "Subnets": [SUBNET]},
            }
        sm.create_data_quality_job_definition(**request)
    for name in ("keyed", "online_unkeyed"):
        a = by[("aws_sagemaker_feature_group", name)]
        s3 = a["offline_store_config"]["s3_storage_config"]
        online = a["online_store_config"]
        sm.create_feature_group(
            FeatureGroupName=name,
            RecordIdentifierFeatureName="id",
            EventTimeFeatureName="ts",
            FeatureDefinitions=[
                {"FeatureName": "id", "FeatureType": "String"},
                {"FeatureName": "ts", "FeatureType": "String"},
            ],
            RoleArn=ROLE,
            OfflineStoreConfig={"S3StorageConfig": {"S3Uri": s3["s3_uri"], "KmsKeyId": s3["kms_key_id"]}},
            OnlineStoreConfig={
                "EnableOnlineStore": True,
                **(
                    {"SecurityConfig": {"KmsKeyId": online["security_config"]["kms_key_id"]}}
                    if "security_config" in online
                    else {}
                ),
            },
        )
    for name in ("shared", "private_group"):
        sm.create_model_package_group(ModelPackageGroupName=name)
    sm.put_model_package_group_policy(
        ModelPackageGroupName="shared",
        ResourcePolicy=by[("aws_sagemaker_model_package_group_policy", "shared")]["resource_policy"],
    )
    domain = by[("aws_sagemaker_domain", "studio")]
    domain_id = sm.create_domain(
        DomainName="studio",
        AuthMode="IAM",
        VpcId="vpc-0abc",
        SubnetIds=[SUBNET],
        AppNetworkAccessType="VpcOnly",
        KmsKeyId=domain["kms_key_id"],
        DefaultUserSettings={"ExecutionRole": ROLE},
        DefaultSpaceSettings={"ExecutionRole": ROLE},
    )["DomainArn"].rsplit("/", 1)[-1]
    sm.create_space(DomainId=domain_id, SpaceName="lab")
    cognito = {"ClientId": "c", "UserPool": "p"}
    sm.create_workforce(
        WorkforceName="labelers", SourceIpConfig={"Cidrs": ["10.0.0.0/16"]}, CognitoConfig=cognito
    )
    sm.create_workforce(WorkforceName="open_portal", CognitoConfig=cognito)
    member = [{"CognitoMemberDefinition": {"UserPool": "p", "UserGroup": "g", "ClientId": "c"}}]
    for team, workforce in (("team", "labelers"), ("open_team", "open_portal")):
        sm.create_workteam(
            WorkteamName=team, WorkforceName=workforce, MemberDefinitions=member, Description=team
        )


def _by_name(resources: Any) -> dict[str, dict[str, Any]]:
    return {
        r.name.rsplit(".", 1)[-1]: r.facts for r in resources if r.kind != "workspace" or "team" in r.name
    }


@pytest.fixture(scope="module")
def faces(tmp_path_factory: pytest.TempPathFactory):
    from moto import mock_aws

    install()
    tmp = tmp_path_factory.mktemp("studio-parity")
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing")):
            mp.setenv(name, value)
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.delenv("AWS_ENDPOINT_URL", raising=False)
        key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
        cases = _cases(key)
        _live(cases)
        live = live_scan(regions=("us-east-1",))
    (tmp / "hcl").mkdir()
    (tmp / "hcl" / "main.tf").write_text(_hcl(cases))
    (tmp / "plan.json").write_text(json.dumps(_plan(cases)))
    hcl = terraform_source([tmp / "hcl"])
    plan = terraform_source([tmp / "plan.json"])
    return live, hcl, plan


def _names(result: Any) -> dict[str, Any]:
    """Resources by their live-comparable name: the block's name attribute (pipelines: ``name/step``)."""
    found = {}
    for r in result.resources:
        found[r.name] = r
    return found


EXPECTED = {
    "private/train": "training_job",
    "open/train": "training_job",
    "locked": "compute",
    "plain": "compute",
    "keyed": "data_store",
    "online_unkeyed": "data_store",
    "shared": "model",
    "private_group": "model",
    "lab": "notebook",
    "team": "workspace",
    "open_team": "workspace",
}


def test_every_new_type_is_read_live(faces):
    live, _, _ = faces
    assert live.errors == ()
    names = _names(live)
    for name, kind in EXPECTED.items():
        assert names[name].kind == kind, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_live_hcl_and_plan_agree(faces, name):
    live, hcl, plan = faces
    assert hcl.errors == () and plan.errors == ()
    found = [_names(face).get(name) for face in faces]
    assert all(found), f"{name} missing from a face: {[f is not None for f in found]}"
    compared = [{k: r.facts.get(k) for k in COMPARED if k in r.facts} for r in found]
    assert compared[0] == compared[1] == compared[2]


def test_verdicts_are_the_intended_ones(faces):
    live = _names(faces[0])
    assert live["private/train"].facts["network.egress_restricted"] is True
    assert live["private/train"].facts["encryption.output_cmk"] is True
    assert live["private/train"].facts["privacy.dp"] is True
    assert live["open/train"].facts["network.egress_restricted"] is False
    assert live["locked"].facts["encryption.in_transit"] is True
    assert live["plain"].facts["encryption.output_cmk"] is False
    assert live["keyed"].facts["encryption.cmk"] is True
    assert live["online_unkeyed"].facts["encryption.cmk"] is False
    assert live["shared"].facts["access.public_policy"] is True
    assert live["private_group"].facts["access.public_policy"] is False
    assert live["lab"].facts["network.private"] is True
    assert live["lab"].facts["notebook.direct_internet"] is False
    assert live["team"].facts["network.public"] is False
    assert live["open_team"].facts["network.public"] is True
    assert live["private/train"].facts["artifacts.locations"] == [f"s3://{BUCKET}"]


def test_every_face_declares_the_facts_it_produces(faces):
    """scanner/data/type_facts.yaml lists every fact these live types and their Terraform blocks write."""
    from scanner.clouds.coverage import produced

    missing = {}
    for face in faces:
        for r in face.resources:
            undeclared = set(r.facts) - (produced(r.resource_type, r.kind) or set())
            if undeclared:
                missing.setdefault((r.resource_type, r.kind), set()).update(undeclared)
    assert not missing, {k: sorted(v) for k, v in missing.items()}

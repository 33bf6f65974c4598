"""The three faces of the Studio-parity cases: HCL text, a plan document, and resources created in moto.

Each renders the same cases (tests/aws/studio_cases.py) the way its source spells them: HCL blocks and
references, plan values with references known after apply, and the boto3 calls as the API names them.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.aws.studio_cases import BUCKET, ROLE, SG, SUBNET, Ref


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


def render_hcl(cases: list[tuple[str, str, dict[str, Any]]]) -> str:
    """One ``resource`` block per case."""
    return "\n".join("\n".join([f'resource "{t}" "{n}" {{', *_hcl_body(a, "  "), "}"]) for t, n, a in cases)


def _plan_value(value: Any) -> Any:
    if isinstance(value, dict):
        return [{k: _plan_value(v) for k, v in value.items() if not isinstance(v, Ref)}]
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [_plan_value(v)[0] for v in value]
    return value


def render_plan(cases: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    """A plan creating every case: planned values, resource changes and configuration expressions."""
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


def create_live(cases: list[tuple[str, str, dict[str, Any]]]) -> None:
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

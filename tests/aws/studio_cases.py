"""The Studio-parity cases (tests/aws/test_aws_parity_studio.py), written once in plan-shaped attributes.

Each case is a (Terraform type, block name, attributes) triple; nested blocks are dicts (a list of dicts
for a repeated block) and a :class:`Ref` is a reference expression. ``studio_faces`` renders them as HCL,
as a plan and as moto resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

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


def cases_for(key: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(type, name, plan-shaped attributes) for every case, encrypted where they are with ``key``."""
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
